// Supervisor against real ffmpeg and simulated RTSP cameras: live into a hub, sharing, idle, capacity, input, close.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren, isAlive, sleep, waitFor } from '../../bench/transcoder-proc';
import {
  Supervisor,
  TranscoderCapacityError,
  TranscoderInputError,
  TranscoderStateError,
  type StreamSpec,
  type StreamStateEvent,
  type TranscoderOptions,
} from '../../transcoder/index';
import { HubRecorder } from '../helpers/hub-recorder';
import { SimCam } from '../helpers/simcam-rtsp';

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

  it('goes live at a keyframe fragment in its hub (printing the cold acquire time), then fragments keep coming', async () => {
    const sup = await newSup();
    const states: string[] = [];
    sup.on('state', (e) => states.push(e.state));
    const t0 = performance.now();
    const r = await sup.acquire(spec(0));
    const coldMs = performance.now() - t0;
    console.log(`      cold acquire (spawn → first keyframe fragment): ${coldMs.toFixed(0)} ms`);
    assert.ok(coldMs < 15000, `cold acquire took ${coldMs.toFixed(0)} ms`);
    assert.deepEqual(r, { key: 'cam0.main', pullKey: 'cam0.main', started: true, codec: 'h264', transcoded: false });
    const hub = sup.hub(r.key);
    assert.ok(hub, 'the output has a hub');
    // run 0, or run 1 when the simulated camera refused the very first connect (acquire sits through one failed run)
    assert.ok([0, 1].includes(hub.init?.generation ?? -1), `generation ${hub.init?.generation}`);
    assert.match(hub.init?.codecs ?? '', /^avc1\./);
    assert.deepEqual([hub.init?.width, hub.init?.height], [320, 180]);
    const kf = hub.keyframe();
    assert.ok(kf && kf.fragment.keyframe && kf.fragment.data.length > 0, 'a keyframe fragment is cached');
    const rec = new HubRecorder(hub);
    await rec.waitFragments(5, 4000);
    const seqs = rec.fragments.map((f) => f.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a, b) => a - b),
      'fragments in order',
    );
    rec.remove();
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

  it('stops a stream nobody touches after idleTimeoutS and closes its hub', async () => {
    const sup = await newSup();
    const r = await sup.acquire(spec(2));
    const pid = sup.get(r.key)?.pid ?? -1;
    const hub = sup.hub(r.key)!;
    const rec = new HubRecorder(hub);
    const stopped = new Promise<StreamStateEvent>((res) => sup.on('state', (e) => e.state === 'stopped' && res(e)));
    const e = await stopped;
    assert.equal(e.reason, 'idle');
    assert.equal(isAlive(pid), false);
    assert.equal(sup.hub(r.key), undefined);
    assert.deepEqual(rec.ends, ['idle'], "the hub's taps were ended");
    assert.throws(
      () => hub.attach({ write: () => undefined, bufferedBytes: () => 0, close: () => undefined }),
      TranscoderStateError,
      'the hub is closed',
    );
    assert.equal(sup.touch(r.key), false);
    assert.equal(sup.list().length, 0);
  });

  it('a hub with a viewer (sink) or a keepAlive tap is never idle; without them the stream stops', async () => {
    const sup = await newSup();
    const r = await sup.acquire(spec(1));
    const hub = sup.hub(r.key)!;
    let closed = '';
    const a = hub.attach({ write: () => undefined, bufferedBytes: () => 0, close: (why) => void (closed = why) });
    await sleep(3000); // > idleTimeoutS (2 s) without a touch
    assert.equal(sup.get(r.key)?.state, 'live', 'a viewer keeps it running');
    a.detach();
    const rec = new HubRecorder(hub, { keepAlive: true });
    await sleep(3000);
    assert.equal(sup.get(r.key)?.state, 'live', 'a keepAlive tap keeps it running');
    rec.remove();
    await waitFor('the stream to idle out', () => sup.get(r.key) === undefined, 5000);
    assert.equal(closed, '', 'a detached sink is not closed by the hub');
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
        e instanceof TranscoderCapacityError && /transcode limit 0 reached/.test(e.message) && e.retryAfterS >= 1,
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

  it('writes nothing to disk: hlsDir holds only the grabs’ (empty) scratch directory', async () => {
    const hlsDir = path.join(root, 'nothing');
    const sup = await newSup({ hlsDir });
    const r = await sup.acquire(spec(0));
    await new HubRecorder(sup.hub(r.key)!).waitFragments(10, 5000);
    assert.deepEqual(readdirSync(hlsDir), ['grabs']);
    assert.deepEqual(readdirSync(path.join(hlsDir, 'grabs')), []);
  });

  it('hub(key): running outputs only', async () => {
    const sup = await newSup();
    const r = await sup.acquire(spec(0));
    assert.ok(sup.hub(r.key));
    for (const bad of ['cam9.main', 'cam0.sub', 'cam0.main.h264', '../cam0.main', ''])
      assert.equal(sup.hub(bad), undefined, bad);
    await sup.stop(r.key);
    assert.equal(sup.hub(r.key), undefined);
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
