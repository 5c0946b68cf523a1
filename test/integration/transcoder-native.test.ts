// The native pull (the gateway's own RTSP client and fMP4 muxer) under the supervisor: live, shared, H.265, drops, hand-overs to ffmpeg.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren, sleep, waitFor } from '../../bench/transcoder-proc';
import {
  Supervisor,
  type StreamCodecEvent,
  type StreamSpec,
  type StreamStateEvent,
  type TranscoderOptions,
} from '../../transcoder/index';
import { HubRecorder, probeVideo } from '../helpers/hub-recorder';
import { answer, FakeCamera, goodAnswer, H264_SDP } from '../helpers/rtsp-fake-camera';
import { SimCam } from '../helpers/simcam-rtsp';

const FAST: Partial<TranscoderOptions> = {
  pullEngine: 'native',
  idleTimeoutS: 2,
  stallTimeoutS: 3,
  rtspTimeoutS: 2,
  backoffInitialMs: 200,
  backoffMaxMs: 1000,
  failuresBeforeOffline: 3,
  killGraceMs: 1000,
};

/** Frames ffmpeg decodes from `bytes` (an fMP4 file); throws on any decode error (-xerror). */
function decodedFrames(bytes: Buffer, dir: string): number {
  const file = path.join(dir, `decode-${Date.now()}.mp4`);
  writeFileSync(file, bytes);
  const out = execFileSync('ffmpeg', ['-v', 'error', '-xerror', '-i', file, '-f', 'framemd5', '-'], {
    encoding: 'utf8',
  });
  return out.split('\n').filter((l) => /^0,/.test(l)).length;
}

