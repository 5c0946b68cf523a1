// Two gateway nodes on one schema: a GB/T 28181 device registers with one of them, a township links to one of them;
// their cameras' pulls are placed on that node (the only one that can pull them), whichever node a viewer asks.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SimGbDevice } from '../../sim/gb28181/device';
import { cascadeServerConfig, cascadeUpstreamConfig, makeCascadeCerts } from '../../bench/cascade-certs';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { freePortRange } from '../helpers/ports';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const IPC = '43070200001320000009';
const CHANNEL = '43070200001310000009';
const TOKEN = 'town-pin-token-0123456789';

describe('cluster: pulls only one node can make are placed on it', function () {
  this.timeout(120_000);
  let a: TestGateway;
  let b: TestGateway;
  let town: TestGateway;
  let ipc: SimGbDevice;
  let sim: RtspProcess;
  let token: string;
  const secretKey = randomBytes(32).toString('hex');

  before(async () => {
    const certs = makeCascadeCerts();
    const port = await freePortRange(2);
    const media = 40000 + (process.pid % 150) * 100;
    const node = (name: string, p: number, mediaPorts: [number, number]): Record<string, unknown> => ({
      server: { nodeName: name, port: p },
      security: { secretKey },
      cluster: { enabled: true, advertisedAddress: `http://127.0.0.1:${p}`, heartbeatMs: 200, ttlMs: 1000 },
      gb28181: { enabled: true, id: SERVER_ID, realm: REALM, udpPort: 0, tcpPort: 0, password: 'pw', mediaPorts },
      // the city's cascade port on each node; the township links to node b's
      cascade: cascadeServerConfig(certs, [
        { name: 'town-pin', token: TOKEN, department: 'urban', commonName: 'town-a' },
      ]),
    });
    a = await startTestGateway(node('pin-a', port, [media, media + 49]));
    b = await startTestGateway(node('pin-b', port + 1, [media + 50, media + 99]), { schema: a.schema });
    await a.addUser('pinadm', 'admin', null);
    token = await a.login('pinadm');
    // the device registers with node b only (the SIP address it was given)
    ipc = new SimGbDevice({
      id: IPC,
      server: { host: '127.0.0.1', port: b.gw.services.gb!.server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'pw',
      channels: [{ id: CHANNEL, name: 'IPC 钉住', ptzType: 3, longitude: 111.69, latitude: 29.03 }],
      video: { width: 320, height: 240, fps: 25 },
    });
    await ipc.start();
    sim = await RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' });
    town = await startTestGateway({
      cascade: cascadeUpstreamConfig(certs, {
        port: b.gw.services.cascade.upper!.server.port,
        name: 'town-pin',
        token: TOKEN,
        actAs: 'city-link',
      }),
    });
    await town.addUser('city-link', 'admin', 'police');
    await town.addUser('tadm', 'admin', 'police');
    const r = await town.api('POST', '/api/v1/cameras', {
      token: await town.login('tadm'),
      body: {
        name: '镇钉住',
        mainUri: sim.url(0, 'main'),
        lng: 111.7,
        lat: 29.03,
        streams: { main: { codec: 'h264' } },
      },
    });
    assert.equal(r.status, 201, r.text);
  });
  after(async () => {
    await town?.close();
    await ipc?.close();
    await b?.close();
    await a?.close();
    await sim?.close();
  });

  /** The node an unpinned pull would be placed on now (a probe lease, placed and given back). */
  const unpinned = async (): Promise<string> => {
    const key = { cameraId: `probe-${randomBytes(3).toString('hex')}`, profile: 'main' };
    const holder = await a.gw.cluster!.node.acquire(key);
    const on = [a, b].find((g) => g.gw.cluster!.node.name === holder?.node)!;
    await waitFor(() => on.gw.cluster!.node.holds(key), { what: 'the probe lease' });
    await on.gw.cluster!.node.release(key);
    return holder!.node;
  };

  /** Opens the camera's live stream at node a and reads a keyframe there; resolves with the node holding its pull. */
  const playAtA = async (id: string): Promise<string> => {
    const open = await a.api('POST', `/api/v1/cameras/${id}/streams`, { token, body: { profile: 'main' } });
    assert.equal(open.status, 201, open.text);
    const live = await LiveClient.open(`${a.base.replace(/^http/, 'ws')}${open.body.live as string}`, { keep: true });
    try {
      await live.until(() => live.fragments.some((f) => f.keyframe), 20_000, 'a keyframe through node a');
      const decoded = decodeVideo(Buffer.concat(live.binaries));
      assert.ok(decoded.frames >= 1, `frames decoded: ${decoded.frames} ${decoded.errors}`);
    } finally {
      live.ws.close();
    }
    const holder = [a, b].find((g) => g.gw.cluster!.node.holds({ cameraId: id, profile: 'main' }));
    return holder?.gw.cluster!.node.name ?? 'none';
  };

  it("a township camera's pull runs on the node its link arrived at, asked at the other", async () => {
    const cam = await waitFor(async () => (await a.gw.repos.cameras.cascadeCameras('town-pin'))[0], {
      timeoutMs: 15_000,
      what: 'the township camera at the city',
    });
    // placed by load, node a would take it; it has no link to the township
    assert.equal(await unpinned(), 'pin-a');
    assert.equal(await playAtA(cam.id), 'pin-b');
  });

  it("a GB/T 28181 channel's pull runs on the node its device registered with, asked at the other", async () => {
    const id = await waitFor(
      async () => (await a.gw.repos.cameras.all()).find((c) => c.gbChannelId === CHANNEL && c.status === 'online')?.id,
      { timeoutMs: 15_000, what: 'the channel as a camera' },
    );
    // placed by load, node a would take it; it cannot pull it
    assert.equal(await unpinned(), 'pin-a');
    assert.equal(await playAtA(id), 'pin-b');
  });
});
