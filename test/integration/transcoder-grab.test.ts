// Frame grabs through the transcoder: a real JPEG of the camera, the streams' URL checks, pdeathsig, timeout, limits.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren, isAlive, processesNamed, sleep, waitFor } from '../../bench/transcoder-proc';
import { Supervisor, TranscoderCapacityError, TranscoderGrabError, TranscoderInputError } from '../../transcoder/index';
import { grabReference, hasContrast, jpegLuma, jpegSize, lumaStats, meanAbsDiff } from '../helpers/jpeg-picture';
import { SimCam } from '../helpers/simcam-rtsp';
import { startSupervisorChild, type SupervisorChild } from '../helpers/supervisor-child';

/** URLs a stream refuses before spawning anything; a grab must refuse each of them the same way. */
const HOSTILE_URLS = [
  'file:///etc/passwd',
  'concat:rtsp://a/b|file:///etc/passwd',
  'rtsp://127.0.0.1/?u=file:/etc/passwd',
  'http://127.0.0.1:5432/',
  'udp://127.0.0.1:1234',
  '-i rtsp://127.0.0.1/a',
  '-filter_complex',
  'rtsp://127.0.0.1/a b',
  'rtsp://127.0.0.1/a\nb',
  'rtsp://127.0.0.1/a|b',
  'rtsp://127.0.0.1/$(reboot)',
  'rtsp://127.0.0.1/`id`',
  'rtsp://127.0.0.1\\a',
  'rtsp:///path',
  `rtsp://127.0.0.1/${'a'.repeat(2100)}`,
];