describe('transcoder: the native pull (integration)', function () {
  this.timeout(40_000);
  let cam: SimCam;
  let root: string;
  const sups: Supervisor[] = [];
  const fakes: FakeCamera[] = [];
  const spec = (url: string, over: Partial<StreamSpec> = {}): StreamSpec => ({
    cameraId: 'cam0',
    profile: 'main',
    url,
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
    root = mkdtempSync(path.join(tmpdir(), 'ce-native-'));
    cam = await SimCam.start({
      count: 3,
      codec: 'h264,h265,h264',
      width: 320,
      height: 180,
      user: 'admin',
      password: 'p@ss:w/rd',
    });
  });
  afterEach(async () => {
    await Promise.all(sups.splice(0).map((s) => s.close()));
    await Promise.all(fakes.splice(0).map((f) => f.close()));
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg left after close()');
  });
  after(async () => {
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('goes live without a process: decodable H.264 fMP4 in the hub, one RTSP session for 20 concurrent acquires', async () => {
    const sup = await newSup();
    const s = spec(cam.url(0, 'main', false), { username: 'admin', password: 'p@ss:w/rd' });
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => sup.acquire(s)));
    console.log(
      `      native cold acquire (connect → first keyframe fragment): ${Math.round(performance.now() - t0)} ms`,
    );
    assert.equal(new Set(results.map((r) => r.key)).size, 1);
    const info = sup.get(results[0]!.key)!;
    assert.equal(info.engine, 'native');
    assert.equal(info.pid, null, 'no process');
    assert.deepEqual(ffmpegChildren(), [], 'nothing spawned');
    assert.equal(cam.peakSessions('/cam/0/main'), 1, 'one RTSP session at the camera');
    const rec = new HubRecorder(sup.hub(results[0]!.key)!);
    await rec.waitFragments(20, 10_000);
    const init = rec.inits.at(-1)!;
    assert.match(init.codecs, /^avc1\.[0-9a-f]{6}$/);
    assert.deepEqual([init.width, init.height], [320, 180]);
    const f = rec.playable();
    for (let i = 1; i < f.length; i++) assert.ok(f[i]!.startS > f[i - 1]!.startS, 'media time advances');
    assert.deepEqual(probeVideo(rec.bytes(), root), { codec: 'h264', tag: 'avc1', width: 320, height: 180 });
    assert.ok(decodedFrames(rec.bytes(), root) >= 20, 'every fragment decodes');
  });

  it('H.265 copied natively; a viewer without H.265 gets H.264 derived from the same pull', async () => {
    const sup = await newSup();
    const native = await sup.acquire(spec(cam.url(1), { cameraId: 'cam1', codec: 'h265', passthroughH265: true }));
    assert.equal(native.codec, 'h265');
    assert.match(sup.hub(native.key)!.init!.codecs, /^hvc1\./);
    const derived = await sup.acquire(spec(cam.url(1), { cameraId: 'cam1', codec: 'h265', passthroughH265: false }));
    assert.equal(derived.codec, 'h264');
    assert.equal(derived.pullKey, native.key);
    assert.equal(ffmpegChildren().length, 1, 'only the derived transcode is a process');
    assert.equal(cam.sessions('/cam/1/main'), 1, 'still one RTSP session');
    const rec = new HubRecorder(sup.hub(derived.key)!);
    await rec.waitFragments(5, 10_000);
    assert.equal(probeVideo(rec.bytes(), root).codec, 'h264');
  });

  it('a camera registered H.264 that describes H.265: copied as described (no redo), a viewer without H.265 gets H.264 derived', async () => {
    const sup = await newSup();
    const events: StreamCodecEvent[] = [];
    sup.on('codec', (e) => events.push(e));
    const r = await sup.acquire(spec(cam.url(1), { cameraId: 'mislabelled', codec: 'h264' }));
    assert.equal(r.codec, 'h264');
    assert.equal(r.key, 'mislabelled.main.h264', 'the derived output');
    assert.match(sup.hub(r.pullKey)!.init!.codecs, /^hvc1\./, 'the pull copies what the camera sends');
    assert.deepEqual(
      events.map((e) => [e.registered, e.actual, e.restarted]),
      [['h264', 'h265', false]],
    );
    assert.equal(sup.get(r.pullKey)?.runs, 1, 'one run: nothing redone');
  });

  it('the camera vanishes: the pull keeps retrying, and is live again soon after it returns', async () => {
    const sup = await newSup();
    const r = await sup.acquire(spec(cam.url(2), { cameraId: 'cam2' }));
    const rec = new HubRecorder(sup.hub(r.key)!, { keepAlive: true });
    await rec.waitFragments(3, 5000);
    await cam.down(2);
    await waitFor('the run to end', () => rec.ends.length >= 1, 8000);
    await sleep(1500);
    const generation = rec.inits.at(-1)!.generation;
    const t0 = performance.now();
    await cam.up(2);
    await waitFor(
      'a new run with fragments',
      () => rec.inits.at(-1)!.generation > generation && rec.playable().length > 2,
      15_000,
    );
    console.log(`      camera back → new run with fragments after ${Math.round(performance.now() - t0)} ms`);
    assert.equal(sup.get(r.key)?.state, 'live');
    rec.remove();
  });

  it('a camera with AAC audio the policy keeps is handed to ffmpeg for good (not counted a failure)', async () => {
    const sdp = H264_SDP + 'm=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/16000/1\r\na=control:trackID=1\r\n';
    const fake = await FakeCamera.start((req, sock) => {
      if (req.method === 'DESCRIBE') sock.write(answer(req, '200 OK', { 'Content-Type': 'application/sdp' }, sdp));
      else sock.write(goodAnswer(req));
    });
    fakes.push(fake);
    const sup = await newSup({ audio: 'aac-or-drop' });
    const logs: string[] = [];
    const states: StreamStateEvent[] = [];
    sup.on('log', (e) => logs.push(e.line));
    sup.on('state', (e) => states.push(e));
    const pending = sup.acquire(spec(fake.url(), { audioCodec: undefined })).catch((e: Error) => e);
    await waitFor('an ffmpeg run', () => ffmpegChildren().length === 1, 8000);
    assert.ok(
      logs.some((l) => /AAC|MPEG4-GENERIC/i.test(l) && /ffmpeg/.test(l)),
      logs.join('\n'),
    );
    const handed = states.find((e) => e.state === 'restarting' && /handed to ffmpeg/.test(e.reason));
    assert.ok(handed, states.map((e) => `${e.state}: ${e.reason}`).join('\n'));
    assert.equal(sup.get('cam0.main')?.engine, 'ffmpeg');
    assert.equal(sup.get('cam0.main')?.failures, 0, 'the hand-over is not a failure');
    await sup.close();
    await pending;
  });

  it('a native run that fails before its first picture is followed by an ffmpeg run, then native again', async () => {
    const fake = await FakeCamera.start((req, sock) => sock.write(answer(req, '404 Not Found')));
    fakes.push(fake);
    const sup = await newSup({ failuresBeforeOffline: 10 });
    const engines: string[] = [];
    sup.on('state', (e) => {
      if (e.state === 'starting') engines.push(sup.get(e.key)?.pid ? 'ffmpeg' : 'native');
    });
    const pending = sup.acquire(spec(fake.url())).catch((e: Error) => e);
    await waitFor('three runs', () => engines.length >= 3, 15_000);
    assert.deepEqual(engines.slice(0, 3), ['native', 'ffmpeg', 'native']);
    await sup.close();
    assert.ok((await pending) instanceof Error);
  });

  it('a camera that answers PLAY and then sends nothing: the native run ends on its silence limit, a failure retried with backoff', async () => {
    const fake = await FakeCamera.start((req, sock) => sock.write(goodAnswer(req)));
    fakes.push(fake);
    const sup = await newSup({ rtspTimeoutS: 1, failuresBeforeOffline: 10 });
    const states: StreamStateEvent[] = [];
    sup.on('state', (e) => states.push(e));
    const t0 = performance.now();
    const pending = sup.acquire(spec(fake.url())).catch((e: Error) => e);
    await waitFor('the native run to fail', () => states.some((e) => e.state === 'failed'), 8000);
    const failed = states.find((e) => e.state === 'failed')!;
    assert.match(failed.reason, /timeout: no RTP or RTCP received for \d+ ms while playing/);
    assert.ok(performance.now() - t0 < 4000, 'within the silence limit and a little');
    assert.ok(fake.methods().includes('PLAY'), fake.methods().join(' '));
    assert.ok(states.some((e) => e.state === 'restarting' && /attempt 2 in \d+ ms/.test(e.reason)));
    await sup.close();
    assert.ok((await pending) instanceof Error);
  });
});
