// The upward cascade between two Cloud Eye instances: the lower one registers with the superior's GB/T 28181 server
// (TCP), which lists the shared camera as a channel camera and plays it: the lower one sends PS over RTP from the
// camera's one pull, and the superior's live stream decodes.
import assert from 'node:assert/strict';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { freePortRange } from '../helpers/ports';

const SUPERIOR = '43000000002000000001';
const DOMAIN = '4300000000';
const LOWER = '43070200002000000002';

describe('gb28181 upward cascade: a Cloud Eye registered with a superior Cloud Eye', function () {
  this.timeout(120_000);
  let sim: RtspProcess;
  let lower: TestGateway;
  let upper: TestGateway | undefined;
  const logs: string[] = [];

  before(async () => {
    sim = await RtspProcess.start({ count: 1, codec: 'h264', width: 320, height: 180, fps: 25, gopS: 1 });
  });

  after(async () => {
    await upper?.close();
    await lower?.close();
    await sim?.close();
  });

  it('the superior lists the shared camera and plays it from the lower platform; unreachable first, then registered', async () => {
    const port = await freePortRange();
    lower = await startTestGateway(
      {
        gb28181: {
          upstream: {
            enabled: true,
            superiorId: SUPERIOR,
            superiorDomain: DOMAIN,
            superiorHost: '127.0.0.1',
            superiorPort: port,
            transport: 'tcp',
            password: 'cascade-pw',
            localId: LOWER,
            localHost: '127.0.0.1',
            registerExpiresS: 600,
            keepaliveS: 5,
            shareCameras: [],
            shareTags: ['upward'],
          },
        },
      },
      { onLog: (_l, m) => logs.push(m) },
    );
    await lower.addUser('low', 'admin', 'police');
    const lowToken = await lower.login('low');
    const made = await lower.api('POST', '/api/v1/cameras', {
      token: lowToken,
      body: {
        name: '云眼 上级共享',
        mainUri: sim.url(0, 'main'),
        streams: { main: { codec: 'h264' } },
        lng: 111.7,
        lat: 29.04,
        tags: ['upward'],
      },
    });
    assert.equal(made.status, 201, made.text);
    await waitFor(() => logs.some((m) => /gb28181 upstream: unreachable/.test(m)), { what: 'unreachable logged' });
    upper = await startTestGateway({
      gb28181: { enabled: true, id: SUPERIOR, realm: DOMAIN, udpPort: 0, tcpPort: port, password: 'cascade-pw' },
    });
    await upper.addUser('up', 'admin', 'police');
    const token = await upper.login('up');
    const channel = `${LOWER.slice(0, 10)}131${String(made.body.id).padStart(7, '0')}`;
    const cam = await waitFor(
      async () => {
        const r = await upper!.api('GET', '/api/v1/cameras?limit=100', { token });
        return (r.body.items as any[]).find((c) => c.gbChannelId === channel && c.status === 'online');
      },
      { timeoutMs: 30_000, what: 'the shared camera in the superior' },
    );
    assert.equal(cam.gbDeviceId, LOWER);
    assert.equal(cam.name, '云眼 上级共享');
    assert.ok(Math.abs(cam.lng - 111.7) < 1e-6 && Math.abs(cam.lat - 29.04) < 1e-6);
    const r = await upper.api('POST', `/api/v1/cameras/${cam.id}/streams`, { token, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const live = await LiveClient.open(upper.base.replace(/^http/, 'ws') + r.body.live, { keep: true });
    await live.until(
      () => live.fragments.filter((f) => f.keyframe).length >= 2 && live.fragments.length >= 30,
      30_000,
      '30 fragments',
    );
    const dec = decodeVideo(Buffer.concat(live.binaries));
    await live.close();
    assert.ok(dec.frames >= 30, `decoded ${dec.frames} frames`);
    assert.equal(dec.errors, '');
  });
});
