// A simulated GB/T 28181 NVR registers with a real gateway: its channels become cameras (API, positions, departments),
// follow catalog changes and go offline with the device.
import assert from 'node:assert/strict';
import { SimGbDevice } from '../../sim/gb28181/device';
import { gcj02ToWgs84 } from '../../gis/index';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const NVR = '43070200001180000001';
const ch = (i: number): string => `4307020000131000${String(i).padStart(4, '0')}`;

describe('gb28181 channels in the camera registry', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let nvr: SimGbDevice;
  let token: string;
  const logs: string[] = [];

  const gbCameras = async (): Promise<any[]> => {
    const r = await t.api('GET', '/api/v1/cameras?limit=100', { token });
    assert.equal(r.status, 200, r.text);
    return (r.body.items as any[])
      .filter((c) => c.source === 'gb28181')
      .sort((a, b) => (a.gbChannelId < b.gbChannelId ? -1 : 1));
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
          password: 'domain-pass',
          devicePasswords: { [NVR]: 'nvr-pass' },
          keepaliveIntervalS: 1,
          keepaliveMisses: 2,
          coordinates: 'GCJ-02',
          defaultDepartment: 'police',
          civilCodes: { '430702': 'traffic' },
        },
      },
      { onLog: (_level, msg) => logs.push(msg) },
    );
    await t.addUser('gbadmin', 'admin', null);
    token = await t.login('gbadmin');
    const server = t.gw.services.gb!.server;
    nvr = new SimGbDevice({
      id: NVR,
      server: { host: '127.0.0.1', port: server.endpoint.tcpPort, id: SERVER_ID, realm: REALM },
      transport: 'tcp',
      password: 'nvr-pass',
      keepaliveS: 1,
      catalogPageSize: 2,
      // UTF-8 bodies: GB2312 has no bidi override, the hostile name would arrive as "?"
      charset: 'UTF-8',
      channels: [
        { id: ch(1), name: '武陵大道 球机', ptzType: 1, longitude: 111.7, latitude: 29.04, civilCode: '430702' },
        { id: ch(2), name: '人民路 枪机', ptzType: 3, longitude: 111.71, latitude: 29.05, civilCode: '430703' },
        { id: ch(3), name: '无坐标 通道', ptzType: 3, civilCode: '430702' },
        // hostile entries: refused with a log, nothing stored
        { id: ch(8), name: 'gate\u202eexe.jpg', longitude: 111.7, latitude: 29.04 },
        { id: ch(9), name: '坐标错误', longitude: 999, latitude: 29.04 },
      ],
    });
    await nvr.start();
  });

  after(async () => {
    await nvr?.close();
    await t?.close();
  });

  it('lists each channel as a camera with its position (from GCJ-02), department, PTZ and status', async () => {
    await waitFor(async () => (await gbCameras()).length === 3, {
      timeoutMs: 15_000,
      what: 'three channels as cameras',
    });
    const cams = await gbCameras();
    assert.deepEqual(
      cams.map((c) => [c.gbDeviceId, c.gbChannelId, c.name, c.status, c.capabilities.ptz]),
      [
        [NVR, ch(1), '武陵大道 球机', 'online', true],
        [NVR, ch(2), '人民路 枪机', 'online', false],
        [NVR, ch(3), '无坐标 通道', 'online', false],
      ],
    );
    const [x, y] = gcj02ToWgs84(111.7, 29.04);
    assert.ok(Math.abs(cams[0].lng - x) < 1e-9 && Math.abs(cams[0].lat - y) < 1e-9, 'stored in WGS-84');
    assert.ok(Math.abs(cams[0].lng - 111.7) > 1e-4, 'not the raw GCJ-02 value');
    assert.deepEqual(
      cams.map((c) => c.departmentId),
      [t.departments.traffic, t.departments.police, t.departments.traffic],
    );
    assert.deepEqual(cams[2].tags, ['gb28181', 'gb-no-position']);
    assert.deepEqual([cams[2].lng, cams[2].lat], t.gw.config.map.center);
    assert.ok(
      logs.some((l) => /channel 43070200001310000008: name .* forbidden characters .*refused, nothing stored/.test(l)),
    );
    assert.ok(
      logs.some((l) => /channel 43070200001310000009: position 999,29.04 is not a longitude\/latitude/.test(l)),
    );
    // a GIS query finds them as it finds any camera
    const near = await t.api('GET', `/api/v1/gis/nearby?lng=${x}&lat=${y}&radius=50&order=distance`, { token });
    assert.equal(near.status, 200, near.text);
    assert.equal(near.body.items[0]?.camera.id, cams[0].id, near.text);
    // each creation is audited, by the system
    const audit = await t.api('GET', `/api/v1/audit?action=camera.create&targetId=${cams[0].id}`, { token });
    assert.equal(audit.status, 200, audit.text);
    assert.equal(audit.body.items[0]?.actorType, 'system', audit.text);
    assert.equal(audit.body.items[0]?.detail?.gbChannelId, ch(1), audit.text);
    // an operator of the police department sees only the police channel (the access policy applies)
    await t.addUser('gbpolice', 'operator', 'police');
    const police = await t.login('gbpolice');
    const seen = await t.api('GET', '/api/v1/cameras?limit=100', { token: police });
    assert.deepEqual(
      seen.body.items.filter((c: any) => c.source === 'gb28181').map((c: any) => c.gbChannelId),
      [ch(2)],
    );
  });

  it('follows catalog changes: a channel added, one renamed, one removed, one off line', async () => {
    const items = (await gbCameras()).length;
    assert.equal(items, 3);
    // a tag given in the console (a share by tag) survives the catalog's changes
    const cam2 = (await gbCameras())[1];
    const tagged = await t.api('PATCH', `/api/v1/cameras/${cam2.id}`, { token, body: { tags: ['重点'] } });
    assert.equal(tagged.status, 200, tagged.text);
    assert.equal(tagged.body.source, 'gb28181', 'a change of tags leaves the rest as it was');
    const moved = await t.api('PATCH', `/api/v1/cameras/${cam2.id}`, {
      token,
      body: { mainUri: 'rtsp://127.0.0.1:8554/x' },
    });
    assert.equal(moved.status, 400, moved.text);
    assert.match(moved.text, /GB\/T 28181 channel's source and addresses come from its device/);
    const base = { manufacturer: 'CloudEye', parentId: NVR, parental: 0, civilCode: '430702', status: 'ON' };
    await nvr.notifyCatalog([
      { ...base, deviceId: ch(4), name: '新增 通道', longitude: 111.72, latitude: 29.06, event: 'ADD' },
      { ...base, deviceId: ch(2), name: '人民路 枪机 改名', longitude: 111.71, latitude: 29.05, event: 'UPDATE' },
      { ...base, deviceId: ch(3), name: '无坐标 通道', event: 'DEL' },
      { ...base, deviceId: ch(1), name: '武陵大道 球机', event: 'OFF' },
      { ...base, deviceId: ch(5), name: '<script>alert(1)</script>', longitude: 111.7, latitude: 29.0, event: 'ADD' },
    ]);
    await waitFor(async () => (await gbCameras()).map((c) => c.gbChannelId).join() === [ch(1), ch(2), ch(4)].join(), {
      timeoutMs: 10_000,
      what: 'channel 3 removed, channel 4 added, the hostile one refused',
    });
    const cams = await gbCameras();
    assert.equal(cams[1].name, '人民路 枪机 改名');
    assert.deepEqual(cams[1].tags, ['gb28181', '重点']);
    await waitFor(async () => (await gbCameras())[0].status === 'offline', {
      timeoutMs: 5_000,
      what: 'channel 1 off line',
    });
  });

  it('puts every channel off line when the device stops its keepalives', async () => {
    nvr.stopKeepalives();
    await waitFor(async () => (await gbCameras()).every((c) => c.status === 'offline'), {
      timeoutMs: 10_000,
      what: 'all channels offline after missed keepalives',
    });
    const cams = await gbCameras();
    assert.match(cams[1].statusReason, /keepalives missed/);
    // keepalives again: the device is back, its catalog read again, its channels on line
    nvr.startKeepalives();
    await waitFor(async () => (await gbCameras()).every((c) => c.status === 'online'), {
      timeoutMs: 10_000,
      what: 'all channels online again',
    });
  });

  it('refuses a request to a device whose TCP connection is gone at once, not after the SIP timers', async () => {
    await nvr.close();
    const server = t.gw.services.gb!.server;
    await waitFor(() => server.device(NVR)?.peer.socket?.destroyed, { what: 'the TCP connection closed' });
    const t0 = Date.now();
    await assert.rejects(server.queryCatalog(NVR), /TCP connection is closed \(MESSAGE not sent\)/);
    assert.ok(Date.now() - t0 < 1000, `${Date.now() - t0} ms`);
  });
});
