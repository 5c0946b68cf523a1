// Supervisor recovery against real ffmpeg: killed worker, vanished/returning camera, hostile sources and hostile fMP4.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren, isAlive, processesNamed, sleep, waitFor } from '../../bench/transcoder-proc';
import {
  Supervisor,
  TranscoderStartError,
  type StreamFailingEvent,
  type StreamSpec,
  type StreamStateEvent,
  type SupervisorEvents,
  type TranscoderOptions,
} from '../../transcoder/index';
import { HubRecorder } from '../helpers/hub-recorder';
import { SimCam } from '../helpers/simcam-rtsp';

const FAST: Partial<TranscoderOptions> = {
  // these tests are about the ffmpeg pull (its process, its kill, its arguments); transcoder-native.test.ts tests the native one
  pullEngine: 'ffmpeg',
  idleTimeoutS: 2,
  stallTimeoutS: 3,
  rtspTimeoutS: 1,
  backoffInitialMs: 200,
  backoffMaxMs: 1000,
  failuresBeforeOffline: 3,
  killGraceMs: 1000,
};

/** Resolves with the first `event` payload satisfying `pred`. */
function next<K extends keyof SupervisorEvents>(
  sup: Supervisor,
  event: K,
  pred: (e: SupervisorEvents[K][0]) => boolean,
  timeoutMs: number,
): Promise<SupervisorEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      sup.off(event, on as never);
      reject(new Error(`no matching ${event} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (e: SupervisorEvents[K][0]): void => {
      if (!pred(e)) return;
      clearTimeout(t);
      sup.off(event, on as never);
      resolve(e);
    };
    sup.on(event, on as never);
  });
}

/** A loopback TCP server that either writes random bytes to every client or never answers. */
async function hostileServer(
  kind: 'garbage' | 'silent',
): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    if (kind === 'garbage') {
      const iv = setInterval(() => s.write(randomBytes(512)), 20);
      s.on('close', () => clearInterval(iv));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('transcoder recovery (integration)', function () {
  this.timeout(40000);
  let cam: SimCam;
  let root: string;
  let sup: Supervisor | null = null;
  let keepTouching: NodeJS.Timeout | null = null;
  const spec = (i: number, over: Partial<StreamSpec> = {}): StreamSpec => ({
    cameraId: `cam${i}`,
    profile: 'main',
    url: cam.url(i),
    codec: 'h264',
    audioCodec: null,
    ...over,
  });
  async function newSup(over: Partial<TranscoderOptions> = {}): Promise<Supervisor> {
    sup = new Supervisor({ ...FAST, hlsDir: path.join(root, 'hls'), ...over });
    await sup.start();
    return sup;
  }
  const touchEvery = (s: Supervisor, key: string): void => {
    keepTouching = setInterval(() => s.touch(key), 300);
  };
  const stopTouching = (): void => {
    if (keepTouching) clearInterval(keepTouching);
    keepTouching = null;
  };

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-rec-'));
    cam = await SimCam.start({ count: 3, codec: 'h264', width: 320, height: 180 });
  });
  afterEach(async () => {
    stopTouching();
    await sup?.close();
    sup = null;
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg left after close()');
  });
  after(async () => {
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('ffmpeg SIGKILLed: restarted, a new init and a keyframe fragment in the hub within 3 s', async () => {
    const s = await newSup({ backoffInitialMs: 500 });
    const r = await s.acquire(spec(0));
    touchEvery(s, r.key);
    const rec = new HubRecorder(s.hub(r.key)!);
    const gen = rec.inits.at(-1)?.generation ?? -1;
    await rec.waitFragments(3, 3000);
    const pid = s.get(r.key)?.pid ?? -1;
    const seen: string[] = [];
    s.on('state', (e) => seen.push(e.state));
    const t0 = performance.now();
    process.kill(pid, 'SIGKILL');
    await waitFor(
      'a new init and a keyframe fragment after the kill',
      () => rec.inits.at(-1)!.generation > gen && rec.playable().length > 0,
      3000,
      10,
    );
    const ms = performance.now() - t0;
    console.log(`      ffmpeg killed → new init + keyframe after ${ms.toFixed(0)} ms`);
    assert.ok(ms < 3000, `recovered in ${ms.toFixed(0)} ms`);
    await waitFor('live', () => s.get(r.key)?.state === 'live', 1000);
    assert.deepEqual(seen, ['failed', 'restarting', 'starting', 'live']);
    assert.notEqual(s.get(r.key)?.pid, pid);
    assert.equal(rec.ends.length, 1, 'the first run was ended in the hub');
    assert.match(rec.ends[0] ?? '', /killed by SIGKILL/);
    assert.equal(rec.inits.at(-1)!.generation, gen + 1, 'the second run has its own init');
    const seqs = rec.fragments.map((f) => f.seq);
    assert.deepEqual(
      seqs,
      seqs.map((_, i) => seqs[0]! + i),
      'fragment numbering continues across runs',
    );
  });

  it('camera vanishes: stalled, retried with backoff, reported failing; nobody watching → no process left', async () => {
    const s = await newSup();
    const r = await s.acquire(spec(1));
    touchEvery(s, r.key);
    const states: StreamStateEvent[] = [];
    s.on('state', (e) => states.push(e));
    const failing = next(s, 'failing', (e) => e.key === r.key, 20000);
    await cam.down(1);
    const f: StreamFailingEvent = await failing;
    assert.equal(f.failures, 3);
    assert.match(f.reason, /404 Not Found|no new fragment|timed out/);
    assert.ok(f.retryInMs >= 900 && f.retryInMs <= 1000, `retried at the ceiling: ${f.retryInMs}`);
    // whichever notices first: our stall watch, or ffmpeg's RTSP socket timeout (rtspTimeoutS)
    assert.ok(
      states[0]?.state === 'stalled' || (states[0]?.state === 'failed' && /timed out/.test(states[0].reason)),
      JSON.stringify(states[0]),
    );
    const delays = states.filter((e) => e.state === 'restarting').map((e) => Number(/in (\d+) ms/.exec(e.reason)?.[1]));
    assert.ok(delays.length >= 3 && (delays[1] ?? 0) > (delays[0] ?? 0), `backoff grows: ${delays.join(', ')}`);
    // an acquire now is refused at once, with the time to the next attempt
    await assert.rejects(
      s.acquire(spec(1)),
      (e: unknown) => e instanceof TranscoderStartError && /is failing/.test(e.message) && (e.retryAfterS ?? 0) >= 1,
    );
    stopTouching();
    const stopped = await next(s, 'state', (e) => e.key === r.key && e.state === 'stopped', 8000);
    assert.equal(stopped.reason, 'idle while failing');
    assert.deepEqual(ffmpegChildren(), []);
    assert.equal(s.list().length, 0);
    await cam.up(1);
  });

  it('camera comes back: the failing stream recovers and fragments flow again', async () => {
    const s = await newSup();
    const r = await s.acquire(spec(2));
    touchEvery(s, r.key);
    const failing = next(s, 'failing', (e) => e.key === r.key, 20000);
    await cam.down(2);
    await failing;
    const recovered = next(s, 'recovered', (e) => e.key === r.key, 10000);
    await cam.up(2);
    const rec = await recovered;
    assert.ok(rec.downForMs > 0);
    assert.equal(s.get(r.key)?.state, 'live');
    const flow = new HubRecorder(s.hub(r.key)!);
    await flow.waitFragments(5, 4000);
    await s.acquire(spec(2)); // served again
  });

  const HOSTILE: Array<['garbage' | 'silent', RegExp]> = [
    // random bytes keep the socket busy, so ffmpeg's I/O timeout never fires: the stall bound does
    ['garbage', /Invalid data|no keyframe fragment within 2 s|exit code/i],
    // ffmpeg 5.1 words its RTSP reply timeout as "Invalid data found when processing input"
    ['silent', /Invalid data found|timed out|no keyframe fragment within 2 s/],
  ];
  for (const [kind, reasonRe] of HOSTILE) {
    it(`a source that ${kind === 'garbage' ? 'sends random bytes' : 'never answers'}: clear failure, backoff, no leak`, async () => {
      const srv = await hostileServer(kind);
      try {
        const s = await newSup({ stallTimeoutS: 2 });
        const failed: StreamStateEvent[] = [];
        const restarting: StreamStateEvent[] = [];
        s.on(
          'state',
          (e) =>
            void (e.state === 'failed' || e.state === 'stalled'
              ? failed.push(e)
              : e.state === 'restarting' && restarting.push(e)),
        );
        const sp = spec(0, { cameraId: `hostile_${kind}`, url: `rtsp://127.0.0.1:${srv.port}/cam` });
        const t0 = performance.now();
        await assert.rejects(
          s.acquire(sp),
          (e: unknown) => e instanceof TranscoderStartError && /failed to start/.test(e.message),
        );
        const rejectMs = performance.now() - t0;
        assert.ok(rejectMs < 7000, `acquire rejected after ${rejectMs.toFixed(0)} ms`);
        assert.match(failed[0]?.reason ?? '', reasonRe);
        touchEvery(s, `hostile_${kind}.main`);
        await next(s, 'failing', (e) => e.key === `hostile_${kind}.main`, 15000);
        assert.ok(srv.connections() >= 3);
        assert.ok(restarting.length >= 3);
        stopTouching();
        await next(s, 'state', (e) => e.state === 'stopped', 8000);
        assert.deepEqual(ffmpegChildren(), []);
      } finally {
        await srv.close();
      }
    });
  }

  it('a run that failed before its first fragment is followed by one with the wide probe window', async () => {
    const srv = await hostileServer('silent');
    try {
      const s = await newSup({ stallTimeoutS: 2 });
      const probes: string[] = [];
      s.on('state', (e) => {
        if (e.state !== 'starting' || e.pid === null) return;
        const argv = readFileSync(`/proc/${e.pid}/cmdline`, 'utf8').split('\0');
        probes.push(argv[argv.indexOf('-probesize') + 1] ?? '?');
      });
      const sp = spec(0, { cameraId: 'probe_fallback', url: `rtsp://127.0.0.1:${srv.port}/cam` });
      await assert.rejects(s.acquire(sp), TranscoderStartError);
      assert.deepEqual(probes.slice(0, 2), ['32', '32768'], 'small first, wide after a failure');
    } finally {
      await srv.close();
    }
  });

  it('hostile fMP4 from the pipe (a box of 4 GiB): the run fails clearly and is retried; other streams are unaffected', async () => {
    // a stand-in "ffmpeg" that writes a valid ftyp, then a moov box claiming 0xfffffff0 bytes, and hangs
    const fake = path.join(root, 'hostile-ffmpeg.sh');
    writeFileSync(
      fake,
      "#!/bin/sh\nprintf '\\000\\000\\000\\030ftypisom\\000\\000\\002\\000isomiso2\\377\\377\\377\\360moov'\nexec sleep 60\n",
    );
    chmodSync(fake, 0o755);
    const good = await newSup();
    const bad = new Supervisor({ ...FAST, hlsDir: path.join(root, 'hostile-fmp4'), ffmpegPath: fake });
    await bad.start();
    try {
      const r = await good.acquire(spec(0));
      touchEvery(good, r.key);
      const rec = new HubRecorder(good.hub(r.key)!);
      const failed: StreamStateEvent[] = [];
      bad.on('state', (e) => void (e.state === 'failed' && failed.push(e)));
      await assert.rejects(
        bad.acquire(spec(1, { cameraId: 'hostile_fmp4' })),
        (e: unknown) => e instanceof TranscoderStartError && /failed to start: .*fmp4/.test(e.message),
      );
      assert.ok(failed.length >= 2, `two runs failed: ${failed.map((e) => e.reason).join('; ')}`);
      for (const e of failed) assert.match(e.reason, /^transcoder: fmp4: .*4294967280/);
      await next(bad, 'state', (e) => e.state === 'starting', 5000); // retried with backoff
      assert.equal(bad.hub('hostile_fmp4.main')?.init ?? null, null, 'nothing was published');
      assert.equal(good.get(r.key)?.state, 'live');
      const before = rec.fragments.length;
      await waitFor('the good stream to flow on', () => rec.fragments.length > before + 5, 3000);
    } finally {
      await bad.close();
    }
    assert.ok(processesNamed('sleep', process.pid).length === 0, 'the hostile worker was killed');
  });

  it('a pending acquire fails when the camera is missing from the start', async () => {
    const s = await newSup();
    await assert.rejects(
      s.acquire(spec(0, { url: cam.url(0).replace('/cam/0/', '/cam/99/') })),
      (e: unknown) => e instanceof TranscoderStartError && /404 Not Found/.test(e.message),
    );
    await sleep(100);
    assert.ok(ffmpegChildren().every(isAlive));
  });
});
