// A GB/T 28181 channel played with its media over TCP (RFC 4571 framing) from an NVR registered over TCP, in both roles
// (gb28181.mediaTransport tcp-passive: the device connects to the gateway's RTP port; tcp-active: the gateway connects to the
// port of the device's answer): decodable fMP4 over the live WebSocket.
import assert from 'node:assert/strict';
import { SimGbDevice } from '../../sim/gb28181/device';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const NVR = '43070200001180000001';
const CHANNEL = '43070200001310000003';

for (const mode of ['tcp-passive', 'tcp-active'] as const)
  describe(`gb28181 media over TCP (${mode})`, function () {
    this.timeout(60_000);
    let t: TestGateway;
    let nvr: SimGbDevice;
    const invites: string[] = [];

    before(async () => {
      t = await startTestGateway({
        gb28181: {
          enabled: true,
          id: SERVER_ID,
          realm: REALM,
          udpPort: 0,
          tcpPort: 0,
          password: 'pw',
          mediaTransport: mode,
        },
      });
      nvr = new SimGbDevice({
        id: NVR,
        server: { host: '127.0.0.1', port: t.gw.services.gb!.server.endpoint.tcpPort, id: SERVER_ID, realm: REALM },
        transport: 'tcp',
        password: 'pw',
        channels: [{ id: CHANNEL, name: 'NVR 通道 3', ptzType: 3, longitude: 111.69, latitude: 29.03 }],
      });
      nvr.on('invite', (i: { transport: string }) => invites.push(i.transport));
      await nvr.start();
    });

    after(async () => {
      await nvr?.close();
      await t?.close();
    });

    it(`plays the channel, ${mode === 'tcp-passive' ? 'the device connecting to the offered port' : 'the gateway connecting to the device'}`, async () => {
      await t.addUser('gbtcp', 'admin', null);
      const token = await t.login('gbtcp');
      const camId = await waitFor(
        async () => {
          const r = await t.api('GET', '/api/v1/cameras?limit=10', { token });
          return (r.body.items as any[]).find((c) => c.gbChannelId === CHANNEL && c.status === 'online')?.id as string;
        },
        { timeoutMs: 15_000, what: 'the channel as a camera' },
      );
      const r = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token, body: { profile: 'main' } });
      assert.equal(r.status, 201, r.text);
      const c = await LiveClient.open(t.base.replace(/^http/, 'ws') + r.body.live, { keep: true });
      await c.until(() => c.fragments.length >= 30, 20_000, '30 fragments');
      await c.close();
      assert.deepEqual(invites, [mode], `the offer asked for TCP with the gateway ${mode.slice(4)}`);
      const dec = decodeVideo(Buffer.concat(c.binaries));
      assert.ok(dec.frames >= 30, `decoded ${dec.frames}`);
      assert.equal(dec.errors, '');
    });
  });
