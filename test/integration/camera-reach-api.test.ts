// Where the gateway may connect, through the API: registration, import, update, play, snapshot and health.
import assert from 'node:assert/strict';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { startTestGateway, TEST_DATABASE_URL, type TestGateway } from '../helpers/gateway';

describe('API: camera addresses stay inside their network', function () {
  this.timeout(90000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let sims: SimCameras;
  let admin: string;
  let operator: string;
  let networkId: number;
  const dbPort = Number(new URL(TEST_DATABASE_URL).port || 5432);

  before(async () => {
    rtsp = await RtspProcess.start({ count: 1, codec: 'h264' });
    // ONVIF cameras: 0 normal; 1 serves its stream from another host of the network; 2 from outside it
    sims = await startSimCameras({
      count: 3,
      codec: 'h264',
      username: 'admin',
      password: 'cam-pass',
      rtsp: false,
      rtspPort: rtsp.port,
      vendorMix: ['hikvision'],
      perCamera: (i) => {
        if (i === 1) return { hostile: { streamUri: `rtsp://127.0.0.2:${rtsp.port}/cam/0/main` } };
        return i === 2 ? { hostile: { streamUri: 'rtsp://10.1.1.1/live' } } : {};
      },
    });
    t = await startTestGateway({
      security: { cameraAddressExceptions: [] },
      health: { enabled: true, intervalS: 1, jitter: 0, timeoutMs: 2000 },
    });
    await t.addUser('radm', 'admin', 'police');
    await t.addUser('rop', 'operator', 'police');
    admin = await t.login('radm');
    operator = await t.login('rop');
    const lan = { name: 'police-lan', cidrs: ['127.0.0.0/8'], username: 'admin', password: 'cam-pass' };
    const net = await t.api('POST', '/api/v1/networks', { token: admin, body: lan });
    assert.equal(net.status, 201, net.text);
    networkId = net.body.id;
  });
  after(async () => {
    await t?.close();
    await sims?.close();
    await rtsp?.close();
  });

  const cameraCount = async (): Promise<number> =>
    Number((await t.gw.db.knex('cameras').count<Array<{ n: string }>>('* as n'))[0]!.n);
  const register = (i: number, name: string) =>
    t.api('POST', '/api/v1/discovery/devices/register', {
      token: admin,
      body: { xaddr: sims.cameras[i]!.xaddr, networkId, name, lng: 111.7, lat: 29.03 },
    });
  const body = (over: Record<string, unknown>) => ({
    name: 'c',
    networkId,
    mainUri: rtsp.url(0, 'main'),
    lng: 111.69,
    lat: 29.03,
    ...over,
  });

  it('registering cameras is an admin action: an operator gets 403 for create, import and ONVIF registration', async () => {
    assert.equal((await t.api('POST', '/api/v1/cameras', { token: operator, body: body({}) })).status, 403);
    const csv = `name,main_uri,lng,lat\nx,${rtsp.url(0, 'main')},111.69,29.03\n`;
    assert.equal(
      (await t.api('POST', '/api/v1/cameras/import', { token: operator, raw: csv, type: 'text/csv' })).status,
      403,
    );
    const device = { xaddr: sims.cameras[0]!.xaddr, networkId, name: 'x', lng: 111.7, lat: 29.03 };
    assert.equal(
      (await t.api('POST', '/api/v1/discovery/devices/register', { token: operator, body: device })).status,
      403,
    );
    assert.equal(await cameraCount(), 0);
  });

  const refused: Array<[string, () => Record<string, unknown>, string, RegExp]> = [
    [
      'a stream outside the network',
      () => ({ mainUri: 'rtsp://10.9.9.9/live' }),
      'body.mainUri',
      /10\.9\.9\.9 lies outside the CIDRs of network police-lan \(127\.0\.0\.0\/8\)/,
    ],
    [
      'the database port',
      () => ({ mainUri: `rtsp://127.0.0.1:${dbPort}/x` }),
      'body.mainUri',
      new RegExp(`127\\.0\\.0\\.1:${dbPort} is the gateway's own database port`),
    ],
    [
      "the gateway's own HTTP port",
      () => ({ subUri: `rtsp://127.0.0.1:${t.gw.port}/x` }),
      'body.subUri',
      /own HTTP port/,
    ],
    [
      'a snapshot URL on the database port',
      () => ({ snapshotUri: `http://127.0.0.2:${dbPort}/` }),
      'body.snapshotUri',
      /own database port/,
    ],
    [
      'an ONVIF address outside the network',
      () => ({ source: 'onvif', xaddr: 'http://169.254.169.254/onvif/device_service' }),
      'body.xaddr',
      /outside/,
    ],
    [
      'an upper-case scheme',
      () => ({ mainUri: `RTSP://127.0.0.1:${rtsp.port}/cam/0/main` }),
      'body.mainUri',
      /lower case/,
    ],
    [
      'a command substitution',
      () => ({ mainUri: `rtsp://127.0.0.1:${rtsp.port}/$(id)` }),
      'body.mainUri',
      /shell metacharacter/,
    ],
    [
      'a backslash',
      () => ({ mainUri: `rtsp://127.0.0.1:${rtsp.port}\\cam\\0` }),
      'body.mainUri',
      /shell metacharacter/,
    ],
  ];
  for (const [name, over, path, re] of refused) {
    it(`registration refuses ${name} (400 naming ${path}), nothing stored`, async () => {
      const r = await t.api('POST', '/api/v1/cameras', { token: admin, body: body(over()) });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.errors[0].path, path);
      assert.match(r.body.errors[0].message, re);
      assert.equal(await cameraCount(), 0);
    });
  }

  it('import: refused addresses are named by line and nothing is imported', async () => {
    const csv = [
      'name,network,main_uri,lng,lat',
      `ok,police-lan,${rtsp.url(0, 'main')},111.69,29.03`,
      `db,police-lan,rtsp://127.0.0.1:${dbPort}/x,111.69,29.03`,
      'far,police-lan,rtsp://10.1.1.1/x,111.69,29.03',
      '',
    ].join('\n');
    const r = await t.api('POST', '/api/v1/cameras/import', { token: admin, raw: csv, type: 'text/csv' });
    assert.equal(r.status, 400, r.text);
    assert.deepEqual(
      r.body.errors.map((e: { path: string }) => e.path),
      ['line 3: mainUri', 'line 4: mainUri'],
    );
    assert.equal(await cameraCount(), 0);
  });

  let camId = '';
  it('a camera inside the network registers and plays; an update to the database port is refused, one to another host of the network is not', async () => {
    const r = await t.api('POST', '/api/v1/cameras', { token: admin, body: body({ name: 'inside' }) });
    assert.equal(r.status, 201, r.text);
    camId = r.body.id;
    const s = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: admin, body: { profile: 'main' } });
    assert.equal(s.status, 201, s.text);
    const bad = await t.api('PATCH', `/api/v1/cameras/${camId}`, {
      token: admin,
      body: { subUri: `rtsp://127.0.0.1:${dbPort}/x` },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.errors[0].path, 'body.subUri');
    const other = await t.api('PATCH', `/api/v1/cameras/${camId}`, {
      token: admin,
      body: { subUri: `rtsp://127.0.0.2:${rtsp.port}/cam/0/sub` },
    });
    assert.equal(other.status, 200, other.text);
  });

  it('ONVIF: a stream served by another host of the network is accepted, one outside the network is refused', async () => {
    const nvr = await register(1, 'behind an NVR');
    assert.equal(nvr.status, 201, nvr.text);
    assert.equal(nvr.body.mainUri, `rtsp://127.0.0.2:${rtsp.port}/cam/0/main`);
    // later the device reports the database port as its stream: a re-sync refuses it and keeps the old URI
    sims.cameras[1]!.camera.opts.hostile = { streamUri: `rtsp://127.0.0.1:${dbPort}/x` };
    const resync = await t.api('POST', `/api/v1/cameras/${nvr.body.id}/resync`, { token: admin });
    assert.equal(resync.status, 400, resync.text);
    assert.equal(resync.body.errors[0].path, 'device: mainUri');
    assert.equal(
      (await t.api('GET', `/api/v1/cameras/${nvr.body.id}`, { token: admin })).body.mainUri,
      `rtsp://127.0.0.2:${rtsp.port}/cam/0/main`,
    );
    const far = await register(2, 'far');
    assert.equal(far.status, 400, far.text);
    assert.match(far.body.detail, /10\.1\.1\.1/);
  });

  it('when the network shrinks: play and snapshot are refused (403, audited) and health stops contacting the camera', async () => {
    const reg = await register(0, 'onvif');
    assert.equal(reg.status, 201, reg.text);
    const sim = sims.cameras[0]!.camera;
    for (let i = 0; i < 50 && sim.requests < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(sim.requests >= 2, 'the health checker reaches the camera while it is inside its network');
    await t.gw.db
      .knex('networks')
      .where({ id: networkId })
      .update({ cidrs: ['10.0.0.0/8'] });
    const s = await t.api('POST', `/api/v1/cameras/${camId}/streams`, { token: admin, body: { profile: 'main' } });
    assert.equal(s.status, 403, s.text);
    assert.match(s.body.detail, /lies outside the CIDRs of network police-lan \(10\.0\.0\.0\/8\)/);
    const row = await t.gw.db
      .knex('audit_log')
      .where({ action: 'stream.open', outcome: 'denied', target_id: camId })
      .first();
    assert.equal(row?.detail.refusedBy, 'address');
    assert.equal((await t.api('GET', `/api/v1/cameras/${reg.body.id}/snapshot`, { token: admin })).status, 403);
    await new Promise((r) => setTimeout(r, 1500)); // a check already under way may finish
    const before = sim.requests;
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(sim.requests, before, 'no SOAP request after the network shrank');
    const cam = await t.api('GET', `/api/v1/cameras/${reg.body.id}`, { token: admin });
    assert.equal(cam.body.status, 'offline');
    assert.match(cam.body.statusReason, /not contacted: (mainUri|xaddr) 127\.0\.0\.1 lies outside/);
  });
});
