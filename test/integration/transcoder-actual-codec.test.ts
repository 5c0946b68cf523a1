// The codec rules follow the codec the camera really sends (ffmpeg's input report), not the registered one; through the supervisor and through the API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Supervisor, type StreamCodecEvent, type StreamSpec } from '../../transcoder/index';
import { HubRecorder, probeVideo } from '../helpers/hub-recorder';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { SimCam } from '../helpers/simcam-rtsp';

/** The init (EXT-X-MAP) and the segment URIs of a media playlist. */
function parsePlaylist(text: string): { initUri: string | null; segments: string[] } {
  const lines = text.split('\n').map((l) => l.trim());
  const initUri = lines.map((l) => /^#EXT-X-MAP:.*URI="([^"]*)"/.exec(l)?.[1]).find((u) => u !== undefined) ?? null;
  return { initUri, segments: lines.filter((l) => l !== '' && !l.startsWith('#')) };
}

/** Codec name and tag of the video in init + first segment (ffprobe). */
function servedCodec(bytes: Buffer, dir: string): { name: string; tag: string } {
  const file = path.join(dir, `probe-${Date.now()}-${Math.random().toString(36).slice(2)}.mp4`);
  writeFileSync(file, bytes);
  const args = [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=codec_name,codec_tag_string',
    '-of',
    'csv=p=0',
    file,
  ];
  const out = execFileSync('ffprobe', args, { encoding: 'utf8' }).trim();
  const [name, tag] = out.split(',');
  return { name: name ?? '', tag: tag ?? '' };
}

describe('transcoder: the codec a viewer gets follows what the camera sends (integration)', function () {
  this.timeout(60_000);
  let root: string;
  let h264: SimCam;
  let other: SimCam;
  let sup: Supervisor;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-codec-'));
    const start = (codec: string, count: number): Promise<SimCam> =>
      SimCam.start({ count, codec, width: 320, height: 180 });
    // other: camera 0 sends H.265, camera 1 MJPEG
    [h264, other] = await Promise.all([start('h264', 1), start('h265,mjpeg', 2)]);
    // ffmpeg pulls here: these rules read ffmpeg's input report (transcoder-native.test.ts: the SDP's codec)
    sup = new Supervisor({ hlsDir: path.join(root, 'hls'), maxTranscodes: 4, pullEngine: 'ffmpeg' });
    await sup.start();
  });
  after(async () => {
    await sup?.close();
    await Promise.all([h264?.close(), other?.close()]);
    rmSync(root, { recursive: true, force: true });
  });

  interface Case {
    name: string;
    spec: () => Omit<StreamSpec, 'profile' | 'audioCodec'>;
    /** What acquire() answers: the output the viewer gets. */
    result: { derived: boolean; codec: 'h264' | 'h265'; transcoded: boolean };
    served: { name: string; tag: string };
    event: Pick<StreamCodecEvent, 'registered' | 'actual' | 'restarted'> | null;
  }
  const avc1 = { name: 'h264', tag: 'avc1' };
  const CASES: Case[] = [
    {
      name: 'registered H.264, sends H.265, viewer without H.265 → the pull copies H.265, H.264 derived from it',
      spec: () => ({ cameraId: 'c1', url: other.url(0), codec: 'h264' }),
      result: { derived: true, codec: 'h264', transcoded: true },
      served: avc1,
      event: { registered: 'h264', actual: 'h265', restarted: true },
    },
    {
      name: 'registered H.264, sends H.265, viewer with H.265 → copied, tagged hvc1',
      spec: () => ({ cameraId: 'c2', url: other.url(0), codec: 'h264', passthroughH265: true }),
      result: { derived: false, codec: 'h265', transcoded: false },
      served: { name: 'hevc', tag: 'hvc1' },
      event: { registered: 'h264', actual: 'h265', restarted: true },
    },
    {
      name: 'registered H.265, sends H.264 → copied, not transcoded',
      spec: () => ({ cameraId: 'c3', url: h264.url(0), codec: 'h265' }),
      result: { derived: false, codec: 'h264', transcoded: false },
      served: avc1,
      event: { registered: 'h265', actual: 'h264', restarted: true },
    },
    {
      name: 'registered MJPEG, sends H.265 → the pull is redone as a copy; a viewer without H.265 gets H.264 derived',
      spec: () => ({ cameraId: 'c4', url: other.url(0), codec: 'mjpeg' }),
      result: { derived: true, codec: 'h264', transcoded: true },
      served: avc1,
      event: { registered: 'mjpeg', actual: 'h265', restarted: true },
    },
    {
      name: 'registered MPEG-4, sends MJPEG → transcoded by the pull either way, not restarted',
      spec: () => ({ cameraId: 'c6', url: other.url(1), codec: 'mpeg4' }),
      result: { derived: false, codec: 'h264', transcoded: true },
      served: avc1,
      event: { registered: 'mpeg4', actual: 'mjpeg', restarted: false },
    },
    {
      name: 'registered H.264, sends H.264 → one run, no event',
      spec: () => ({ cameraId: 'c5', url: h264.url(0), codec: 'h264' }),
      result: { derived: false, codec: 'h264', transcoded: false },
      served: avc1,
      event: null,
    },
  ];

  for (const c of CASES) {
    it(c.name, async () => {
      const spec: StreamSpec = { ...c.spec(), profile: 'main', audioCodec: null };
      const events: StreamCodecEvent[] = [];
      const states: string[] = [];
      const onCodec = (e: StreamCodecEvent): void => void (e.cameraId === spec.cameraId && events.push(e));
      const onState = (e: { cameraId: string; key: string; state: string; reason: string }): void =>
        void (e.cameraId === spec.cameraId && states.push(`${e.key} ${e.state}: ${e.reason}`));
      sup.on('codec', onCodec);
      sup.on('state', onState);
      try {
        const r = await sup.acquire(spec);
        const pullKey = `${spec.cameraId}.main`;
        assert.deepEqual(
          { key: r.key, pullKey: r.pullKey, codec: r.codec, transcoded: r.transcoded },
          {
            key: c.result.derived ? `${pullKey}.h264` : pullKey,
            pullKey,
            codec: c.result.codec,
            transcoded: c.result.transcoded,
          },
          states.join('; '),
        );
        const rec = new HubRecorder(sup.hub(r.key)!);
        await rec.waitFragments(2, 5000);
        const v = probeVideo(rec.bytes(), root);
        assert.deepEqual({ name: v.codec, tag: v.tag }, c.served, 'what the viewer is served');
        rec.remove();
        assert.deepEqual(
          events.map(({ registered, actual, restarted }) => ({ registered, actual, restarted })),
          c.event ? [c.event] : [],
        );
        assert.ok(!states.some((s) => / failed/.test(s)), `no failed run: ${states.join('; ')}`);
        if (!c.event || !c.event.restarted) assert.equal(sup.get(pullKey)?.runs, 1, 'a single run');
        await sup.stop(pullKey);
        assert.equal(sup.list().length, 0, 'stopping the pull stops its derived output');
      } finally {
        sup.off('codec', onCodec);
        sup.off('state', onState);
      }
    });
  }
});

