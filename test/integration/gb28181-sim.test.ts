// End to end over loopback: the library's server registers a simulated IPC (UDP) and NVR (TCP), reads their catalogs and plays channels over UDP and TCP.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  Gb28181Server,
  joinAnnexB,
  openMediaReceiver,
  type CatalogPage,
  type MediaTransport,
  type VideoAccessUnit,
} from '../../gateway/gb28181/index';
import { SimGbDevice } from '../../sim/gb28181/device';
import { frameMd5s } from '../helpers/gb-decode';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const IPC = '43070200001320000001';
const NVR = '43070200001180000001';
const nvrChannel = (i: number): string => `4307020000131000000${i}`;

describe('gb28181 simulated devices played through the server', function () {
  this.timeout(60_000);
  let server: Gb28181Server;
  let ipc: SimGbDevice;
  let nvr: SimGbDevice;

  before(async () => {
    server = new Gb28181Server({
      id: SERVER_ID,
      realm: REALM,
      host: '127.0.0.1',
      udpPort: 0,
      tcpPort: 0,
      password: (id) => (id === NVR ? 'nvr-pass' : 'ipc-pass'),
    });
    await server.start();
    const at = (transport: 'udp' | 'tcp'): { host: string; port: number; id: string; realm: string } => ({
      host: '127.0.0.1',
      port: transport === 'udp' ? server.endpoint.udpPort : server.endpoint.tcpPort,
      id: SERVER_ID,
      realm: REALM,
    });
    ipc = new SimGbDevice({
      id: IPC,
      server: at('udp'),
      password: 'ipc-pass',
      channels: [
        { id: '43070200001310000001', name: '常德 武陵大道 球机', ptzType: 1, longitude: 111.69, latitude: 29.03 },
      ],
    });
    const channels = [1, 2, 3, 4].map((i) => ({ id: nvrChannel(i), name: `NVR 通道 ${i}`, ptzType: 3 }));
    nvr = new SimGbDevice({
      id: NVR,
      server: at('tcp'),
      transport: 'tcp',
      password: 'nvr-pass',
      channels,
      model: 'SIM-NVR',
      catalogPageSize: 2,
    });
    await Promise.all([ipc.start(), nvr.start()]);
  });

  after(async () => {
    await server.close();
    await Promise.all([ipc.close(), nvr.close()]);
  });

  it('both register (the NVR over TCP) and their catalogs read back in full', async () => {
    assert.deepEqual(
      server
        .devices()
        .map((d) => [d.id, d.peer.transport])
        .sort(),
      [
        [NVR, 'tcp'],
        [IPC, 'udp'],
      ].sort(),
    );
    const ipcItems = await server.queryCatalog(IPC);
    assert.deepEqual(
      ipcItems.map((i) => [i.name, i.longitude, i.latitude, i.ptzType]),
      [['常德 武陵大道 球机', 111.69, 29.03, 1]],
    );
    const nvrItems = await server.queryCatalog(NVR);
    assert.deepEqual(nvrItems.map((i) => i.deviceId).sort(), [1, 2, 3, 4].map(nvrChannel));
    assert.equal((await server.queryDeviceInfo(NVR)).channels, 4);
  });

  it('a Catalog subscription: the NVR NOTIFYs its channels (ADD), then a channel going off line (OFF)', async () => {
    const pages: CatalogPage[] = [];
    server.on('catalog-notify', (p: CatalogPage) => pages.push(p));
    await server.subscribeCatalog(NVR, 600);
    await waitFor(() => pages.flatMap((p) => p.items).length === 4);
    assert.deepEqual(
      pages.flatMap((p) => p.items.map((i) => [i.deviceId, i.event])).sort(),
      [1, 2, 3, 4].map((i) => [nvrChannel(i), 'ADD']),
    );
    await nvr.setChannelStatus(nvrChannel(4), false);
    await waitFor(() => pages.length === 3);
    assert.deepEqual(
      pages[2]?.items.map((i) => [i.deviceId, i.status, i.event]),
      [[nvrChannel(4), 'OFF', 'OFF']],
    );
  });

  it('PTZ on the IPC reaches the device as the decoded command', async () => {
    await server.ptz(IPC, '43070200001310000001', { kind: 'preset', op: 'goto', preset: 7 });
    await waitFor(() => ipc.ptzLog.length === 1);
    assert.deepEqual(ipc.ptzLog[0]?.command, { kind: 'preset', op: 'goto', preset: 7 });
  });

  const cases: Array<[string, string, string, MediaTransport]> = [
    ['the IPC over RTP/UDP', IPC, '43070200001310000001', 'udp'],
    ['an NVR channel over TCP, platform listening', NVR, nvrChannel(2), 'tcp-passive'],
    ['an NVR channel over TCP, platform connecting', NVR, nvrChannel(3), 'tcp-active'],
  ];
  for (const [name, deviceId, channelId, transport] of cases)
    it(`INVITE plays ${name}: decodable H.264 arrives, BYE stops it`, async () => {
      const got: VideoAccessUnit[] = [];
      const ssrc = server.newSsrc();
      const closedWhy: string[] = [];
      const rx = await openMediaReceiver({
        transport,
        host: '127.0.0.1',
        ssrc: Number(ssrc),
        onAccessUnit: (au) => got.push(au),
        noMediaTimeoutMs: 3000,
        onClose: (why) => closedWhy.push(why),
      });
      const sim = deviceId === IPC ? ipc : nvr;
      const dialog = await server.invite(deviceId, channelId, { address: '127.0.0.1', port: rx.port, transport, ssrc });
      assert.equal(dialog.answer.ssrc, ssrc);
      assert.equal(dialog.answer.direction, 'sendonly');
      if (transport === 'tcp-active') await rx.connect(dialog.answer.address, dialog.answer.port);
      await waitFor(() => got.filter((a) => a.keyframe).length >= 2 && got.length >= 40, {
        timeoutMs: 15_000,
        what: 'two keyframes of H.264',
      });
      assert.deepEqual(sim.playing(), [channelId]);
      const closedWhilePlaying = [...closedWhy];
      await dialog.bye();
      await waitFor(() => sim.playing().length === 0);
      const stats = rx.stats();
      await rx.close();
      assert.deepEqual(closedWhilePlaying, [], 'media kept flowing: the no-media watchdog never fired');
      assert.equal(stats.rtp.wrongSsrc, 0);
      assert.equal(stats.ps.malformed, 0);
      const fromKey = got.slice(got.findIndex((a) => a.keyframe));
      assert.ok(fromKey.every((a) => a.codec === 'h264'));
      const decoded = frameMd5s(Buffer.concat(fromKey.map((a) => joinAnnexB(a.nals))), 'h264');
      assert.equal(decoded.errors, '');
      assert.equal(decoded.md5s.length, fromKey.length);
      assert.equal(new Set(decoded.md5s).size, decoded.md5s.length, 'testsrc2 moves: every picture differs');
    });

  it('the command-line simulator (sim/gb28181/run.ts) registers an NVR, logs PTZ, and leaves when stdin closes', async () => {
    const id = '43070200001110000009';
    const args = [
      'tsx',
      'sim/gb28181/run.ts',
      '--server',
      `127.0.0.1:${server.endpoint.udpPort}`,
      '--server-id',
      SERVER_ID,
    ];
    args.push('--id', id, '--channels', '3', '--password', 'ipc-pass');
    const child = spawn('npx', args, { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const ready = await waitFor(() => /^READY (.*)$/m.exec(out)?.[1], { timeoutMs: 20_000, what: 'READY' });
    const { channels } = JSON.parse(ready) as { channels: string[] };
    assert.deepEqual((await server.queryCatalog(id)).map((i) => i.deviceId).sort(), channels);
    await server.ptz(id, channels[1]!, { kind: 'stop' });
    await waitFor(() => out.includes('PTZ '));
    const exited = new Promise((res) => child.once('exit', res));
    child.stdin.end();
    assert.equal(await exited, 0);
  });

  it('an INVITE for a channel the device does not have is answered 404 (SipStatusError)', async () => {
    await assert.rejects(
      server.invite(IPC, '43070200001310000099', { address: '127.0.0.1', port: 9, transport: 'udp' }),
      { name: 'SipStatusError', status: 404 },
    );
  });
});
