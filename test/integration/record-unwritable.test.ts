// A recording volume that stops taking writes, in a real gateway with a simulated camera: recording reported failed on
// socket.io (to the rooms that may view the camera) and in GET /health, live viewing unaffected, recovery reported.
import assert from 'node:assert/strict';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import type { RecordingService } from '../../gateway/recordings/recording-service';
import type { RecordingStateMessage } from '../../gateway/realtime/messages';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };

describe('recording: a volume that becomes unwritable', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let rec: RecordingService;
  let cam: string;
  let volume: string;
  const sockets: Socket[] = [];

  const listen = async (username: string): Promise<RecordingStateMessage[]> => {
    const token = await t.login(username);
    const socket = io(t.base, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const got: RecordingStateMessage[] = [];
    socket.on('recording:state', (m: RecordingStateMessage) => got.push(m));
    await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
    return got;
  };
  const health = async (username: string) => {
    const r = await t.api('GET', '/api/v1/health', { token: await t.login(username) });
    assert.equal(r.status, 200, r.text);
    return r.body.recording as {
      state: string;
      volumes: Array<{ path: string; state: string; reason: string | null; failedRecorders: number }>;
      cameras: Array<{ cameraId: string; state: string; cause: string | null; code: string | null; reason: string }>;
    };
  };
  const indexedSince = async (ms: number): Promise<number> =>
    (await rec.footage.segments(cam, new Date(ms).toISOString(), new Date(Date.now() + 1000).toISOString())).filter(
      (s) => s.startMs >= ms,
    ).length;

  before(async () => {
    rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0, width: 320, height: 240, fps: 25 });
    await rtsp.start();
    t = await startTestGateway({ recording: { segmentSeconds: 2, planIntervalS: 0.5, retryS: 1 } });
    rec = t.gw.services.recordings;
    volume = [...rec.volumes.keys()][0]!;
    await t.addUser('uadm', 'admin', 'police');
    await t.addUser('uview', 'viewer', 'police');
    await t.addUser('tview', 'viewer', 'traffic');
    const r = await t.api('POST', '/api/v1/cameras', {
      token: await t.login('uadm'),
      body: {
        name: 'gate',
        mainUri: rtsp.url(0, 'main'),
        lng: 111.69,
        lat: 29.03,
        streams: { main: { codec: 'h264' } },
      },
    });
    assert.equal(r.status, 201, r.text);
    cam = r.body.id;
    await rec.setPlan({ scope: 'camera', cameraId: cam, mode: 'continuous' }, SYSTEM);
    await waitFor(async () => (await indexedSince(Date.now() - 600_000)) >= 1, {
      what: 'a first segment',
      timeoutMs: 30_000,
    });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await t?.close();
    await rtsp?.close();
  });

  it('GET /health needs a signed-in principal', async () => {
    assert.equal((await t.api('GET', '/api/v1/health')).status, 401);
  });

  it('reports failed on socket.io and /health while live viewers keep receiving, then recording again', async () => {
    const police = await listen('uview');
    const traffic = await listen('tview');
    const ok = await health('uview');
    assert.equal(ok.state, 'ok', JSON.stringify(ok));
    assert.deepEqual(
      ok.cameras.map((c) => [c.cameraId, c.state]),
      [[cam, 'recording']],
    );
    const open = await t.api('POST', `/api/v1/cameras/${cam}/streams`, {
      token: await t.login('uview'),
      body: { profile: 'main' },
    });
    assert.equal(open.status, 201, open.text);
    const viewer = await LiveClient.open(t.base.replace(/^http/, 'ws') + open.body.live);
    await viewer.until(() => viewer.fragments.length > 0, 10_000, 'a live fragment');

    // the volume's directory replaced by a file: every write under it fails, even for root (chmod would not stop root)
    renameSync(volume, `${volume}.aside`);
    writeFileSync(volume, 'not a directory');
    let restored = false;
    const restore = (): void => {
      if (restored) return;
      restored = true;
      rmSync(volume);
      renameSync(`${volume}.aside`, volume);
    };
    try {
      await waitFor(() => police.some((m) => m.state === 'failed'), {
        what: 'recording:state failed',
        timeoutMs: 15_000,
      });
      const failed = police.find((m) => m.state === 'failed')!;
      assert.equal(failed.cameraId, cam);
      assert.equal(failed.cause, 'write');
      assert.equal(failed.volume, volume);
      assert.match(failed.reason, /ENOTDIR|ENOENT/);

      await waitFor(async () => (await health('uview')).volumes[0]!.state === 'failed', { what: 'volume failed' });
      const h = await health('uview');
      assert.equal(h.state, 'failed');
      assert.equal(h.volumes[0]!.path, volume);
      assert.match(h.volumes[0]!.reason ?? '', /writes fail: .*\(ENOTDIR\)/);
      assert.equal(h.volumes[0]!.failedRecorders, 1);
      assert.deepEqual(
        h.cameras.map((c) => [c.cameraId, c.state, c.cause]),
        [[cam, 'failed', 'write']],
      );
      // another department sees the volume failing, not which cameras: none of them is its to see
      const other = await health('tview');
      assert.equal(other.volumes[0]!.state, 'failed');
      assert.doesNotMatch(other.volumes[0]!.reason ?? '', new RegExp(`/${cam}/`));
      assert.deepEqual(other.cameras, []);

      // live viewing goes on, with media time advancing, while every write fails
      const n0 = viewer.fragments.length;
      const s0 = viewer.fragments.at(-1)!.startS;
      await new Promise((r) => setTimeout(r, 3000));
      assert.ok(viewer.fragments.length - n0 >= 10, `${viewer.fragments.length - n0} fragments in 3 s`);
      assert.ok(viewer.fragments.at(-1)!.startS - s0 >= 2, 'media time advanced');
      assert.equal(viewer.closed, null);
      assert.ok(!police.some((m) => m.state === 'recording'), 'no recording state while writes fail (no flapping)');
    } finally {
      restore();
    }
    const back = Date.now();
    await waitFor(() => police.some((m) => m.state === 'recording'), {
      what: 'recording:state again',
      timeoutMs: 20_000,
    });
    assert.ok((await indexedSince(back - 3000)) >= 1, 'a segment indexed after the volume came back');
    const h = await health('uview');
    assert.equal(h.state, 'ok', JSON.stringify(h));
    assert.equal(h.volumes[0]!.state, 'ok');
    assert.deepEqual(traffic, [], 'the other department is told nothing of a camera it may not view');
    await viewer.close();
  });
});
