// A GB/T 28181 device's streams follow the device: re-registered from a new address → BYE to the old one and INVITE to the new,
// the viewer keeps getting fragments; keepalives stopped (media still flowing) → off line and its streams ended at once.
import assert from 'node:assert/strict';
import { SimGbDevice } from '../../sim/gb28181/device';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const IPC = '43070200001320000009';
const CHANNEL = '43070200001310000009';

describe('gb28181 streams follow their device (moved, off line)', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let token: string;
  const devices: SimGbDevice[] = [];
  const events: string[] = [];

  const device = (host: string): SimGbDevice => {
    const d = new SimGbDevice({
      id: IPC,
      host,
      server: { host: '127.0.0.1', port: t.gw.services.gb!.server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'pw',
      keepaliveS: 1,
      channels: [{ id: CHANNEL, name: 'IPC 搬家', ptzType: 3, longitude: 111.69, latitude: 29.03 }],
      video: { width: 320, height: 240, fps: 25 },
    });
    d.on('invite', () => events.push(`invite ${host}`));
    d.on('bye', () => events.push(`bye ${host}`));
    devices.push(d);
    return d;
  };

  before(async () => {
    t = await startTestGateway({
      gb28181: {
        enabled: true,
        id: SERVER_ID,
        realm: REALM,
        udpPort: 0,
        tcpPort: 0,
        password: 'pw',
        keepaliveIntervalS: 1,
        keepaliveMisses: 3,
        mediaTimeoutS: 10,
        mediaPorts: [41000 + (process.pid % 200) * 20, 41019 + (process.pid % 200) * 20],
      },
      transcoder: { backoffInitialMs: 200, backoffMaxMs: 1000 },
    });
    await t.addUser('gbmove', 'admin', null);
    token = await t.login('gbmove');
  });

  after(async () => {
    for (const d of devices) await d.close();
    await t?.close();
  });

  it('re-registered from a new address: BYE to the old one, INVITE to the new, and the viewer keeps getting pictures', async () => {
    const a = device('127.0.0.1');
    await a.start();
    const camId = await waitFor(
      async () => {
        const r = await t.api('GET', '/api/v1/cameras?limit=10', { token });
        return (r.body.items as any[]).find((c) => c.gbChannelId === CHANNEL && c.status === 'online')?.id as string;
      },
      { timeoutMs: 15_000, what: 'the channel as a camera' },
    );
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const viewer = await LiveClient.open(t.base.replace(/^http/, 'ws') + r.body.live);
    await viewer.until(() => viewer.fragments.length >= 10, 20_000, 'fragments from the first address');
    assert.deepEqual(events, ['invite 127.0.0.1']);
    // the device comes back on another address (DHCP, a new uplink) while its old session still sends
    a.stopKeepalives();
    const b = device('127.0.0.2');
    const movedAt = Date.now();
    await b.start();
    await waitFor(() => events.includes('invite 127.0.0.2'), { timeoutMs: 8000, what: 'an INVITE to the new address' });
    assert.ok(Date.now() - movedAt < 8000, 'followed well before the 10 s media timeout');
    assert.ok(events.indexOf('bye 127.0.0.1') >= 0, `the old session was ended with BYE: ${events.join(', ')}`);
    assert.deepEqual(a.playing(), []);
    const n = viewer.fragments.length;
    await viewer.until(() => viewer.fragments.length >= n + 10, 20_000, 'fragments from the new address');
    assert.equal(viewer.closed, null, 'the viewer stayed connected');
    await viewer.close();
  });

  it('keepalives stop while media still flows: off line after the misses, its streams ended at once (BYE)', async () => {
    const b = devices[1]!;
    assert.deepEqual(b.playing(), [CHANNEL], 'the session of the first test still plays');
    const before = events.length;
    b.stopKeepalives();
    const stoppedAt = Date.now();
    await waitFor(() => events.slice(before).includes('bye 127.0.0.2'), { timeoutMs: 10_000, what: 'the BYE' });
    const took = Date.now() - stoppedAt;
    // 3 missed 1 s keepalives, the 1 s sweep: about 4 s; the media (still flowing) had not timed out
    assert.ok(took >= 2500 && took < 7000, `ended ${took} ms after the last keepalive`);
    await waitFor(() => t.gw.services.gb!.media.sessions.size === 0, { timeoutMs: 5000, what: 'no session left' });
    // while it is off line, the pull's retries are refused at once with the reason, no INVITE goes out
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(events.slice(before).filter((e) => e.startsWith('invite')).length, 0, events.join(', '));
    assert.deepEqual(b.playing(), []);
  });
});
