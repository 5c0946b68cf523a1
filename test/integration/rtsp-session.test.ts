// The native RTSP client against the simulated camera: H.264 and H.265 access units at the camera's rate, auth, TEARDOWN, decodable.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RtspSession, type RtspSessionOptions } from '../../transcoder/rtsp/rtsp-session';
import type { AccessUnit, VideoTrack } from '../../transcoder/rtsp/types';
import { SimCam } from '../helpers/simcam-rtsp';
import { waitFor } from '../helpers/wait-for';

const USER = 'viewer';
const PASSWORD = 'p@ss: w/rd%';
const FPS = 30;

interface Run {
  session: RtspSession;
  track: VideoTrack | null;
  aus: AccessUnit[];
  logs: string[];
  closed: Promise<string>;
}

function pull(opts: Partial<RtspSessionOptions> & { url: string }): Run {
  const session = new RtspSession({ timeoutMs: 5000, ...opts });
  const run: Run = {
    session,
    track: null,
    aus: [],
    logs: [],
    closed: once(session, 'closed').then(([r]) => r as string),
  };
  session.on('described', (t) => (run.track = t));
  session.on('accessUnit', (au) => run.aus.push(au));
  session.on('log', (l) => run.logs.push(l));
  session.start();
  return run;
}

/** The pictures as an Annex B stream (the SDP's parameter sets first) decoded by ffmpeg: frames counted, errors collected. */
function decode(codec: 'h264' | 'h265', track: VideoTrack, aus: AccessUnit[]): { frames: number; stderr: string } {
  const start = Buffer.from([0, 0, 0, 1]);
  const nals = [...track.vps, ...track.sps, ...track.pps, ...aus.flatMap((au) => au.nals)];
  const dir = mkdtempSync(path.join(tmpdir(), 'rtsp-annexb-'));
  try {
    const file = path.join(dir, `video.${codec}`);
    writeFileSync(file, Buffer.concat(nals.flatMap((n) => [start, n])));
    const r = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-loglevel',
        'error',
        '-f',
        codec === 'h264' ? 'h264' : 'hevc',
        '-i',
        file,
        '-f',
        'framemd5',
        '-',
      ],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr);
    return { frames: r.stdout.split('\n').filter((l) => l && !l.startsWith('#')).length, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('RTSP session against the simulated camera', function () {
  this.timeout(30000);
  let sim: SimCam;

  before(async () => {
    // camera 0 H.264, camera 1 H.265; Digest auth as most cameras
    sim = await SimCam.start({
      count: 2,
      codec: 'h264,h265',
      fps: FPS,
      gopS: 1,
      width: 320,
      height: 240,
      user: USER,
      password: PASSWORD,
    });
  });
  after(() => sim?.close());

  for (const [i, codec] of [
    [0, 'h264'],
    [1, 'h265'],
  ] as const)
    it(`${codec}: keyframe first, ${FPS} pictures/s ${90000 / FPS} ticks apart, parameter sets, decodable; close() tears down`, async () => {
      const mount = SimCam.mount(i);
      const run = pull({ url: sim.url(i) });
      await once(run.session, 'playing');
      // the simulator prints its session lines as it goes: under load they may come a moment after PLAY's answer
      await waitFor(() => sim.sessions(mount) === 1, { what: 'the camera to count the session', timeoutMs: 3000 });
      await waitFor(() => run.aus.length >= 2 * FPS + 1, { what: `${2 * FPS + 1} pictures`, timeoutMs: 8000 });
      await run.session.close('test done');
      assert.equal(await run.closed, 'test done');
      await waitFor(() => sim.sessions(mount) === 0, { what: 'the camera to drop the session', timeoutMs: 3000 });

      const { aus, track } = run;
      assert.equal(track?.codec, codec);
      assert.ok(aus[0]!.keyframe, 'the first picture is a keyframe');
      const keyframes = aus.filter((a) => a.keyframe).length;
      assert.ok(keyframes >= 2 && keyframes <= 4, `a keyframe each second: ${keyframes} in ${aus.length} pictures`);
      const steps = aus.slice(1).map((a, k) => a.timestamp - aus[k]!.timestamp);
      const mean = (aus.at(-1)!.timestamp - aus[0]!.timestamp) / (aus.length - 1);
      assert.ok(Math.abs(mean - 90000 / FPS) < 150, `mean step ${mean} ticks`);
      assert.ok(
        steps.every((s) => s > 0 && s < 3 * (90000 / FPS)),
        `steps ${steps.join(',')}`,
      );
      const wall = (aus.at(-1)!.receivedAt - aus[0]!.receivedAt) / 1000;
      assert.ok(Math.abs((aus.length - 1) / wall - FPS) < FPS * 0.25, `${aus.length - 1} pictures in ${wall} s`);
      const inBand = aus[0]!.nals.map((n) => (codec === 'h264' ? n[0]! & 0x1f : (n[0]! >> 1) & 0x3f));
      const sets = codec === 'h264' ? [7, 8] : [32, 33, 34];
      assert.ok(
        (track!.sps.length > 0 && track!.pps.length > 0) || sets.every((t) => inBand.includes(t)),
        'parameter sets in the SDP or in band',
      );
      assert.ok(!inBand.includes(codec === 'h264' ? 9 : 35), 'no access unit delimiter');
      const { frames, stderr } = decode(codec, track!, aus);
      assert.equal(frames, aus.length);
      assert.equal(stderr, '');
      assert.ok(!run.logs.some((l) => l.startsWith('rtp:')), run.logs.join('\n'));
    });

  it('takes credentials given apart from the URL (before embedded ones)', async () => {
    const run = pull({
      url: sim.url(0, 'sub').replace(/\/\/[^@]*@/, '//nobody:wrong@'),
      username: USER,
      password: PASSWORD,
    });
    await once(run.session, 'playing');
    await waitFor(() => run.aus.length > 0, { what: 'a picture' });
    await run.session.close('done');
  });

  it('a wrong password ends in closed "unauthorized", masked; no session is left', async () => {
    const url = sim.url(0).replace(encodeURIComponent(PASSWORD), 'wrong-secret');
    const run = pull({ url });
    const reason = await run.closed;
    assert.match(reason, /^unauthorized: DESCRIBE answered 401 Unauthorized to the digest credentials$/);
    assert.ok(!run.logs.join('\n').includes('wrong-secret'));
    await waitFor(() => sim.sessions() === 0, { what: 'no session at the camera', timeoutMs: 3000 });
  });

  it('no credentials for a camera that asks for them: closed "unauthorized"', async () => {
    const run = pull({ url: sim.url(0, 'main', false) });
    assert.match(await run.closed, /^unauthorized: DESCRIBE answered 401 .* and no credentials were given$/);
  });

  it('a "described" listener may decline: closed with its reason, nothing set up', async () => {
    const session = new RtspSession({ url: sim.url(1), timeoutMs: 5000 });
    let played = false;
    session.on('described', (track, others) => {
      assert.equal(track.codec, 'h265');
      assert.deepEqual(others, []);
      void session.close('declined: h265 not wanted');
    });
    session.on('playing', () => (played = true));
    const closed = once(session, 'closed');
    session.start();
    assert.deepEqual(await closed, ['declined: h265 not wanted']);
    assert.equal(played, false);
    assert.equal(sim.peakSessions(SimCam.mount(1)) <= 1, true);
    await waitFor(() => sim.sessions(SimCam.mount(1)) === 0, { what: 'no session set up', timeoutMs: 3000 });
  });
});

describe('RTSP session against a camera repeating parameter sets in every keyframe slice', function () {
  this.timeout(30000);
  let sim: SimCam;
  before(async () => {
    sim = await SimCam.start({ codec: 'h264', fps: 15, gopS: 1, width: 640, height: 480, repeatParameterSets: true });
  });
  after(() => sim?.close());

  it('keeps in-band parameter sets inside the picture; the stream decodes frame for frame', async () => {
    const run = pull({ url: sim.url(0) });
    await waitFor(() => run.aus.length >= 20, { what: '20 pictures', timeoutMs: 8000 });
    await run.session.close('done');
    const types = run.aus[0]!.nals.map((n) => n[0]! & 0x1f);
    assert.ok(types.includes(7) && types.includes(8) && types.includes(5), `keyframe NAL types ${types.join(',')}`);
    const { frames, stderr } = decode('h264', run.track!, run.aus);
    // ffmpeg's raw H.264 parser starts a new frame at parameter sets that follow a slice: such a
    // keyframe (SPS PPS slice SPS PPS slice) counts twice there, though it is one picture here
    const splits = run.aus.reduce(
      (n, au) =>
        n +
        au.nals.filter((x, k) => k > 0 && (x[0]! & 0x1f) === 7 && [1, 5].includes(au.nals[k - 1]![0]! & 0x1f)).length,
      0,
    );
    assert.ok(splits > 0, 'the camera repeated parameter sets inside keyframes');
    assert.equal(frames, run.aus.length + splits);
    assert.equal(stderr, '');
    await waitFor(() => sim.sessions() === 0, { what: 'no session left' });
  });
});
