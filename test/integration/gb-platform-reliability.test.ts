// A GB/T 28181 device's streams follow the device: re-registered from a new address → BYE to the old one and INVITE to the new,
// the viewer keeps getting fragments; garbage and hostile RTP at the media port are refused with a log while the stream plays on;
// keepalives stopped (media still flowing) → off line and its streams ended at once.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { buildRtp } from '../../gateway/gb28181/index';
import { SimGbDevice } from '../../sim/gb28181/device';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const IPC = '43070200001320000009';
const CHANNEL = '43070200001310000009';
const PORTS: [number, number] = [41000 + (process.pid % 200) * 20, 41019 + (process.pid % 200) * 20];

/** The UDP ports bound in the media range now. */
function mediaPorts(): number[] {
  const out: number[] = [];
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const port = parseInt(line.trim().split(/\s+/)[1]?.split(':')[1] ?? '', 16);
    if (port >= PORTS[0] && port <= PORTS[1]) out.push(port);
  }
  return out;
}

describe('gb28181 streams follow their device (moved, off line)', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let token: string;
  const devices: SimGbDevice[] = [];
  const events: string[] = [];
  const logs: string[] = [];
  let camId = '';

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
    t = await startTestGateway(
      {
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
          mediaPorts: PORTS,
        },
        transcoder: { backoffInitialMs: 200, backoffMaxMs: 1000 },
      },
      { onLog: (level, msg) => logs.push(`${level} ${msg}`) },
    );
    // the pulls' log lines too (each run's notable events), as the supervisor emits them
    t.gw.services.supervisor.on('log', (e: { line: string }) => logs.push(`pull: ${e.line}`));
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
    camId = await waitFor(
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

  it('garbage, other SSRCs and hostile RTP headers at the media port are refused with a log; the stream plays on', async () => {
    const [port] = mediaPorts();
    assert.ok(port, 'the session has its receiver on a media port');
    const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const viewer = await LiveClient.open(t.base.replace(/^http/, 'ws') + r.body.live);
    await viewer.until(() => viewer.fragments.length >= 5, 15_000, 'fragments');
    const sock = dgram.createSocket('udp4');
    const send = (b: Buffer): Promise<void> => new Promise((res) => sock.send(b, port!, '127.0.0.1', () => res()));
    for (let i = 0; i < 300; i++) {
      await send(randomBytes(1 + ((i * 37) % 1400))); // random bytes
      await send(
        buildRtp({ payloadType: 96, marker: true, sequence: i, timestamp: i, ssrc: 0x1234, payload: randomBytes(200) }),
      );
      const lying = buildRtp({
        payloadType: 96,
        marker: false,
        sequence: i,
        timestamp: 0,
        ssrc: 1,
        payload: Buffer.alloc(8),
      });
      lying[0] = 0x9f; // version 2, extension, 15 CSRCs: headers running past the packet
      await send(lying);
    }
    sock.close();
    const n = viewer.fragments.length;
    await viewer.until(() => viewer.fragments.length >= n + 10, 15_000, 'fragments after the garbage');
    const refused = /^gb28181: channel \d+ media refused so far: \d+ malformed RTP packets, \d+ of another SSRC/;
    await waitFor(() => logs.some((l) => l.startsWith('warn ') && refused.test(l.slice(5))), {
      timeoutMs: 5000,
      what: "a warning of what was refused in the gateway's log",
    });
    assert.ok(
      logs.some((l) => l.startsWith('pull: ') && refused.test(l.slice(6))),
      "and in the pull's log",
    );
    assert.equal(t.gw.services.gb!.media.sessions.size, 1, 'the session plays on');
    assert.equal(viewer.closed, null);
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