describe('transcoder frame grabs (integration)', function () {
  this.timeout(90000);
  let cam: SimCam;
  let root: string;
  let hang: net.Server;
  let hangPort: number;
  const sockets = new Set<net.Socket>();

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-grab-'));
    cam = await SimCam.start({ count: 1, codec: 'h264', width: 640, height: 360 });
    // a "camera" that accepts the RTSP connection and never answers: the grab can only time out
    hang = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    hangPort = (hang.address() as net.AddressInfo).port;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => hang.close(() => r()));
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('grabs a full-resolution JPEG of what the camera shows, and leaves no ffmpeg behind', async () => {
    const sup = new Supervisor({ hlsDir: path.join(root, 'ok') });
    await sup.start();
    try {
      const { jpeg, from } = await sup.grab({ cameraId: 'c0', profile: 'main', url: cam.url(0), codec: 'h264' });
      assert.equal(from, 'camera', 'no stream runs: the camera is asked');
      const ref = await grabReference(cam.url(0));
      assert.deepEqual(await jpegSize(jpeg), { width: 640, height: 360 });
      const [a, b] = [await jpegLuma(jpeg), await jpegLuma(ref)];
      assert.ok(hasContrast(a), `a picture, not a flat image: ${JSON.stringify(lumaStats(a))}`);
      assert.ok(
        meanAbsDiff(a, b) < 25,
        `the grab looks like the camera's own frame (mean difference ${meanAbsDiff(a, b).toFixed(1)})`,
      );
      assert.deepEqual(sup.grabPids(), []);
      assert.deepEqual(ffmpegChildren(), []);
    } finally {
      await sup.close();
    }
  });

  it('a live copied stream: a grab decodes its newest keyframe (no new camera connection); a transcoded one asks the camera', async () => {
    // a TCP relay in front of the camera counts the connections made to it
    let connections = 0;
    const relay = net.createServer((s) => {
      connections++;
      const up = net.connect(cam.port, '127.0.0.1');
      s.pipe(up).pipe(s);
      const end = (): void => (s.destroy(), void up.destroy());
      s.on('error', end).on('close', end);
      up.on('error', end).on('close', end);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const url = `rtsp://127.0.0.1:${(relay.address() as net.AddressInfo).port}/cam/0/main`;
    const sup = new Supervisor({ hlsDir: path.join(root, 'live'), maxHeight: 180 });
    await sup.start();
    try {
      await sup.acquire({ cameraId: 'live', profile: 'main', url, codec: 'h264', audioCodec: null });
      assert.equal(connections, 1, 'the stream holds one connection');
      const { jpeg, from } = await sup.grab({ cameraId: 'live', profile: 'main', url, codec: 'h264' });
      assert.equal(from, 'stream-output');
      assert.equal(connections, 1, 'the grab did not connect to the camera');
      assert.deepEqual(await jpegSize(jpeg), { width: 640, height: 360 });
      const [a, b] = [await jpegLuma(jpeg), await jpegLuma(await grabReference(cam.url(0)))];
      assert.ok(hasContrast(a), `a picture, not a flat image: ${JSON.stringify(lumaStats(a))}`);
      assert.ok(
        meanAbsDiff(a, b) < 25,
        `the grab looks like the camera's own frame (mean difference ${meanAbsDiff(a, b).toFixed(1)})`,
      );
      await sup.stop('live.main');
      assert.equal(
        (await sup.grab({ cameraId: 'live', profile: 'main', url, codec: 'h264' })).from,
        'camera',
        'no stream: the camera is asked',
      );
      assert.equal(connections, 2);
      // an H.265 pull is a copy too (viewers without H.265 get a derived output): its keyframe is decoded
      // a pull transcoding MJPEG is scaled (maxHeight 180 here): the full-resolution picture comes from the camera
      const more = await SimCam.start({ count: 2, codec: 'h265,mjpeg', width: 640, height: 360 });
      try {
        await sup.acquire({ cameraId: 'hevc', profile: 'main', url: more.url(0), codec: 'h265', audioCodec: null });
        const hevc = await sup.grab({ cameraId: 'hevc', profile: 'main', url: more.url(0), codec: 'h265' });
        assert.equal(hevc.from, 'stream-output');
        assert.deepEqual(await jpegSize(hevc.jpeg), { width: 640, height: 360 });
        assert.ok(hasContrast(await jpegLuma(hevc.jpeg)), 'a picture, not a flat image');
        await sup.acquire({ cameraId: 'tx', profile: 'main', url: more.url(1), codec: 'mjpeg', audioCodec: null });
        const tx = await sup.grab({ cameraId: 'tx', profile: 'main', url: more.url(1), codec: 'mjpeg' });
        assert.equal(tx.from, 'camera');
        assert.deepEqual(await jpegSize(tx.jpeg), { width: 640, height: 360 });
        await sup.stop('hevc.main');
        await sup.stop('tx.main');
      } finally {
        await more.close();
      }
      assert.deepEqual(ffmpegChildren(), []);
    } finally {
      await sup.close();
      await new Promise<void>((r) => relay.close(() => r()));
    }
  });

  it('refuses every hostile URL that a stream refuses, with the same message, spawning nothing', async () => {
    const sup = new Supervisor({ hlsDir: path.join(root, 'hostile') });
    await sup.start();
    try {
      for (const url of HOSTILE_URLS) {
        const spec = { cameraId: 'h1', profile: 'main' as const, url, codec: 'h264' };
        const streamErr = await sup.acquire({ ...spec, audioCodec: null }).then(
          () => null,
          (e: unknown) => e,
        );
        const grabErr = await sup.grab(spec).then(
          () => null,
          (e: unknown) => e,
        );
        assert.ok(streamErr instanceof TranscoderInputError, `stream refuses ${JSON.stringify(url)}`);
        assert.ok(grabErr instanceof TranscoderInputError, `grab refuses ${JSON.stringify(url)}: ${String(grabErr)}`);
        assert.equal(grabErr.message, streamErr.message);
        assert.deepEqual(ffmpegChildren(), [], `nothing spawned for ${JSON.stringify(url)}`);
      }
    } finally {
      await sup.close();
    }
  });

  it('a camera that never answers: the grab is killed after grabTimeoutS with a reason', async () => {
    const sup = new Supervisor({ hlsDir: path.join(root, 'timeout'), rtspTimeoutS: 30, grabTimeoutS: 1.5 });
    await sup.start();
    try {
      const t0 = performance.now();
      const spec = { cameraId: 'slow', profile: 'main' as const, url: `rtsp://127.0.0.1:${hangPort}/x`, codec: 'h264' };
      const err = await sup.grab(spec).then(
        () => null,
        (e: unknown) => e,
      );
      const ms = performance.now() - t0;
      assert.ok(err instanceof TranscoderGrabError, String(err));
      assert.equal(err.timedOut, true);
      assert.match(err.message, /slow\.main gave no picture within 1\.5 s/);
      assert.ok(ms >= 1400 && ms < 4000, `took ${Math.round(ms)} ms`);
      assert.deepEqual(sup.grabPids(), []);
      await waitFor('the killed grab to be reaped', () => ffmpegChildren().length === 0, 2000);
    } finally {
      await sup.close();
    }
  });

  it('grabs of one camera share one ffmpeg; beyond maxGrabs the caller gets a capacity error; close() ends running grabs', async () => {
    const sup = new Supervisor({ hlsDir: path.join(root, 'limit'), rtspTimeoutS: 30, grabTimeoutS: 30, maxGrabs: 2 });
    await sup.start();
    const url = `rtsp://127.0.0.1:${hangPort}/x`;
    const p1 = sup.grab({ cameraId: 'a', profile: 'main', url, codec: 'h264' });
    const p1b = sup.grab({ cameraId: 'a', profile: 'main', url, codec: 'h264' });
    const p2 = sup.grab({ cameraId: 'b', profile: 'main', url, codec: 'h264' });
    const all = Promise.allSettled([p1, p1b, p2]);
    assert.equal(sup.grabPids().length, 2, 'three grabs of two cameras: the second caller of "a" joined the first');
    await assert.rejects(sup.grab({ cameraId: 'c', profile: 'main', url, codec: 'h264' }), TranscoderCapacityError);
    await sup.close();
    const settled = await all;
    assert.ok(settled.every((s) => s.status === 'rejected'));
    assert.deepEqual(ffmpegChildren(), []);
  });

  /** A node process (via tsx) whose supervisor runs a grab against the silent camera; resolves its pid and the grab's ffmpeg pid. */
  async function gatewayGrabbing(setprivPath: string | null, name: string): Promise<SupervisorChild> {
    const options = { hlsDir: path.join(root, name), setprivPath, rtspTimeoutS: 120, grabTimeoutS: 120 };
    return startSupervisorChild(root, name, options, [
      `sup.grab({ cameraId: 'long', profile: 'main', url: ${JSON.stringify(`rtsp://127.0.0.1:${hangPort}/long`)}, codec: 'h264' })` +
        '.catch(() => undefined);',
      'console.log(`FFMPEG ${sup.grabPids()[0]}`);',
      'setInterval(() => undefined, 1000);',
    ]);
  }

  it('gateway SIGKILLed during a long grab: the grab’s ffmpeg dies with it (setpriv --pdeathsig SIGKILL)', async () => {
    const g = await gatewayGrabbing('/usr/bin/setpriv', 'pdeathsig');
    await waitFor(
      'the grab to be running',
      () => processesNamed('ffmpeg', g.childPid).some((p) => p.pid === g.ffmpegPid),
      5000,
    );
    g.kill();
    await waitFor('the orphaned grab ffmpeg to die', () => !isAlive(g.ffmpegPid), 3000);
  });

  it('control: without setpriv the same grab would outlive its gateway (so the test above can fail)', async () => {
    const g = await gatewayGrabbing(null, 'control');
    try {
      await waitFor(
        'the grab to be running',
        () => processesNamed('ffmpeg', g.childPid).some((p) => p.pid === g.ffmpegPid),
        5000,
      );
      g.kill();
      await sleep(1500);
      assert.equal(isAlive(g.ffmpegPid), true, 'without pdeathsig the grab survives');
    } finally {
      if (isAlive(g.ffmpegPid)) process.kill(g.ffmpegPid, 'SIGKILL');
      await waitFor('the control ffmpeg to be gone', () => !isAlive(g.ffmpegPid), 3000);
    }
  });
});
