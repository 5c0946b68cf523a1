// The simulated cameras' snapshots: a real JPEG of the stream, 503 with the reason when it is down, nothing left running at close.
import assert from 'node:assert/strict';
import net from 'node:net';
import { ffmpegChildren, waitFor } from '../../bench/transcoder-proc';
import { LiveSnapshot } from '../../sim/cameras/live-snapshot';
import { SimOnvifCamera } from '../../sim/cameras/onvif-camera';
import { SimCam } from '../helpers/simcam-rtsp';
import { hasContrast, jpegLuma, jpegSize } from '../helpers/jpeg-picture';

describe('simulated camera snapshots (integration)', function () {
  this.timeout(60000);
  let rtsp: SimCam;
  let silent: net.Server;
  const sockets = new Set<net.Socket>();

  before(async () => {
    rtsp = await SimCam.start({ count: 1, codec: 'h264', width: 640, height: 360 });
    silent = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    await rtsp?.close();
  });

  const camera = (rtspMain: string): SimOnvifCamera =>
    new SimOnvifCamera({
      index: 0,
      host: '127.0.0.1',
      port: 0,
      codec: 'h264',
      rtspMain,
      rtspSub: rtspMain,
      username: 'admin',
      password: 'pw',
    });

  it("GET /snapshot.jpg is a JPEG of the camera's main stream; a camera whose stream is down answers 503 with the reason", async () => {
    const up = camera(rtsp.url(0, 'main'));
    const down = camera('rtsp://127.0.0.1:9/cam/0/main');
    await up.start();
    await down.start();
    try {
      const ok = await fetch(`http://127.0.0.1:${up.port}/snapshot.jpg`);
      assert.equal(ok.status, 200);
      const jpeg = Buffer.from(await ok.arrayBuffer());
      assert.deepEqual(await jpegSize(jpeg), { width: 640, height: 360 });
      assert.ok(hasContrast(await jpegLuma(jpeg)));
      const bad = await fetch(`http://127.0.0.1:${down.port}/snapshot.jpg`);
      assert.equal(bad.status, 503);
      assert.match(await bad.text(), /no picture from rtsp:\/\/127\.0\.0\.1:9\/cam\/0\/main \(.*Connection refused/);
    } finally {
      await up.close();
      await down.close();
    }
  });

  it('a camera whose RTSP server wants credentials sends them for its snapshot', async () => {
    const guarded = await SimCam.start({ count: 1, codec: 'h264', user: 'admin', password: 'pw' });
    const cam = new SimOnvifCamera({
      index: 0,
      host: '127.0.0.1',
      port: 0,
      codec: 'h264',
      rtspMain: guarded.url(0, 'main', false),
      rtspSub: guarded.url(0, 'sub', false),
      username: 'admin',
      password: 'pw',
      rtspAuth: true,
    });
    await cam.start();
    try {
      const r = await fetch(`http://127.0.0.1:${cam.port}/snapshot.jpg`);
      assert.equal(r.status, 200, await r.clone().text());
      assert.ok(hasContrast(await jpegLuma(Buffer.from(await r.arrayBuffer()))));
    } finally {
      await cam.close();
      await guarded.close();
    }
  });

  it('close() kills a snapshot grab in flight at once', async () => {
    const snap = new LiveSnapshot({
      rtspUrl: `rtsp://127.0.0.1:${(silent.address() as net.AddressInfo).port}/x`,
      timeoutMs: 30000,
    });
    const pending = snap.jpeg().then(
      () => null,
      (e: Error) => e,
    );
    await waitFor('the grab to run', () => ffmpegChildren().length === 1, 3000);
    const t0 = performance.now();
    await snap.close();
    assert.ok(performance.now() - t0 < 1000);
    assert.deepEqual(ffmpegChildren(), []);
    assert.match(String(await pending), /no picture/);
    await assert.rejects(snap.jpeg(), /camera closed/);
  });
});
