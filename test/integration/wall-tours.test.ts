// Wall tours run by the server: dwell order, the next camera's stream started (and announced to the screen) before its
// turn, an offline camera skipped with a marker in the state pushed to the screen, the tour resumed after a gateway
// restart; bad input.
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { startGateway, type Gateway } from '../../gateway/main';
import { streamKey } from '../../transcoder/index';
import { dropSchema, startTestGateway, type TestGateway } from '../helpers/gateway';
import { SimCam } from '../helpers/simcam-rtsp';
import { waitFor } from '../helpers/wait-for';

describe('API: wall tours', function () {
  this.timeout(90000);
  let t: TestGateway;
  let sim: SimCam;
  let restarted: Gateway | null = null;
  let operator: string, traffic: string, screenToken: string;
  let cam1: string, cam2: string, off: string, trafficCam: string;
  let screenId: number;
  const sockets: Socket[] = [];

  /** The screen's pushes: [time, camera of pane 0, markers of pane 0, tour step]. */
  const connect = async (base: string): Promise<any[]> => {
    const socket = io(base, {
      path: '/socket.io',
      auth: { token: screenToken },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    const got: any[] = [];
    socket.on('wall:screen', (m: any) => got.push({ at: Date.now(), ...m }));
    await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
    return got;
  };
  const live = (gw: Gateway, id: string): boolean =>
    gw.services.supervisor.get(streamKey(id, 'main'))?.state === 'live';

  before(async () => {
    sim = await SimCam.start({ count: 2, codec: 'h264', width: 320, height: 180, gopS: 1 });
    t = await startTestGateway();
    await t.addUser('t.admin', 'admin', 'police');
    await t.addUser('t.operator', 'operator', 'police');
    await t.addUser('t.traffic', 'operator', 'traffic');
    const admin = await t.login('t.admin');
    [operator, traffic] = [await t.login('t.operator'), await t.login('t.traffic')];
    const cam = (name: string, dept: number, uri: string, status = 'online') => ({
      department_id: dept,
      name,
      source: 'rtsp',
      main_uri: uri,
      lng: 111.7,
      lat: 29.03,
      tags: [],
      status,
    });
    const ids = await t.gw.db
      .knex('cameras')
      .insert([
        cam('门口', t.departments.police, sim.url(0)),
        cam('广场', t.departments.police, sim.url(1)),
        cam('断线', t.departments.police, 'rtsp://127.0.0.1:9/none', 'offline'),
        cam('路口', t.departments.traffic, 'rtsp://127.0.0.1:9/t'),
      ])
      .returning('id');
    [cam1, cam2, off, trafficCam] = ids.map((x: { id: string }) => String(x.id)) as [string, string, string, string];
    await t.gw.reload();
    const s = await t.api('POST', '/api/v1/wall/screens', { token: admin, body: { name: '轮巡屏', layout: '4' } });
    screenId = s.body.screen.id;
    const paired = await t.api('POST', `/api/v1/wall/screens/${screenId}/pair`, {
      body: { secret: s.body.pairing.secret },
    });
    screenToken = paired.body.token;
  });
  after(async () => {
    for (const s of sockets) s.close();
    if (restarted) {
      await restarted.close();
      await dropSchema(t.schema);
    } else await t?.close();
    await sim?.close();
  });

  let tourId: number;

  it('refuses bad tours: unknown or hidden cameras and views, dwell out of range, empty steps, foreign screens', async () => {
    const post = (token: string, body: unknown) => t.api('POST', '/api/v1/wall/tours', { token, body });
    assert.equal((await post(operator, { name: 'a', steps: [{ cameraId: cam1, dwellS: 2 }] })).status, 400);
    assert.equal((await post(operator, { name: 'a', steps: [{ cameraId: cam1, dwellS: 3601 }] })).status, 400);
    assert.equal((await post(operator, { name: 'a', steps: [] })).status, 400);
    assert.equal((await post(operator, { name: 'a', steps: [{ cameraId: 'x', dwellS: 5 }] })).status, 400);
    assert.equal((await post(operator, { name: 'a', steps: [{ cameraId: '999999', dwellS: 5 }] })).status, 404);
    const hidden = await post(operator, { name: 'a', steps: [{ cameraId: trafficCam, dwellS: 5 }] });
    assert.equal(hidden.status, 404, 'a camera of another department is not revealed');
    assert.equal((await post(operator, { name: 'a', steps: [{ viewId: 4242, dwellS: 5 }] })).status, 404);
    const ok = await post(traffic, { name: 'traffic', steps: [{ cameraId: trafficCam, dwellS: 5 }] });
    assert.equal(ok.status, 201, ok.text);
    const foreign = await t.api('POST', `/api/v1/wall/screens/${screenId}/tour`, {
      token: traffic,
      body: { tourId: ok.body.id },
    });
    assert.equal(foreign.status, 404, "another department's screen is not revealed");
    const other = await t.api('POST', `/api/v1/wall/screens/${screenId}/tour`, {
      token: operator,
      body: { tourId: ok.body.id },
    });
    assert.equal(other.status, 404, "another department's tour is not revealed");
    assert.equal((await t.api('DELETE', `/api/v1/wall/screens/${screenId}/tour`, { token: operator })).status, 404);
  });

  it('runs the steps in order for their dwell, pre-starting the next stream and skipping the offline camera with a marker', async () => {
    const steps = [
      { cameraId: cam1, dwellS: 6 },
      { cameraId: off, dwellS: 3 },
      { cameraId: cam2, dwellS: 6 },
    ];
    const created = await t.api('POST', '/api/v1/wall/tours', { token: operator, body: { name: '夜间轮巡', steps } });
    assert.equal(created.status, 201, created.text);
    tourId = created.body.id;
    const got = await connect(t.base);
    let cam2LiveAt = 0;
    const poll = setInterval(() => (cam2LiveAt ||= live(t.gw, cam2) ? Date.now() : 0), 50);
    try {
      const r = await t.api('POST', `/api/v1/wall/screens/${screenId}/tour`, { token: operator, body: { tourId } });
      assert.equal(r.status, 200, r.text);
      const first = await waitFor(() => got.find((m) => m.panes[0].cameraId === cam1), { timeoutMs: 10000 });
      assert.equal(first.layout, '1');
      assert.deepEqual(first.tour, { id: tourId, name: '夜间轮巡', step: 0, steps: 3, paused: false });
      const second = await waitFor(() => got.find((m) => m.panes[0].cameraId === cam2), { timeoutMs: 15000 });
      const dwell = second.at - first.at;
      assert.ok(dwell > 5000 && dwell < 9000, `the first step stayed ${dwell} ms (dwell 6 s)`);
      assert.equal(second.tour.step, 2, 'the offline camera was skipped');
      assert.deepEqual(second.panes[0].skipped, [{ cameraId: off, cameraName: '断线' }], 'marked on the pane');
      assert.ok(!got.some((m) => m.panes.some((p: any) => p.cameraId === off)), 'never a black pane of it');
      assert.ok(cam2LiveAt > 0 && cam2LiveAt < second.at, 'the next stream was live before its turn');
      // the screen was told the step after the offline one once its stream ran, so its page could play it hidden
      const told = got.find((m) => m.at > first.at && m.at < second.at && m.next);
      assert.deepEqual(told?.next, { layout: '1', panes: [{ pane: 0, cameraId: cam2, cameraName: '广场' }] });
      assert.equal(second.next, undefined, 'nothing announced once the step shows');
      const back = await waitFor(() => got.find((m) => m.at > second.at && m.panes[0].cameraId === cam1), {
        timeoutMs: 15000,
      });
      assert.equal(back.tour.step, 0);
      assert.equal(back.panes[0].skipped, undefined, 'no marker once nothing was skipped');
    } finally {
      clearInterval(poll);
    }
    const audit = await t.gw.db.knex('audit_log').where({ action: 'wall.tour.start' }).count('* as n').first();
    assert.equal(Number(audit?.n), 1);
  });

  it('goes on across a gateway restart, from the step it showed', async () => {
    const before = (await t.api('GET', `/api/v1/wall/screens/${screenId}`, { token: operator })).body;
    assert.equal(before.tour.id, tourId);
    const stored = await t.gw.db.knex('wall_screens').where({ id: screenId }).first('tour_step');
    const config = t.gw.config;
    // the screen's browser is gone with the gateway; it connects again to the new one
    for (const s of sockets.splice(0)) s.close();
    await t.gw.close();
    restarted = await startGateway(config, { schema: t.schema, log: () => undefined });
    const base = `http://127.0.0.1:${restarted.port}`;
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 't.operator', password: 'pw-t.operator' }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const state = async (): Promise<any> =>
      (
        await fetch(`${base}/api/v1/wall/screens/${screenId}`, { headers: { authorization: `Bearer ${token}` } })
      ).json();
    const seen = await waitFor(
      async () => {
        const s = await state();
        return s.tour?.id === tourId && s.panes[0].cameraId && s;
      },
      { timeoutMs: 15000, what: 'the tour on the screen after the restart' },
    );
    assert.equal(seen.tour.step, stored.tour_step, 'resumed at the step it showed');
    assert.equal(seen.panes[0].cameraId, seen.tour.step === 0 ? cam1 : cam2);
    await waitFor(
      async () => {
        const s = await state();
        return s.tour?.step !== seen.tour.step && s.panes[0].cameraId && s.panes[0].cameraId !== seen.panes[0].cameraId;
      },
      { timeoutMs: 15000, what: 'the next step after the restart' },
    );
    const stop = await fetch(`${base}/api/v1/wall/screens/${screenId}/tour`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(stop.status, 200);
    assert.equal(((await stop.json()) as any).tour, null);
  });
});
