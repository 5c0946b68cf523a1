// The demo city's records agree with its simulated devices: PTZ where a device has it, with its profile token; old data repaired.
import assert from 'node:assert/strict';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import {
  DEMO_CAMERA_PASSWORD,
  DEMO_CAMERA_USER,
  DEMO_PASSWORD,
  demoDeviceOptions,
  seedDemo,
  type DemoSimTargets,
} from '../../sim/seed';
import { inspectDevice } from '../../gateway/devices/inspect-device';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

/** Enough cameras for PTZ sites on every simulated vendor's kind of device (Hikvision-, Dahua-, Axis-like). */
const COUNT = 8;

describe('demo city PTZ', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let sims: SimCameras;
  let targets: DemoSimTargets;
  let admin: string;
  let rows: Array<{ id: string; xaddr: string; capabilities: { ptz?: boolean; profileToken?: string } }>;

  before(async () => {
    // no video is needed here: ONVIF only
    sims = await startSimCameras({
      count: COUNT,
      codec: 'h264',
      rtsp: false,
      username: DEMO_CAMERA_USER,
      password: DEMO_CAMERA_PASSWORD,
      ...demoDeviceOptions(COUNT),
    });
    t = await startTestGateway();
    targets = { rtspHost: '127.0.0.1', rtspPort: 8554, xaddr: (i) => sims.cameras[i]!.xaddr, codec: () => 'h264' };
    const seeded = await seedDemo(t.gw.db, t.gw.services.box, targets, COUNT);
    assert.equal(seeded.created, true);
    await t.gw.reload();
    const login = await t.api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: DEMO_PASSWORD } });
    assert.equal(login.status, 200, login.text);
    admin = login.body.accessToken;
    rows = await t.gw.db.knex('cameras').select('id', 'xaddr', 'capabilities');
    assert.equal(rows.length, COUNT);
  });
  after(async () => {
    await t?.close();
    await sims?.close();
  });

  const ptzCall = (id: string, what: string, body?: Record<string, unknown>) =>
    t.api(what === 'presets' ? 'GET' : 'POST', `/api/v1/cameras/${id}/ptz/${what}`, {
      token: admin,
      ...(body ? { body } : {}),
    });

  it('each seeded record says what its device says: PTZ and the main profile token', async () => {
    const vendors = new Set<string>();
    for (const row of rows) {
      const creds = { username: DEMO_CAMERA_USER, password: DEMO_CAMERA_PASSWORD };
      const dev = await inspectDevice(row.xaddr, creds, { timeoutMs: 3000, maxResponseBytes: 1 << 20 });
      assert.equal(Boolean(row.capabilities.ptz), dev.ptz, `PTZ of ${row.xaddr}`);
      if (dev.ptz) {
        assert.equal(row.capabilities.profileToken, dev.profileToken, `profile token of ${row.xaddr}`);
        vendors.add(dev.vendor);
      }
    }
    assert.deepEqual([...vendors].sort(), ['AXIS', 'Dahua', 'HIKVISION'], 'PTZ sites on every kind of device');
  });

  it('every PTZ camera of the demo moves and lists its presets through the API; the others answer 400', async () => {
    for (const row of rows) {
      const sim = sims.cameras.find((c) => c.xaddr === row.xaddr)!.camera;
      const r = await ptzCall(row.id, 'move', { pan: 0.5 });
      if (!row.capabilities.ptz) {
        assert.equal(r.status, 400, r.text);
        continue;
      }
      assert.equal(r.status, 204, `${row.xaddr}: ${r.text}`);
      assert.equal(sim.ptzStatus().moving, true, 'the device moves');
      assert.equal((await ptzCall(row.id, 'stop')).status, 204);
      assert.equal(sim.ptzStatus().moving, false, 'and stops');
      const presets = await ptzCall(row.id, 'presets');
      assert.equal(presets.status, 200, presets.text);
      assert.deepEqual(
        presets.body.map((p: { name: string }) => p.name),
        ['Gate'],
      );
    }
  });

  it('demo data seeded without profile tokens gets them at the next start', async () => {
    await t.gw.db.knex('cameras').update({ capabilities: t.gw.db.knex.raw(`capabilities - 'profileToken'`) });
    const stripped = rows.find((r) => r.capabilities.ptz)!;
    assert.equal((await ptzCall(stripped.id, 'stop')).status, 400, 'without the token PTZ is refused');
    const again = await seedDemo(t.gw.db, t.gw.services.box, targets, COUNT);
    assert.equal(again.created, false);
    const now = await t.gw.db.knex('cameras').select('id', 'capabilities');
    for (const row of rows)
      assert.equal(now.find((n) => n.id === row.id)?.capabilities.profileToken, row.capabilities.profileToken);
    assert.equal((await ptzCall(stripped.id, 'stop')).status, 204);
  });
});
