// One RTSP session per (camera, profile) whatever the outputs: native H.265, H.264 derived from it, grabs, HLS; derived lifecycle and limits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren, sleep, waitFor } from '../../bench/transcoder-proc';
import {
  Supervisor,
  TranscoderCapacityError,
  type StreamSpec,
  type StreamStateEvent,
  type TranscoderOptions,
} from '../../transcoder/index';
import { HubRecorder, probeVideo } from '../helpers/hub-recorder';
import { jpegSize } from '../helpers/jpeg-picture';
import { SimCam } from '../helpers/simcam-rtsp';
import { establishedTo } from '../helpers/tcp-sessions';

const FAST: Partial<TranscoderOptions> = {
  // these tests are about the ffmpeg pull (its process, its kill, its arguments); transcoder-native.test.ts tests the native one
  pullEngine: 'ffmpeg',
  idleTimeoutS: 2,
  stallTimeoutS: 4,
  rtspTimeoutS: 2,
  backoffInitialMs: 200,
  backoffMaxMs: 1000,
  failuresBeforeOffline: 3,
  killGraceMs: 1000,
};

describe('transcoder: one pull, many outputs (integration)', function () {
  this.timeout(60_000);
  let cam: SimCam;
  let root: string;
  let sup: Supervisor | null = null;
  const spec = (i: number, over: Partial<StreamSpec> = {}): StreamSpec => ({
    cameraId: `cam${i}`,
    profile: 'main',
    url: cam.url(i),
    codec: 'h265',
    audioCodec: null,
    ...over,
  });
  async function newSup(over: Partial<TranscoderOptions> = {}): Promise<Supervisor> {
    sup = new Supervisor({ ...FAST, hlsDir: path.join(root, 'hls'), ...over });
    await sup.start();
    return sup;
  }

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-derived-'));
    cam = await SimCam.start({ count: 2, codec: 'h265', width: 320, height: 180 });
  });
  afterEach(async () => {
    await sup?.close();
    sup = null;
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg left after close()');
  });
  after(async () => {
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('native H.265, derived H.264, HLS and grabs at once: the camera sees exactly one RTSP session', async () => {
    const s = await newSup({ idleTimeoutS: 30 });
    assert.equal(establishedTo(cam.port), 0, 'no session before');
    const native = await s.acquire(spec(0, { passthroughH265: true }));
    const h264 = await s.acquire(spec(0));
    assert.deepEqual(
      [native.key, native.codec, h264.key, h264.codec, h264.pullKey],
      ['cam0.main', 'h265', 'cam0.main.h264', 'h264', 'cam0.main'],
    );
    // a viewer on each output
    const sink = { write: () => undefined, bufferedBytes: () => 0, close: () => undefined };
    const viewers = [s.hub(native.key)!.attach(sink), s.hub(h264.key)!.attach(sink)];
    const recs = [new HubRecorder(s.hub(native.key)!), new HubRecorder(s.hub(h264.key)!)];
    await Promise.all(recs.map((r) => r.waitFragments(5, 5000)));
    assert.equal(probeVideo(recs[0]!.bytes(), root).codec, 'hevc');
    assert.equal(probeVideo(recs[1]!.bytes(), root).codec, 'h264');
    const playlists = await Promise.all([native.key, h264.key].map((k) => s.hls(k)!.playlist()));
    for (const p of playlists) assert.match(p ?? '', /#EXTM3U/);
    const grabs = await Promise.all(
      [0, 1, 2].map(() => s.grab({ cameraId: 'cam0', profile: 'main', url: cam.url(0), codec: 'h265' })),
    );
    for (const g of grabs) {
      assert.equal(g.from, 'stream-output');
      assert.deepEqual(await jpegSize(g.jpeg), { width: 320, height: 180 });
    }
    const sessions = establishedTo(cam.port);
    console.log(`      RTSP sessions at the camera with 2 outputs, 2 viewers, HLS and 3 grabs: ${sessions}`);
    assert.equal(sessions, 1);
    assert.equal(ffmpegChildren().length, 2, 'the pull and the derived transcode');
    viewers.forEach((v) => v.detach());
    recs.forEach((r) => r.remove());
  });

  it('the derived output restarts with its pull (new init, keyframe) and on its own when its ffmpeg dies', async () => {
    const s = await newSup({ idleTimeoutS: 30 });
    const r = await s.acquire(spec(1));
    const rec = new HubRecorder(s.hub(r.key)!);
    await rec.waitFragments(3, 5000);
    const gen = rec.inits.at(-1)!.generation;
    const t0 = performance.now();
    process.kill(s.get(r.pullKey)!.pid!, 'SIGKILL');
    await waitFor(
      'a new derived run after the pull restarted',
      () => rec.inits.at(-1)!.generation > gen && rec.playable().length > 0,
      5000,
      10,
    );
    console.log(`      pull killed → derived H.264 init + keyframe after ${(performance.now() - t0).toFixed(0)} ms`);
    assert.equal(s.get(r.key)?.failures, 0, 'a restart of the source is not a failure of the derived output');
    const gen2 = rec.inits.at(-1)!.generation;
    process.kill(s.get(r.key)!.pid!, 'SIGKILL');
    await waitFor(
      'the derived output to recover',
      () => rec.inits.at(-1)!.generation > gen2 && rec.playable().length > 0,
      5000,
      10,
    );
    assert.equal(s.get(r.key)?.state, 'live');
    assert.equal(establishedTo(cam.port), 1, 'still one session');
  });

  it('the derived transcode counts against maxTranscodes; the native output does not', async () => {
    const s = await newSup({ maxTranscodes: 1, idleTimeoutS: 5 });
    await s.acquire(spec(0));
    await assert.rejects(s.acquire(spec(1)), (e: unknown) => {
      assert.ok(e instanceof TranscoderCapacityError, String(e));
      assert.match(e.message, /transcode limit 1 reached/);
      assert.ok(e.retryAfterS >= 1);
      return true;
    });
    assert.equal(s.get('cam1.main'), undefined, 'refused before the pull was started');
    const native = await s.acquire(spec(1, { passthroughH265: true }));
    assert.equal(native.key, 'cam1.main');
    assert.equal(ffmpegChildren().length, 3);
  });

  it('an unwatched derived output stops when idle, then its pull', async () => {
    const s = await newSup();
    const stops: StreamStateEvent[] = [];
    s.on('state', (e) => void (e.state === 'stopped' && stops.push(e)));
    const r = await s.acquire(spec(0));
    await waitFor('both to stop', () => stops.length === 2, 10_000);
    assert.deepEqual(
      stops.map((e) => `${e.key}: ${e.reason}`),
      ['cam0.main.h264: idle', 'cam0.main: idle'],
    );
    assert.equal(s.hub(r.key), undefined);
    await sleep(200);
    assert.equal(establishedTo(cam.port), 0, 'the session was closed');
  });
});
