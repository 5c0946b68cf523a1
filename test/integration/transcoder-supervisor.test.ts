// Supervisor against real ffmpeg and simulated RTSP cameras: live, sharing, idle, capacity, input, close.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren, isAlive, sleep, waitFor } from '../../bench/transcoder-proc';
import { parsePlaylist } from '../../transcoder/hls-files';
import {
  Supervisor,
  TranscoderCapacityError,
  TranscoderInputError,
  TranscoderStateError,
  type StreamSpec,
  type StreamStateEvent,
  type TranscoderOptions,
} from '../../transcoder/index';
import { SimCam } from '../helpers/simcam-rtsp';

const FAST: Partial<TranscoderOptions> = {
  idleTimeoutS: 2,
  stallTimeoutS: 4,
  rtspTimeoutS: 2,
  backoffInitialMs: 200,
  backoffMaxMs: 1000,
  failuresBeforeOffline: 3,
  killGraceMs: 1000,
};

describe('transcoder supervisor (integration)', function () {
  this.timeout(30000);
  let cam: SimCam;
  let root: string;
  const sups: Supervisor[] = [];
  const spec = (i: number, over: Partial<StreamSpec> = {}): StreamSpec => ({
    cameraId: `cam${i}`,
    profile: 'main',
    url: cam.url(i),
    codec: 'h264',
    audioCodec: null,
    ...over,
  });
  async function newSup(over: Partial<TranscoderOptions> = {}): Promise<Supervisor> {
    const s = new Supervisor({ ...FAST, hlsDir: path.join(root, `hls${sups.length}`), ...over });
    sups.push(s);
    await s.start();
    return s;
  }

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-sup-'));
    cam = await SimCam.start({ count: 4, codec: 'h264', width: 320, height: 180 });
  });
  afterEach(async () => {
    await Promise.all(sups.splice(0).map((s) => s.close()));
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg left after close()');
  });
  after(async () => {
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('goes live with a playable segment, then the playlist advances', async () => {
    const sup = await newSup();
    const states: string[] = [];
    sup.on('state', (e) => states.push(e.state));
    const r = await sup.acquire(spec(0));
    assert.equal(r.started, true);
    const first = parsePlaylist(readFileSync(r.playlistPath, 'utf8'));
    assert.ok(first.segments.length >= 1);
    // init<run>.mp4: run 0, or run 1 when the simulated camera refused the very first connect (acquire sits through one failed run)
    assert.match(first.initUri ?? '', /^init[01]\.mp4$/);
    const seg = sup.resolveFile(r.key, first.segments[0] ?? '');
    assert.ok(seg && statSync(seg).size > 0, 'first listed segment exists and is not empty');
    assert.ok(statSync(sup.resolveFile(r.key, first.initUri ?? '') ?? '').size > 0, 'init segment exists');
    const last = (): string | undefined => parsePlaylist(readFileSync(r.playlistPath, 'utf8')).segments.at(-1);
    const before = last();
    await waitFor('a newer segment', () => (sup.touch(r.key), last() !== before), 4000);
    assert.equal(states[0], 'starting');
    assert.equal(states.at(-1), 'live');
    assert.ok(states.filter((x) => x === 'live').length === 1, `live once: ${states.join(' → ')}`);
  });

  it('20 concurrent acquire() of one cold camera start exactly one ffmpeg', async () => {
    const sup = await newSup();
    let starts = 0;
    sup.on('state', (e) => void (e.state === 'starting' && starts++));
    const all = await Promise.all(Array.from({ length: 20 }, () => sup.acquire(spec(1))));
    assert.equal(new Set(all.map((r) => r.key)).size, 1);
    assert.equal(all.filter((r) => r.started).length, 1);
    assert.equal(starts, 1);
    assert.equal(ffmpegChildren().length, 1);
    assert.equal(sup.list().length, 1);
  });

  it('a second viewer of a live stream is served in under 100 ms', async () => {
    const sup = await newSup();
    await sup.acquire(spec(0));
    const t0 = performance.now();
    const r = await sup.acquire(spec(0));
    const ms = performance.now() - t0;
    assert.equal(r.started, false);
    assert.ok(ms < 100, `warm acquire took ${ms.toFixed(1)} ms`);
  });

  it('stops a stream nobody touches after idleTimeoutS and removes its directory', async () => {
    const sup = await newSup();
    const r = await sup.acquire(spec(2));
    const pid = sup.get(r.key)?.pid ?? -1;
    const dir = path.dirname(r.playlistPath);
    const stopped = new Promise<StreamStateEvent>((res) => sup.on('state', (e) => e.state === 'stopped' && res(e)));
    const e = await stopped;
    assert.equal(e.reason, 'idle');
    assert.equal(isAlive(pid), false);
    assert.equal(existsSync(dir), false);
    assert.equal(sup.resolveFile(r.key, 'index.m3u8'), null);
    assert.equal(sup.touch(r.key), false);
    assert.equal(sup.list().length, 0);
  });

  it('touch() keeps a stream alive past idleTimeoutS', async () => {
    const sup = await newSup();
    const r = await sup.acquire(spec(3));
    for (let i = 0; i < 8; i++) {
      await sleep(500);
      assert.equal(sup.touch(r.key), true);
    }
    assert.equal(sup.get(r.key)?.state, 'live');
  });

  it('worker limit: TranscoderCapacityError with retryAfterS, no extra process', async () => {
    const sup = await newSup({ maxWorkers: 1, idleTimeoutS: 5 });
    await sup.acquire(spec(0));
    await assert.rejects(sup.acquire(spec(1)), (e: unknown) => {
      assert.ok(e instanceof TranscoderCapacityError);
      assert.match(e.message, /^transcoder: worker limit 1 reached/);
      assert.ok(e.retryAfterS >= 1 && e.retryAfterS <= 5, `retryAfterS ${e.retryAfterS}`);
      return true;
    });
    assert.equal(ffmpegChildren().length, 1);
    await sup.acquire(spec(0)); // the running camera is still served
  });

  it('transcode limit: a codec needing a transcode is refused when maxTranscodes is used up', async () => {
    const sup = await newSup({ maxTranscodes: 0 });
    await assert.rejects(
      sup.acquire(spec(0, { codec: 'mjpeg' })),
      (e: unknown) =>
        e instanceof TranscoderCapacityError &&
        /transcode limit 0 reached \(codec mjpeg\)/.test(e.message) &&
        e.retryAfterS >= 1,
    );
    await sup.acquire(spec(0)); // remuxing is not limited by maxTranscodes
    assert.equal(ffmpegChildren().length, 1);
  });

  const BAD: Array<[string, string]> = [
    ['file:', 'file:///etc/passwd'],
    ['concat:', 'concat:rtsp://127.0.0.1/a|file:///etc/passwd'],
    ['http:', 'http://127.0.0.1:1/x'],
    ['leading dash', '-f lavfi -i testsrc'],
    ['shell metacharacters', 'rtsp://127.0.0.1/$(touch /tmp/pwned);`id`|cat'],
  ];
  for (const [name, url] of BAD) {
    it(`bad url (${name}) → TranscoderInputError, nothing spawned`, async () => {
      const sup = await newSup();
      let events = 0;
      sup.on('state', () => events++);
      await assert.rejects(sup.acquire({ cameraId: 'x', profile: 'main', url, codec: 'h264' }), TranscoderInputError);
      assert.deepEqual(ffmpegChildren(), []);
      assert.equal(sup.list().length, 0);
      assert.equal(events, 0);
    });
  }

  it('start() removes stale stream directories and nothing else', async () => {
    const hlsDir = path.join(root, 'stale');
    mkdirSync(path.join(hlsDir, 'old.main'), { recursive: true });
    writeFileSync(path.join(hlsDir, 'old.main', 'seg7.m4s'), 'stale');
    mkdirSync(path.join(hlsDir, 'not-a-stream'));
    await newSup({ hlsDir });
    assert.equal(existsSync(path.join(hlsDir, 'old.main')), false);
    assert.equal(existsSync(path.join(hlsDir, 'not-a-stream')), true);
  });

  it('resolveFile: whitelisted names of running streams only', async () => {
    const sup = await newSup();
    const r = await sup.acquire(spec(0));
    const dir = path.dirname(r.playlistPath);
    assert.equal(sup.resolveFile(r.key, 'index.m3u8'), r.playlistPath);
    assert.equal(sup.resolveFile(r.key, 'seg3.m4s'), path.join(dir, 'seg3.m4s'));
    for (const bad of [
      '../index.m3u8',
      '..%2F..%2Fetc%2Fpasswd',
      'seg1.m4s/..',
      'index.m3u8\u0000.png',
      'index.m3u8.tmp',
    ])
      assert.equal(sup.resolveFile(r.key, bad), null, bad);
    assert.equal(sup.resolveFile('cam9.main', 'index.m3u8'), null, 'not running');
  });

  it('close() stops every worker, waits, is idempotent; acquire afterwards is refused', async () => {
    const sup = await newSup({ idleTimeoutS: 20 });
    const rs = await Promise.all([0, 1, 2].map((i) => sup.acquire(spec(i))));
    const pids = sup.list().map((i) => i.pid ?? -1);
    assert.equal(pids.length, 3);
    const stops: string[] = [];
    sup.on('state', (e) => void (e.state === 'stopped' && stops.push(`${e.key}:${e.reason}`)));
    await Promise.all([sup.close(), sup.close()]);
    await sup.close();
    assert.deepEqual(pids.filter(isAlive), []);
    assert.deepEqual(stops.sort(), rs.map((r) => `${r.key}:supervisor closed`).sort());
    await assert.rejects(sup.acquire(spec(0)), TranscoderStateError);
  });

  it('stop(key) ends one stream; a later acquire starts it afresh', async () => {
    const sup = await newSup();
    const r = await sup.acquire(spec(0));
    const pid1 = sup.get(r.key)?.pid;
    await sup.stop(r.key, 'camera edited');
    assert.equal(sup.get(r.key), undefined);
    const r2 = await sup.acquire(spec(0));
    assert.equal(r2.started, true);
    assert.notEqual(sup.get(r.key)?.pid, pid1);
  });
});
