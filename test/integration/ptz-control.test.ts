// PTZ against simulated ONVIF cameras (real SOAP over HTTP): presets round-trip, control by priority, lapse, audit, bad input.
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import type { SimOnvifCamera } from '../../sim/cameras/onvif-camera';
import { DEMO_CAMERA_PASSWORD, DEMO_CAMERA_USER, DEMO_PASSWORD, demoDeviceOptions, seedDemo } from '../../sim/seed';
import { startGateway } from '../../gateway/main';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const COUNT = 8;
/** Control lapses after this many seconds without a command (short for the test). */
const LAPSE_S = 5;

interface Msg {
  cameraId: string;
  holder: { name: string; priority: number; until: string } | null;
  lost: { name: string; reason: string } | null;
}

async function listen(t: TestGateway, token: string): Promise<{ socket: Socket; got: Msg[] }> {
  const socket = io(t.base, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  const got: Msg[] = [];
  socket.on('ptz:control', (m: Msg) => got.push(m));
  await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
  return { socket, got };
}

async function until(ok: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (ok()) return;
  assert.fail(`timed out: ${what}`);
}

describe('PTZ presets, control by priority and audit (simulated ONVIF cameras)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let sims: SimCameras;
  let admin: string;
  let low: string;
  let high: string;
  let cam: { id: string; sim: SimOnvifCamera };
  let other: { id: string; sim: SimOnvifCamera };
  let plain: string;
  let flat: { id: string; sim: SimOnvifCamera };
  const sockets: Socket[] = [];

  before(async () => {
    sims = await startSimCameras({
      count: COUNT,
      codec: 'h264',
      rtsp: false,
      username: DEMO_CAMERA_USER,
      password: DEMO_CAMERA_PASSWORD,
      ...demoDeviceOptions(COUNT),
    });
    t = await startTestGateway({ ptz: { lapseS: LAPSE_S } });
    const targets = {
      rtspHost: '127.0.0.1',
      rtspPort: 8554,
      xaddr: (i: number) => sims.cameras[i]!.xaddr,
      codec: () => 'h264' as const,
    };
    await seedDemo(t.gw.db, t.gw.services.box, targets, COUNT);
    await t.gw.reload();
    const login = await t.api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: DEMO_PASSWORD } });
    admin = login.body.accessToken;
    const rows = await t.gw.db
      .knex('cameras')
      .join('departments', 'departments.id', 'cameras.department_id')
      .select('cameras.id', 'xaddr', 'capabilities', 'departments.code');
    const ptz = rows.filter((r) => r.capabilities.ptz);
    const sim = (x: string) => sims.cameras.find((c) => c.xaddr === x)!.camera;
    const first = ptz[0]!;
    cam = { id: String(first.id), sim: sim(first.xaddr) };
    const second = ptz.find((r) => r.id !== first.id)!;
    other = { id: String(second.id), sim: sim(second.xaddr) };
    plain = String(rows.find((r) => !r.capabilities.ptz)!.id);
    const third = ptz.find((r) => r.id !== first.id && r.id !== second.id)!;
    flat = { id: String(third.id), sim: sim(third.xaddr) };
    // a PTZ camera whose node lists no relative space: no click-to-centre
    flat.sim.opts.relativeMove = false;
    // two operators of the camera's department; the second has a priority of its own above the role's
    await t.addUser('op.low', 'operator', first.code);
    const hid = await t.addUser('op.high', 'operator', first.code);
    const set = await t.api('PUT', `/api/v1/users/${hid}/ptz-priority`, { token: admin, body: { priority: 250 } });
    assert.equal(set.status, 204, set.text);
    low = await t.login('op.low');
    high = await t.login('op.high');
  });
  after(async () => {
    for (const s of sockets) s.close();
    await t?.close();
    await sims?.close();
  });

  const call = (token: string, method: string, path: string, body?: unknown) =>
    t.api(method, `/api/v1${path}`, { token, ...(body !== undefined ? { body } : {}) });

  it('presets round-trip: set, list, go to, rename (position kept), delete — as the camera stores them', async () => {
    const c = `/cameras/${cam.id}/ptz`;
    assert.equal((await call(admin, 'POST', `${c}/move`, { pan: 1 })).status, 204);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await call(admin, 'POST', `${c}/stop`)).status, 204);
    const here = cam.sim.ptzStatus();
    const made = await call(admin, 'POST', `${c}/presets`, { name: '东门 east' });
    assert.equal(made.status, 201, made.text);
    const stored = cam.sim.ptzPresets().find((p) => p.token === made.body.token);
    assert.equal(stored?.name, '东门 east');
    assert.ok(Math.abs(stored.x - here.x) < 0.02);
    const list = await call(admin, 'GET', `${c}/presets`);
    assert.deepEqual(list.body.map((p: { name: string }) => p.name).sort(), ['Gate', '东门 east'].sort());
    assert.equal((await call(admin, 'POST', `${c}/presets/1/goto`)).status, 204);
    assert.ok(Math.abs(cam.sim.ptzStatus().x - 0.5) < 1e-9, 'at Gate');
    const renamed = await call(admin, 'PUT', `${c}/presets/${made.body.token}`, { name: '东门' });
    assert.equal(renamed.status, 200, renamed.text);
    const after = cam.sim.ptzPresets().find((p) => p.token === made.body.token)!;
    assert.equal(after.name, '东门');
    assert.ok(Math.abs(after.x - stored.x) < 1e-9, 'renaming keeps the position');
    assert.equal((await call(admin, 'DELETE', `${c}/presets/${made.body.token}`)).status, 204);
    assert.equal(
      cam.sim.ptzPresets().some((p) => p.token === made.body.token),
      false,
    );
    assert.ok(cam.sim.ptzLog.includes('RemovePreset') && cam.sim.ptzLog.includes('SetPreset'));
    await call(admin, 'DELETE', `${c}/control`);
  });

  it('bad input: no PTZ, speeds out of range, unknown or foreign preset tokens, hostile names — each a clear 4xx', async () => {
    const c = `/cameras/${cam.id}/ptz`;
    const cases: Array<[string, string, string, unknown, number, RegExp]> = [
      ['no PTZ', 'POST', `/cameras/${plain}/ptz/move`, { pan: 0.5 }, 400, /has no PTZ/],
      ['speed > 1', 'POST', `${c}/move`, { pan: 1.5 }, 400, /speeds are -1..1/],
      ['speed not a number', 'POST', `${c}/move`, { zoom: 'fast' }, 400, /zoom/],
      ['centre outside the picture', 'POST', `${c}/centre`, { x: 0.9, y: 0 }, 400, /body.x/],
      ['unknown token', 'POST', `${c}/presets/999/goto`, undefined, 404, /has no preset "999"/],
      ['token with markup', 'POST', `${c}/presets/${encodeURIComponent('<a>')}/goto`, undefined, 400, /preset tokens/],
      ['name with markup', 'POST', `${c}/presets`, { name: '<x/>&amp;' }, 400, /is not allowed/],
      ['name with a control character', 'POST', `${c}/presets`, { name: 'a\u0000b' }, 400, /not allowed|NUL/],
      ['name with a bidi override', 'POST', `${c}/presets`, { name: 'gate\u202e' }, 400, /is not allowed/],
      ['empty name', 'POST', `${c}/presets`, { name: '   ' }, 400, /is not allowed/],
      [
        'patrol with a preset the camera lacks',
        'POST',
        `${c}/patrols`,
        { name: 'p', steps: [{ preset: '77', dwellS: 5 }] },
        400,
        /does not have/,
      ],
      [
        'patrol dwell too short',
        'POST',
        `${c}/patrols`,
        { name: 'p', steps: [{ preset: '1', dwellS: 0 }] },
        400,
        /validation/,
      ],
    ];
    cases.push([
      'centre without RelativeMove',
      'POST',
      `/cameras/${flat.id}/ptz/centre`,
      { x: 0.2, y: 0 },
      400,
      /no relative move/,
    ]);
    for (const [what, method, path, body, status, detail] of cases) {
      const r = await call(admin, method, path, body);
      assert.equal(r.status, status, `${what}: ${r.text}`);
      assert.match(r.body.detail + JSON.stringify(r.body.errors ?? []), detail, what);
    }
    // a preset of another camera: the other camera's new preset token is unknown to this one
    const made = await call(admin, 'POST', `/cameras/${other.id}/ptz/presets`, { name: 'only-there' });
    assert.equal(made.status, 201, made.text);
    if (!cam.sim.ptzPresets().some((p) => p.token === made.body.token)) {
      const r = await call(admin, 'POST', `${c}/presets/${made.body.token}/goto`);
      assert.equal(r.status, 404, r.text);
    }
    const viewer = await t.addUser('v.only', 'viewer', 'police').then(() => t.login('v.only'));
    assert.equal((await call(viewer, 'POST', `${c}/stop`)).status, 403);
    await call(admin, 'DELETE', `/cameras/${other.id}/ptz/control`);
    await call(admin, 'DELETE', `${c}/control`);
  });

  it('click-to-centre: a relative move by the click offset times the field of view, where the camera offers it', async () => {
    const caps = await call(admin, 'GET', `/cameras/${cam.id}/ptz/capabilities`);
    assert.deepEqual(caps.body, { relativeMove: true });
    assert.deepEqual((await call(admin, 'GET', `/cameras/${flat.id}/ptz/capabilities`)).body, { relativeMove: false });
    const fov = (await t.gw.db.knex('cameras').where({ id: cam.id }).first('fov')).fov ?? 60;
    const before = cam.sim.ptzStatus();
    const t0 = Date.now();
    const r = await call(admin, 'POST', `/cameras/${cam.id}/ptz/centre`, { x: 0.25, y: 0 });
    assert.equal(r.status, 204, r.text);
    // the camera notes when each request reached it (the wall bench reads it)
    const got = cam.sim.ptzReceived.at(-1)!;
    assert.equal(got.operation, 'RelativeMove');
    assert.ok(got.at >= t0 && got.at <= Date.now(), `received at ${got.at}, the call ran from ${t0}`);
    const after = cam.sim.ptzStatus();
    const want = Math.min(1, before.x + (0.25 * fov) / 180);
    assert.ok(Math.abs(after.x - want) < 1e-6, `pan ${before.x} → ${after.x}, want ${want} (fov ${fov}°)`);
    assert.equal(cam.sim.ptzLog.at(-1), 'RelativeMove');
    await call(admin, 'DELETE', `/cameras/${cam.id}/ptz/control`);
  });

  it('a move whose stop never comes ends by itself after ptz.moveTimeoutS (the ONVIF Timeout)', async () => {
    assert.equal((await call(admin, 'POST', `/cameras/${flat.id}/ptz/move`, { pan: 0.2 })).status, 204);
    assert.equal(flat.sim.ptzStatus().moving, true);
    await until(() => !flat.sim.ptzStatus().moving, 'stopped by the device', 6000);
    assert.equal(flat.sim.ptzLog.includes('Stop'), false, 'no Stop was sent');
    await call(admin, 'DELETE', `/cameras/${flat.id}/ptz/control`);
  });

  it('two operators fight over the camera: the higher priority takes it, the lower is refused and told (socket.io)', async () => {
    const c = `/cameras/${cam.id}/ptz`;
    const lowRt = await listen(t, low);
    const highRt = await listen(t, high);
    sockets.push(lowRt.socket, highRt.socket);
    assert.equal((await call(low, 'POST', `${c}/move`, { pan: 0.3 })).status, 204);
    await until(() => highRt.got.some((m) => m.holder?.name === 'op.low'), 'the others see who holds it');
    const taken = await call(high, 'POST', `${c}/move`, { pan: -0.3 });
    assert.equal(taken.status, 204, taken.text);
    assert.equal(cam.sim.ptzStatus().moving, true);
    await until(
      () =>
        lowRt.got.some((m) => m.holder?.name === 'op.high' && m.lost?.name === 'op.low' && m.lost.reason === 'taken'),
      'the loser is told',
    );
    const refused = await call(low, 'POST', `${c}/stop`);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.holder.name, 'op.high');
    assert.equal(refused.body.holder.priority, 250);
    assert.ok(Date.parse(refused.body.until) > Date.now(), 'until when');
    assert.equal(cam.sim.ptzStatus().moving, true, 'the refused stop did not reach the camera');
    const state = await call(low, 'GET', `${c}/control`);
    assert.equal(state.body.holder.name, 'op.high');
    // an equal priority does not take control either
    const admin2 = await call(admin, 'POST', `${c}/stop`);
    assert.equal(admin2.status, 204, 'the admin (300) is above 250');
    assert.equal((await call(high, 'POST', `${c}/stop`)).status, 409);
    const rows = await t.gw.db.knex('audit_log').where({ action: 'camera.ptz', target_id: cam.id }).orderBy('id');
    const denied = rows.filter((r) => r.outcome === 'denied');
    assert.ok(
      denied.some((r) => r.actor_name === 'op.low' && r.detail.holder === 'op.high' && r.detail.command === 'stop'),
    );
    assert.ok(rows.some((r) => r.actor_name === 'op.high' && r.outcome === 'ok' && r.detail.command === 'move'));
    await call(admin, 'DELETE', `${c}/control`);
  });

  it('control lapses after the configured inactivity; then a lower priority may take it', async () => {
    const c = `/cameras/${other.id}/ptz`;
    const rt = await listen(t, low);
    sockets.push(rt.socket);
    assert.equal((await call(high, 'POST', `${c}/stop`)).status, 204);
    assert.equal((await call(low, 'POST', `${c}/stop`)).status, 409);
    const t0 = Date.now();
    await until(
      () => rt.got.some((m) => m.cameraId === other.id && m.holder === null && m.lost?.reason === 'lapsed'),
      'lapse',
      15_000,
    );
    const waited = Date.now() - t0;
    assert.ok(waited > (LAPSE_S - 1) * 1000, `lapsed after ${waited} ms`);
    assert.equal((await call(low, 'POST', `${c}/stop`)).status, 204);
  });

  it('a patrol runs on the server, goes preset to preset, and stops when an operator takes manual control', async () => {
    const c = `/cameras/${cam.id}/ptz`;
    const made = await call(admin, 'POST', `${c}/presets`, { name: 'West' });
    await call(admin, 'DELETE', `${c}/control`);
    const p = await call(low, 'POST', `${c}/patrols`, {
      name: '夜巡',
      steps: [
        { preset: '1', dwellS: 3 },
        { preset: made.body.token, dwellS: 3 },
      ],
    });
    assert.equal(p.status, 201, p.text);
    const started = await call(low, 'POST', `/ptz/patrols/${p.body.id}/start`);
    assert.equal(started.status, 200, started.text);
    assert.ok(started.body.runningSince);
    const gotos = () => cam.sim.ptzLog.filter((x) => x === 'GotoPreset').length;
    const g0 = gotos();
    await until(() => gotos() >= g0 + 1, 'the second step', 8000);
    assert.equal((await call(low, 'POST', `${c}/move`, { tilt: 0.2 })).status, 204);
    const list = await call(low, 'GET', `${c}/patrols`);
    assert.equal(list.body[0].runningSince, null, 'stopped by manual control');
    const g1 = gotos();
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(gotos(), g1, 'no more steps');
    const audit = await t.gw.db.knex('audit_log').where({ action: 'camera.ptz-patrol', target_id: cam.id });
    assert.ok(audit.some((r) => r.detail.change === 'stop' && /manual control by op.low/.test(r.detail.reason)));
  });

  it('a running patrol goes on after a gateway restart', async () => {
    const p = await call(admin, 'POST', `/cameras/${other.id}/ptz/patrols`, {
      name: 'restart',
      steps: [{ preset: '1', dwellS: 3 }],
    });
    assert.equal(p.status, 201, p.text);
    assert.equal((await call(admin, 'POST', `/ptz/patrols/${p.body.id}/start`)).status, 200);
    const gotos = () => other.sim.ptzLog.filter((x) => x === 'GotoPreset').length;
    await until(() => gotos() > 0, 'the first step');
    for (const s of sockets.splice(0)) s.close();
    await t.gw.close();
    const stopped = gotos();
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(gotos(), stopped, 'nothing runs while the gateway is down');
    const second = await startGateway(t.gw.config, { schema: t.schema, log: () => undefined });
    try {
      await until(() => gotos() > stopped, 'resumed by the new gateway', 8000);
    } finally {
      await second.close();
    }
  });
});