describe('API: a device whose two profiles share one H.265 address (integration)', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let cam: SimCam;
  let root: string;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-codec-api-'));
    cam = await SimCam.start({ count: 1, codec: 'h265', width: 320, height: 180 });
    t = await startTestGateway();
  });
  after(async () => {
    await t?.close();
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('a viewer without H.265 of the "sub" profile declared H.264 receives H.264', async () => {
    await t.addUser('cadm', 'admin', 'police');
    await t.addUser('cview', 'viewer', 'police');
    const admin = await t.login('cadm');
    const one = cam.url(0, 'main');
    const body = {
      name: '同址双码流',
      mainUri: one,
      subUri: one,
      streams: { main: { codec: 'h265' }, sub: { codec: 'h264' } },
      lng: 111.69,
      lat: 29.03,
    };
    const c = await t.api('POST', '/api/v1/cameras', { token: admin, body });
    assert.equal(c.status, 201, c.text);
    const r = await t.api('POST', `/api/v1/cameras/${c.body.id}/streams`, {
      token: await t.login('cview'),
      body: { profile: 'sub', h265: false },
    });
    assert.equal(r.status, 201, r.text);
    const base = t.base + String(r.body.url).replace(/index\.m3u8$/, '');
    const list = parsePlaylist(await (await fetch(`${base}index.m3u8`)).text());
    const parts = await Promise.all(
      [list.initUri!, list.segments[0]!].map(async (n) => Buffer.from(await (await fetch(base + n)).arrayBuffer())),
    );
    assert.deepEqual(servedCodec(Buffer.concat(parts), root), { name: 'h264', tag: 'avc1' });
  });
});
