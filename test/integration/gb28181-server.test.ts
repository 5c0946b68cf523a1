// The GB/T 28181 server over real loopback sockets: digest REGISTER, expiry, keepalive misses, queries, retransmission, floods and hostile input.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import net from 'node:net';
import {
  Gb28181Server,
  buildKeepalive,
  buildSdp,
  openMediaReceiver,
  buildRequest,
  header,
  parseSip,
  type GbDevice,
  type GbServerOptions,
  type SipRequest,
} from '../../gateway/gb28181/index';
import { SimGbDevice, type SimGbDeviceOptions } from '../../sim/gb28181/device';
import { RawGbDevice } from '../helpers/gb-raw-device';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '34020000002000000001';
const REALM = '3402000000';
const ipc = (n: number): string => `340200000013200${String(n).padStart(5, '0')}`;

describe('gb28181 server over loopback', function () {
  this.timeout(30_000);
  let server: Gb28181Server;
  const sims: SimGbDevice[] = [];
  const raws: RawGbDevice[] = [];
  const dropped: string[] = [];

  async function start(opts: Partial<GbServerOptions> = {}): Promise<void> {
    server = new Gb28181Server({
      id: SERVER_ID,
      realm: REALM,
      host: '127.0.0.1',
      udpPort: 0,
      tcpPort: 0,
      password: 'secret',
      sweepMs: 50,
      t1Ms: 100,
      ...opts,
    });
    server.on('dropped', (d: { reason: string }) => dropped.push(d.reason));
    await server.start();
  }

  async function sim(opts: Partial<SimGbDeviceOptions> & { id: string }): Promise<SimGbDevice> {
    const tcp = opts.transport === 'tcp';
    const d = new SimGbDevice({
      channels: [{ id: opts.id.replace(/132(\d{5})$/, '131$1'), name: '路口 1' }],
      server: {
        host: '127.0.0.1',
        port: tcp ? server.endpoint.tcpPort : server.endpoint.udpPort,
        id: SERVER_ID,
        realm: REALM,
      },
      password: 'secret',
      ...opts,
    });
    sims.push(d);
    await d.start();
    return d;
  }

  async function raw(id: string, bind = '127.0.0.1'): Promise<RawGbDevice> {
    const r = new RawGbDevice(id, { port: server.endpoint.udpPort, id: SERVER_ID, realm: REALM }, bind);
    raws.push(r);
    await r.bind();
    return r;
  }

  afterEach(async () => {
    await Promise.all(sims.splice(0).map((s) => s.close()));
    for (const r of raws.splice(0)) r.close();
    await server?.close();
    dropped.length = 0;
  });

  it('REGISTER over UDP: 401 with a challenge, then 200 with Date and Expires; the device is listed with its address', async () => {
    await start();
    const r = await raw(ipc(1));
    const res = await r.register('secret', 600);
    assert.equal(res.status, 200);
    assert.match(header(res, 'Date') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
    assert.equal(header(res, 'Expires'), '600');
    assert.match(
      header(r.got[0]!, 'WWW-Authenticate') ?? '',
      /^Digest realm="3402000000", nonce="[0-9a-f]{44}", qop="auth", algorithm=MD5$/,
    );
    const dev = server.device(ipc(1));
    assert.deepEqual([dev?.peer.transport, dev?.peer.port, dev?.online], ['udp', r.port, true]);
  });

  it('a wrong password and an unknown device (per-device passwords) get 403 and an auth-failed event', async () => {
    await start({ password: (id) => (id === ipc(1) ? 'one' : undefined) });
    const failed: string[] = [];
    server.on('auth-failed', (f: { deviceId: string; verdict: string }) => failed.push(`${f.deviceId}:${f.verdict}`));
    assert.equal((await (await raw(ipc(1))).register('wrong')).status, 403);
    assert.equal((await (await raw(ipc(2))).register('one')).status, 403);
    assert.equal((await (await raw(ipc(1))).register('one')).status, 200);
    assert.deepEqual(failed, [`${ipc(1)}:bad-response`, `${ipc(2)}:unknown-device`]);
    assert.deepEqual(
      server.devices().map((d) => d.id),
      [ipc(1)],
    );
  });

  it('a device id that is not 20 digits is refused with 400', async () => {
    await start();
    assert.equal((await (await raw('34020000001320000001x')).register('secret')).status, 400);
  });

  it('unregister (Expires: 0) and expiry both remove the device, with their reason', async () => {
    await start();
    const gone: string[] = [];
    server.on('unregistered', (d: GbDevice, why: string) => gone.push(`${d.id}:${why}`));
    const a = await sim({ id: ipc(1) });
    await sim({ id: ipc(2), expiresS: 1 });
    assert.equal((await a.register(0)).status, 200);
    await waitFor(() => gone.length === 2, { timeoutMs: 3000 });
    assert.deepEqual(gone.sort(), [`${ipc(1)}:unregister`, `${ipc(2)}:expired`]);
    assert.equal(server.devices().length, 0);
  });

  it('a device that stops keepalives goes offline after the configured misses, and online with its next keepalive', async () => {
    await start({ keepaliveIntervalS: 0.4, keepaliveMisses: 3 });
    const events: string[] = [];
    server.on('offline', (d: GbDevice) => events.push(`offline:${d.id}`));
    server.on('online', (d: GbDevice) => events.push(`online:${d.id}`));
    const quiet = await sim({ id: ipc(1), keepaliveS: 0.4 });
    await sim({ id: ipc(2), keepaliveS: 0.4 });
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(events, [], 'none offline while keeping alive');
    quiet.stopKeepalives();
    const stoppedAt = Date.now();
    await waitFor(() => events.length === 1, { timeoutMs: 4000 });
    assert.ok(Date.now() - stoppedAt >= 800, 'not before the misses');
    assert.deepEqual(events, [`offline:${ipc(1)}`]);
    await quiet.sendKeepalive();
    assert.deepEqual(events, [`offline:${ipc(1)}`, `online:${ipc(1)}`]);
    assert.equal(server.device(ipc(2))?.online, true);
  });

  it('a device that re-registers from a new address is followed there (moved)', async () => {
    await start();
    const moves: boolean[] = [];
    server.on('registered', (_d: GbDevice, how: { moved: boolean }) => moves.push(how.moved));
    const a = await raw(ipc(1));
    await a.register('secret');
    const b = await raw(ipc(1), '127.0.0.2');
    await b.register('secret');
    assert.deepEqual(moves, [false, true]);
    assert.deepEqual([server.device(ipc(1))?.peer.address, server.device(ipc(1))?.peer.port], ['127.0.0.2', b.port]);
  });

  for (const transport of ['udp', 'tcp'] as const)
    it(`over ${transport}: a paged Catalog of an NVR, DeviceInfo, DeviceStatus, RecordInfo and PTZ`, async () => {
      await start();
      const channels = Array.from({ length: 10 }, (_, i) => ({
        id: `340200000013100000${String(i + 1).padStart(2, '0')}`,
        name: `通道${i + 1}`,
        longitude: 111.7 + i / 100,
        latitude: 29.03,
        ptzType: 1,
      }));
      // two recordings of channel 1 at 01:00 and 02:00 of 2026-12-06, the NVR's clock at UTC+8
      const recordings = [1, 2].map((h) => ({
        channelId: channels[0]!.id,
        startMs: Date.parse(`2026-12-06T0${h}:00:00+08:00`),
        endMs: Date.parse(`2026-12-06T0${h}:10:00+08:00`),
      }));
      const nvr = await sim({
        id: '34020000001110000001',
        transport,
        channels,
        catalogPageSize: 3,
        model: 'SIM-NVR',
        recordings,
        recordPageSize: 1,
      });
      await waitFor(() => server.device('34020000001110000001'));
      assert.equal(server.device('34020000001110000001')?.peer.transport, transport);
      const items = await server.queryCatalog('34020000001110000001');
      assert.deepEqual(
        items.map((i) => [i.deviceId, i.name, i.longitude, i.ptzType]).sort(),
        channels.map((c) => [c.id, c.name, c.longitude, 1]),
      );
      const info = await server.queryDeviceInfo('34020000001110000001');
      assert.deepEqual([info.model, info.channels], ['SIM-NVR', 10]);
      assert.equal((await server.queryDeviceStatus('34020000001110000001')).online, 'ONLINE');
      const recs = await server.queryRecordInfo(
        '34020000001110000001',
        channels[0]!.id,
        '2026-12-06T00:00:00',
        '2026-12-06T23:59:59',
      );
      assert.deepEqual(
        recs.map((r) => r.startTime),
        ['2026-12-06T01:00:00', '2026-12-06T02:00:00'],
      );
      await server.ptz('34020000001110000001', channels[2]!.id, {
        kind: 'move',
        pan: 1,
        tilt: 0,
        zoom: 0,
        panSpeed: 100,
        tiltSpeed: 0,
        zoomSpeed: 0,
      });
      await waitFor(() => nvr.ptzLog.length === 1);
      assert.deepEqual(nvr.ptzLog[0], {
        channelId: channels[2]!.id,
        command: { kind: 'move', pan: 1, tilt: 0, zoom: 0, panSpeed: 100, tiltSpeed: 0, zoomSpeed: 0 },
      });
    });

  it('UDP retransmission: an unanswered MESSAGE is sent again at T1, 2·T1, 4·T1…, and stops once answered', async () => {
    await start({ t1Ms: 100, queryTimeoutMs: 5000 });
    const r = await raw(ipc(1));
    await r.register('secret');
    r.got.length = 0;
    r.gotAt.length = 0;
    const query = server.queryDeviceInfo(ipc(1));
    await waitFor(() => r.got.length === 4, { what: 'the MESSAGE and 3 retransmissions' });
    const copies = r.got.filter((m) => m.kind === 'request' && m.method === 'MESSAGE');
    assert.equal(copies.length, 4);
    assert.equal(new Set(copies.map((m) => header(m, 'Via'))).size, 1, 'the same transaction');
    const gaps = r.gotAt.slice(1).map((t, i) => t - r.gotAt[i]!);
    gaps.forEach((g, i) => assert.ok(g >= 90 * 2 ** i, `gap ${i} of ${g} ms, T1·2^i is ${100 * 2 ** i}`));
    const msg = copies[0] as SipRequest;
    r.reply(msg, 200, 'OK');
    await new Promise((res) => setTimeout(res, 1000));
    assert.equal(r.got.length, 4, 'no more retransmissions after the 200 (the next was due 800 ms after the last)');
    const sn = /<SN>(\d+)<\/SN>/.exec(msg.body.toString())?.[1];
    const body = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?><Response><CmdType>DeviceInfo</CmdType><SN>${sn}</SN><DeviceID>${ipc(1)}</DeviceID><Model>RAW</Model></Response>`,
    );
    r.send(
      buildRequest({
        method: 'MESSAGE',
        uri: `sip:${SERVER_ID}@${REALM}`,
        from: `<sip:${ipc(1)}@${REALM}>;tag=x`,
        to: `<sip:${SERVER_ID}@${REALM}>`,
        callId: 'c1',
        cseq: 1,
        body,
      }),
    );
    assert.equal((await query).model, 'RAW');
  });

  it('a query the device never answers fails with SipTimeoutError (Timer F), not a stuck promise', async () => {
    await start({ t1Ms: 20 });
    const r = await raw(ipc(1));
    await r.register('secret');
    await assert.rejects(server.queryDeviceStatus(ipc(1)), { name: 'SipTimeoutError' });
    await assert.rejects(server.queryCatalog(ipc(9)), { name: 'GbDeviceError' });
  });

  it('INVITE: a 2xx whose SDP is unusable is ACKed and BYEd, and the INVITE fails with GbMediaError; a 486 fails with SipStatusError', async () => {
    await start();
    const r = await raw(ipc(1));
    await r.register('secret');
    r.got.length = 0;
    const inviting = server.invite(ipc(1), ipc(1), { address: '127.0.0.1', port: 30000, transport: 'udp' });
    const inv = (await waitFor(() => r.got.find((m) => m.kind === 'request' && m.method === 'INVITE'))) as SipRequest;
    assert.match(header(inv, 'Subject') ?? '', new RegExp(`^${ipc(1)}:0\\d{9},${SERVER_ID}:0$`));
    assert.match(inv.body.toString(), /^y=0\d{9}\r$/m);
    r.reply(inv, 200, 'OK', [{ name: 'Content-Type', value: 'APPLICATION/SDP' }], Buffer.from('v=0\r\ns=Play\r\n'));
    const bye = (await waitFor(() => r.got.find((m) => m.kind === 'request' && m.method === 'BYE'))) as SipRequest;
    assert.ok(r.got.some((m) => m.kind === 'request' && m.method === 'ACK'));
    r.reply(bye, 200, 'OK');
    await assert.rejects(inviting, { name: 'GbMediaError' });
    const busy = server.invite(ipc(1), ipc(1), { address: '127.0.0.1', port: 30000, transport: 'udp' });
    const inv2 = (await waitFor(() =>
      r.got.find((m) => m.kind === 'request' && m.method === 'INVITE' && m !== inv),
    )) as SipRequest;
    r.reply(inv2, 486, 'Busy Here');
    await assert.rejects(busy, { name: 'SipStatusError', status: 486 });
    await waitFor(() => r.got.filter((m) => m.kind === 'request' && m.method === 'ACK').length === 2, {
      what: 'the ACK of the 486',
    });
  });

  it('INVITE answered but no media: the receiver reports it within its timeout and releases its port; BYE ends the session', async () => {
    await start();
    const r = await raw(ipc(1));
    await r.register('secret');
    r.got.length = 0;
    let why = '';
    const rx = await openMediaReceiver({
      transport: 'udp',
      host: '127.0.0.1',
      noMediaTimeoutMs: 400,
      onAccessUnit: () => undefined,
      onClose: (w) => (why = w),
    });
    const openedAt = Date.now();
    const playing = server.invite(ipc(1), ipc(1), { address: '127.0.0.1', port: rx.port, transport: 'udp' });
    const inv = (await waitFor(() => r.got.find((m) => m.kind === 'request' && m.method === 'INVITE'))) as SipRequest;
    const answer = buildSdp({
      origin: ipc(1),
      address: '127.0.0.1',
      port: 9,
      transport: 'udp',
      ssrc: '0100000001',
      direction: 'sendonly',
    });
    r.reply(inv, 200, 'OK', [{ name: 'Content-Type', value: 'APPLICATION/SDP' }], Buffer.from(answer));
    const dialog = await playing;
    await waitFor(() => why, { timeoutMs: 2000 });
    assert.match(why, /no media for 400 ms/);
    assert.ok(Date.now() - openedAt >= 390);
    const again = dgram.createSocket('udp4');
    await new Promise<void>((res) => again.bind(rx.port, '127.0.0.1', () => res())); // the port is free again
    again.close();
    const byeSent = dialog.bye();
    const bye = (await waitFor(() => r.got.find((m) => m.kind === 'request' && m.method === 'BYE'))) as SipRequest;
    r.reply(bye, 200, 'OK');
    await byeSent;
    assert.equal(dialog.ended, true);
  });

  it('a retransmitted REGISTER gets the same response again from the transaction, not a second registration', async () => {
    await start();
    const r = await raw(ipc(1));
    const req = r.registerRequest(1, 'same-call', 3600);
    const bytes = r.send(req, 'z9hG4bKsame');
    await r.response('1 REGISTER');
    r.sendRaw(bytes);
    await waitFor(() => r.got.length === 2);
    assert.equal(header(r.got[0]!, 'To'), header(r.got[1]!, 'To'));
    assert.equal(header(r.got[0]!, 'WWW-Authenticate'), header(r.got[1]!, 'WWW-Authenticate'));
  });

  it('a REGISTER flood from one address is dropped past its burst; a device elsewhere still registers', async () => {
    await start({ registerRate: { ratePerSecond: 5, burst: 20 } });
    const flood = await raw(ipc(1));
    const other = await raw(ipc(2), '127.0.0.3');
    let i = 0;
    // 300 in 300 ms (1,000/s against 5/s allowed), in bursts the kernel's receive buffer holds
    const sending = (async () => {
      while (i < 300) {
        for (let k = 0; k < 30; k++, i++) flood.send(flood.registerRequest(i + 1, `flood-${i}`, 3600));
        await new Promise((res) => setTimeout(res, 30));
      }
    })();
    assert.equal((await other.register('secret')).status, 200);
    await sending;
    await new Promise((res) => setTimeout(res, 300));
    assert.ok(flood.got.length >= 20 && flood.got.length <= 30, `${flood.got.length} answers to 300 REGISTERs`);
    assert.ok(dropped.filter((d) => /REGISTER flood/.test(d)).length >= 270);
  });

  it('malformed, oversized and hostile datagrams are dropped with a reason; the server keeps answering', async () => {
    await start();
    const r = await raw(ipc(1));
    const hostile = [
      Buffer.from('garbage'),
      Buffer.alloc(60_000, 0x41),
      Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\n${'X: y\r\n'.repeat(200)}\r\n`),
      Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 10\r\n\r\n'),
      Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP x;branch=z9hG4bK1\r\n\r\n'),
      Buffer.from(
        'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP x;branch=z9hG4bKnone\r\nFrom: <sip:a@b>\r\nTo: <sip:a@b>\r\nCall-ID: 1\r\nCSeq: 1 MESSAGE\r\n\r\n',
      ),
    ];
    for (const h of hostile) r.sendRaw(h);
    await waitFor(() => dropped.length >= hostile.length, { timeoutMs: 3000 });
    assert.equal((await r.register('secret')).status, 200);
  });

  it('MESSAGE from an unregistered id gets 403; XML with entities or bytes invalid in its charset gets 400', async () => {
    await start();
    const r = await raw(ipc(1));
    const msg = (cseq: number, from: string, body: Buffer): void =>
      void r.send(
        buildRequest({
          method: 'MESSAGE',
          uri: `sip:${SERVER_ID}@${REALM}`,
          from: `<sip:${from}@${REALM}>;tag=t`,
          to: `<sip:${SERVER_ID}@${REALM}>`,
          callId: `m${cseq}`,
          cseq,
          body,
        }),
      );
    msg(11, ipc(7), buildKeepalive(1, ipc(7)));
    assert.equal((await r.response('11 MESSAGE')).status, 403);
    await r.register('secret');
    msg(
      12,
      ipc(1),
      Buffer.from(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Notify><CmdType>&e;</CmdType></Notify>',
      ),
    );
    msg(
      13,
      ipc(1),
      Buffer.concat([
        Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Notify><CmdType>Keepalive</CmdType><Status>'),
        Buffer.from([0xd5, 0xfd, 0xb3]),
        Buffer.from('</Status></Notify>'),
      ]),
    );
    msg(14, ipc(1), buildKeepalive(2, ipc(1)));
    assert.equal((await r.response('12 MESSAGE')).status, 400);
    assert.equal((await r.response('13 MESSAGE')).status, 400);
    assert.equal((await r.response('14 MESSAGE')).status, 200);
    assert.ok(dropped.some((d) => /DOCTYPE/.test(d)) && dropped.some((d) => /invalid in utf-8/.test(d)));
  });

  it('TCP: a connection sending an unframeable header section is closed; others are unaffected', async () => {
    await start();
    const bad = net.connect({ host: '127.0.0.1', port: server.endpoint.tcpPort });
    await once(bad, 'connect');
    bad.on('error', () => undefined);
    const closed = new Promise((res) => bad.once('close', res));
    bad.write(Buffer.alloc(70_000, 0x41));
    await closed;
    await sim({ id: ipc(1), transport: 'tcp' });
    assert.equal(server.device(ipc(1))?.peer.transport, 'tcp');
  });

  it('a device registered over TCP is offline as soon as its connection ends, online again when it re-registers', async () => {
    await start();
    const events: string[] = [];
    server.on('offline', (d: GbDevice) => events.push(`offline:${d.id}`));
    server.on('online', (d: GbDevice) => events.push(`online:${d.id}`));
    const d = await sim({ id: ipc(1), transport: 'tcp' });
    server.device(ipc(1))?.peer.socket?.destroy();
    await waitFor(() => events.length === 1);
    await d.close();
    await sim({ id: ipc(1), transport: 'tcp' });
    assert.deepEqual(events, [`offline:${ipc(1)}`, `online:${ipc(1)}`]);
    assert.equal(server.device(ipc(1))?.online, true);
  });

  it('the device table is bounded: past maxDevices a new device gets 503', async () => {
    await start({ maxDevices: 2 });
    for (const n of [1, 2]) assert.equal((await (await raw(ipc(n))).register('secret')).status, 200);
    assert.equal((await (await raw(ipc(3))).register('secret')).status, 503);
    assert.equal((await (await raw(ipc(1))).register('secret')).status, 200, 'a known one still renews');
  });

  it('1,000 simulated devices registering at once, each from its own address: all registered, none refused', async function () {
    this.timeout(60_000);
    await start({ t1Ms: 500 });
    const refused: string[] = [];
    server.on('auth-failed', (f: { deviceId: string }) => refused.push(f.deviceId));
    const devices = Array.from({ length: 1000 }, (_, i) => {
      const d = new SimGbDevice({
        id: ipc(10_000 + i),
        host: `127.1.${i >> 7}.${(i & 127) + 1}`,
        channels: [],
        server: { host: '127.0.0.1', port: server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
        password: 'secret',
      });
      sims.push(d);
      return d;
    });
    await Promise.all(devices.map((d) => d.start()));
    assert.equal(server.devices().length, 1000);
    assert.deepEqual(refused, []);
    assert.deepEqual(
      dropped.filter((d) => /flood/.test(d)),
      [],
    );
  });

  it('closing the server releases its ports', async () => {
    await start();
    const { udpPort, tcpPort } = server.endpoint;
    await server.close();
    const probe = net.createServer();
    await new Promise<void>((res) => probe.listen(tcpPort, '127.0.0.1', () => res()));
    probe.close();
    assert.ok(udpPort > 0);
    assert.equal(parseSip(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n\r\n')).kind, 'request');
  });
});
