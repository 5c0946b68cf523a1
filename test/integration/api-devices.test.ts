// Device layer through the API: scan a network, register ONVIF devices, re-sync, PTZ, health over socket.io.
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { waitFor } from '../helpers/wait-for';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: discovery, registration, health', function () {
  this.timeout(120000);
  let t: TestGateway;
  let sims: SimCameras;
  let admin: string;
  let operator: string;
  let viewer: string;
  let networkId: number;
  const registered: Array<{ id: string; index: number }> = [];
  const HOSTILE = 50;

  before(async () => {
    sims = await startSimCameras({
      count: 51,
      codec: 'h264,h265',
      username: 'admin',
      password: 'cam-pass',
      vendorMix: ['hikvision', 'dahua', 'axis'],
      perCamera: (i) => (i === HOSTILE ? { hostile: { streamUri: 'file:///etc/passwd' } } : {}),
    });
    t = await startTestGateway({
      health: { enabled: true, intervalS: 1, jitter: 0, timeoutMs: 3000 },
      discovery: { requestTimeoutMs: 2000 },
    });
    await t.addUser('dadmin', 'admin', 'urban');
    await t.addUser('dop', 'operator', 'urban');
    await t.addUser('dview', 'viewer', 'urban');
    admin = await t.login('dadmin');
    operator = await t.login('dop');
    viewer = await t.login('dview');
    const net = await t.api('POST', '/api/v1/networks', {
      token: admin,
      body: {
        name: 'urban-lan',
        hosts: sims.cameras.map((c) => `${c.host}:${c.port}`),
        username: 'admin',
        password: 'cam-pass',
      },
    });
    assert.equal(net.status, 201, net.text);
    networkId = net.body.id;
  });
  after(async () => {
    await t?.close();
    await sims?.close();
  });

  it('a scan sweeps the network, reports progress over socket.io, and lists the devices found', async () => {
    const socket: Socket = io(t.base, { path: '/socket.io', auth: { token: operator }, transports: ['websocket'] });
    const progress: Array<{ probed: number; total: number; found: number; done: boolean }> = [];
    socket.on('scan:progress', (m) => progress.push(m));
    await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
    const s = await t.api('POST', '/api/v1/discovery/scans', { token: operator, body: { networkId } });
    assert.equal(s.status, 201, s.text);
    const again = await t.api('POST', '/api/v1/discovery/scans', { token: operator, body: { networkId } });
    assert.equal(again.status, 409, 'one scan per network at a time');
    const done = await t.gw.services.devices.waitScan(s.body.id);
    assert.equal(done.state, 'done');
    assert.equal(done.found, 51);
    // the last progress event may still be on its way over the socket
    await waitFor(() => progress[progress.length - 1]?.done, {
      what: 'the final scan:progress event',
      timeoutMs: 2000,
    }).catch(() => undefined);
    socket.close();
    assert.ok(progress.length >= 2, 'progress events arrived');
    assert.equal(progress[progress.length - 1]!.done, true);
    assert.equal(progress[progress.length - 1]!.found, 51);
    assert.ok(progress.some((p) => !p.done && p.probed > 0 && p.probed <= p.total));
    const found = await t.api('GET', '/api/v1/discovery/devices', { token: operator });
    assert.deepEqual(found.body.map((d: { xaddr: string }) => d.xaddr).sort(), sims.cameras.map((c) => c.xaddr).sort());
    assert.equal((await t.api('GET', '/api/v1/discovery/devices', { token: viewer })).status, 403);
  });

  it('registers 50 discovered devices in one step each, with their profiles, codecs and PTZ flags', async () => {
    for (const c of sims.cameras.filter((x) => x.index !== HOSTILE)) {
      const r = await t.api('POST', '/api/v1/discovery/devices/register', {
        token: admin,
        body: { xaddr: c.xaddr, networkId, name: `sim ${c.index}`, lng: 111.69 + c.index * 0.001, lat: 29.03 },
      });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.source, 'onvif');
      assert.equal(r.body.streams.main.codec, c.codec);
      assert.ok(r.body.streams.main.width > r.body.streams.sub.width, 'main is the larger profile');
      assert.equal(r.body.capabilities.ptz, c.ptz);
      assert.equal(r.body.mainUri, c.rtspMain);
      assert.ok(r.body.capabilities.vendor);
      assert.equal(r.body.hasCredentials, true);
      registered.push({ id: r.body.id, index: c.index });
    }
    const left = await t.api('GET', '/api/v1/discovery/devices', { token: operator });
    assert.deepEqual(
      left.body.map((d: { xaddr: string }) => d.xaddr),
      [sims.cameras[HOSTILE]!.xaddr],
    );
  });

  it('a device returning a hostile stream URI is refused with a clear error and nothing is stored', async () => {
    const before = (await t.api('GET', '/api/v1/cameras?limit=1000', { token: admin })).body.items.length;
    const r = await t.api('POST', '/api/v1/discovery/devices/register', {
      token: admin,
      body: { xaddr: sims.cameras[HOSTILE]!.xaddr, networkId, name: 'evil', lng: 111.7, lat: 29.03 },
    });
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.detail, /unacceptable URI/);
    assert.equal((await t.api('GET', '/api/v1/cameras?limit=1000', { token: admin })).body.items.length, before);
  });

  it('wrong credentials give a clear error', async () => {
    const r = await t.api('POST', '/api/v1/discovery/devices/register', {
      token: admin,
      body: {
        xaddr: sims.cameras[0]!.xaddr,
        networkId,
        name: 'x',
        lng: 111.7,
        lat: 29.03,
        username: 'admin',
        password: 'wrong',
      },
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.errors[0].path, 'body.password');
  });

  it('re-syncs a registered camera and moves a PTZ camera (audited); viewers may not', async () => {
    const first = registered[0]!;
    const rs = await t.api('POST', `/api/v1/cameras/${first.id}/resync`, { token: operator });
    assert.equal(rs.status, 200, rs.text);
    const ptzCam = registered.find((r) => sims.cameras[r.index]!.ptz)!;
    const mv = await t.api('POST', `/api/v1/cameras/${ptzCam.id}/ptz/move`, {
      token: operator,
      body: { pan: 0.5, tilt: 0 },
    });
    assert.equal(mv.status, 204, mv.text);
    assert.equal((await t.api('POST', `/api/v1/cameras/${ptzCam.id}/ptz/stop`, { token: operator })).status, 204);
    assert.equal((await t.api('POST', `/api/v1/cameras/${ptzCam.id}/ptz/stop`, { token: viewer })).status, 403);
    const audit = await t.gw.db
      .knex('audit_log')
      .whereIn('action', ['camera.ptz', 'camera.resync', 'camera.register', 'discovery.scan']);
    assert.deepEqual([...new Set(audit.map((a) => a.action))].sort(), [
      'camera.ptz',
      'camera.register',
      'camera.resync',
      'discovery.scan',
    ]);
  });

  it('health: a camera that stops goes offline and comes back online, pushed over socket.io', async () => {
    const target = registered[1]!;
    const sim = sims.cameras[target.index]!.camera;
    const socket: Socket = io(t.base, { path: '/socket.io', auth: { token: viewer }, transports: ['websocket'] });
    const seen: Array<{ id: string; status: string }> = [];
    socket.on('camera:status', (changes: Array<{ id: string; status: string }>) => seen.push(...changes));
    await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
    const waitForStatus = (status: string) =>
      waitFor(() => seen.some((c) => c.id === target.id && c.status === status), {
        what: `a '${status}' for camera ${target.id}`,
      }).catch(() => assert.fail(`no ${status} for camera ${target.id}; saw ${JSON.stringify(seen)}`));
    try {
      // it may have gone online before this socket connected: read the stored state first
      await waitFor(
        async () => (await t.api('GET', `/api/v1/cameras/${target.id}`, { token: viewer })).body.status === 'online',
        { what: `camera ${target.id} online` },
      ).catch(() => undefined);
      assert.equal((await t.api('GET', `/api/v1/cameras/${target.id}`, { token: viewer })).body.status, 'online');
      await sim.close();
      await waitForStatus('offline');
      const row = await t.gw.db.knex('cameras').where({ id: target.id }).first();
      assert.equal(row.status, 'offline');
      await sim.restart();
      seen.length = 0;
      await waitForStatus('online');
    } finally {
      socket.close();
    }
  });

  it('socket.io refuses a connection without a valid token', async () => {
    const socket = io(t.base, {
      path: '/socket.io',
      auth: { token: 'forged' },
      transports: ['websocket'],
      reconnection: false,
    });
    const err = await new Promise<Error>((res) => socket.once('connect_error', res));
    socket.close();
    assert.match(err.message, /token|rejected/);
  });
});
