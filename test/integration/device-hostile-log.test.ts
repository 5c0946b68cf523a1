// A device's hostile answer through the API: 502 with the reason, logged as a warning without a stack trace.
import assert from 'node:assert/strict';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: hostile device answers are warnings, not crashes', function () {
  this.timeout(60000);
  let t: TestGateway;
  let sims: SimCameras;
  let admin: string;
  let networkId: number;
  const logs: Array<{ level: string; msg: string }> = [];

  before(async () => {
    // camera 0 answers every ONVIF call with an XXE document; camera 1 is a normal PTZ camera
    sims = await startSimCameras({
      count: 2,
      codec: 'h264',
      username: 'admin',
      password: 'cam-pass',
      rtsp: false,
      vendorMix: ['hikvision'],
      perCamera: (i) => (i === 0 ? { hostile: 'xxe' } : {}),
    });
    t = await startTestGateway({}, { onLog: (level, msg) => logs.push({ level, msg }) });
    await t.addUser('hadm', 'admin', 'urban');
    admin = await t.login('hadm');
    const lan = {
      name: 'hostile-lan',
      cidrs: ['127.0.0.0/8'],
      hosts: sims.cameras.map((c) => `${c.host}:${c.port}`),
      username: 'admin',
      password: 'cam-pass',
    };
    const net = await t.api('POST', '/api/v1/networks', { token: admin, body: lan });
    assert.equal(net.status, 201, net.text);
    networkId = net.body.id;
  });
  after(async () => {
    await t?.close();
    await sims?.close();
  });

  const register = (xaddr: string, name: string) =>
    t.api('POST', '/api/v1/discovery/devices/register', {
      token: admin,
      body: { xaddr, networkId, name, lng: 111.7, lat: 29.03 },
    });
  const noStacks = (): void => {
    for (const l of logs) assert.doesNotMatch(l.msg, /\n\s+at /, `a stack trace was logged: ${l.msg}`);
    assert.deepEqual(
      logs.filter((l) => l.level === 'error').map((l) => l.msg),
      [],
      'nothing logged as a gateway error',
    );
  };

  it('registering a device that answers with an XXE document: 502 naming the reason, one warning, no stack', async () => {
    const r = await register(sims.cameras[0]!.xaddr, 'evil');
    assert.equal(r.status, 502, r.text);
    assert.match(r.body.detail, /answered badly: onvif: bad XML \(DOCTYPE\/ENTITY/);
    const warn = logs.find((l) => l.level === 'warn' && l.msg.includes('DOCTYPE/ENTITY'));
    assert.ok(warn, `a warning with the reason: ${JSON.stringify(logs)}`);
    assert.ok(warn.msg.includes(sims.cameras[0]!.xaddr), 'the warning names the device');
    noStacks();
    assert.equal(
      (await t.gw.db.knex('cameras').count<Array<{ count: string }>>('* as count'))[0]!.count,
      '0',
      'nothing registered',
    );
  });

  it('a registered PTZ camera that turns hostile: PTZ answers 502 with the reason, a warning, no stack', async () => {
    const good = sims.cameras[1]!;
    const reg = await register(good.xaddr, 'ptz');
    assert.equal(reg.status, 201, reg.text);
    assert.equal((await t.api('GET', `/api/v1/cameras/${reg.body.id}/ptz/presets`, { token: admin })).status, 200);
    good.camera.opts.hostile = 'truncated';
    const r = await t.api('GET', `/api/v1/cameras/${reg.body.id}/ptz/presets`, { token: admin });
    assert.equal(r.status, 502, r.text);
    assert.match(r.body.detail, /ptz of camera \d+ \(presets\): device .* answered badly: onvif: bad XML/);
    assert.ok(
      logs.some((l) => l.level === 'warn' && /ptz of camera .*bad XML/.test(l.msg)),
      JSON.stringify(logs),
    );
    noStacks();
  });
});
