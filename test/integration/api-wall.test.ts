// Wall screens over the API and socket.io: pairing, screen tokens, panes, layouts, saved views, audit, bad input.
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

describe('API: wall screens and saved views', function () {
  this.timeout(60000);
  let t: TestGateway;
  let admin: string, operator: string, viewer: string, traffic: string;
  let police1: string, police2: string, trafficCam: string;
  const sockets: Socket[] = [];

  const connect = async (token: string): Promise<{ socket: Socket; got: any[]; closedBy: () => string | null }> => {
    const socket = io(t.base, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    sockets.push(socket);
    const got: any[] = [];
    let closed: string | null = null;
    socket.on('wall:screen', (m: any) => got.push(m));
    socket.on('disconnect', (reason) => (closed = reason));
    await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
    return { socket, got, closedBy: () => closed };
  };

  before(async () => {
    t = await startTestGateway();
    await t.addUser('w.admin', 'admin', 'police');
    await t.addUser('w.operator', 'operator', 'police');
    await t.addUser('w.viewer', 'viewer', 'police');
    await t.addUser('w.traffic', 'operator', 'traffic');
    [admin, operator, viewer, traffic] = (await Promise.all(
      ['w.admin', 'w.operator', 'w.viewer', 'w.traffic'].map((u) => t.login(u)),
    )) as [string, string, string, string];
    const cam = (name: string, dept: number) => ({
      department_id: dept,
      name,
      source: 'rtsp',
      main_uri: `rtsp://10.9.0.${name.length}/${name}`,
      lng: 111.7,
      lat: 29.03,
      tags: [],
      status: 'online',
    });
    const ids = await t.gw.db
      .knex('cameras')
      .insert([
        cam('p-one', t.departments.police),
        cam('p-two', t.departments.police),
        cam('t-one', t.departments.traffic),
      ])
      .returning('id');
    [police1, police2, trafficCam] = ids.map((x: { id: string }) => String(x.id)) as [string, string, string];
    await t.gw.reload();
  });
  after(async () => {
    for (const s of sockets) s.close();
    await t?.close();
  });

  let screenId: number;
  let screenToken: string;

  it('an admin registers a screen and gets a one-time pairing secret; other roles may not', async () => {
    const body = { name: '大屏一', col: 0, row: 0, layout: '4' };
    assert.equal((await t.api('POST', '/api/v1/wall/screens', { token: operator, body })).status, 403);
    const r = await t.api('POST', '/api/v1/wall/screens', { token: admin, body });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.screen.panes.length, 4);
    assert.equal(r.body.screen.paired, false);
    screenId = r.body.screen.id;
    const dup = await t.api('POST', '/api/v1/wall/screens', { token: admin, body });
    assert.equal(dup.status, 409);
    const bad = await t.api('POST', '/api/v1/wall/screens', { token: admin, body: { name: 'x', layout: 'L7-2' } });
    assert.equal(bad.status, 400);
    const wrong = await t.api('POST', `/api/v1/wall/screens/${screenId}/pair`, { body: { secret: 'not-it' } });
    assert.equal(wrong.status, 401);
    const paired = await t.api('POST', `/api/v1/wall/screens/${screenId}/pair`, {
      body: { secret: r.body.pairing.secret },
    });
    assert.equal(paired.status, 200, paired.text);
    screenToken = paired.body.token;
    assert.match(screenToken, /^ces_\d+_/);
    const again = await t.api('POST', `/api/v1/wall/screens/${screenId}/pair`, {
      body: { secret: r.body.pairing.secret },
    });
    assert.equal(again.status, 401, 'a pairing secret works once');
    const list = await t.api('GET', '/api/v1/wall/screens', { token: viewer });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((s: any) => [s.name, s.paired]),
      [['大屏一', true]],
    );
    assert.deepEqual((await t.api('GET', '/api/v1/wall/screens', { token: traffic })).body.items, []);
  });

  it('a screen token shows the screen its own state and nothing of the operators’ API', async () => {
    const own = await t.api('GET', '/api/v1/wall/screen', { token: screenToken });
    assert.equal(own.status, 200, own.text);
    assert.equal(own.body.id, screenId);
    assert.equal((await t.api('GET', '/api/v1/wall/screens', { token: screenToken })).status, 403);
    assert.equal((await t.api('GET', '/api/v1/wall/screen', { token: operator })).status, 403);
    assert.equal((await t.api('GET', '/api/v1/wall/screen', { token: 'ces_1_' + 'A'.repeat(43) })).status, 401);
    // it views what its department may see, and nothing else
    assert.equal((await t.api('GET', `/api/v1/cameras/${police1}`, { token: screenToken })).status, 200);
    assert.equal((await t.api('GET', `/api/v1/cameras/${trafficCam}`, { token: screenToken })).status, 404);
    assert.equal((await t.api('GET', '/api/v1/audit', { token: screenToken })).status, 403);
    const foreign = await t.api('POST', `/api/v1/cameras/${trafficCam}/streams`, {
      token: screenToken,
      body: { profile: 'main' },
    });
    assert.equal(foreign.status, 404, 'a stream of a camera its department may not see: not revealed');
    const snapshot = await t.api('GET', `/api/v1/cameras/${police1}/snapshot`, { token: screenToken });
    assert.equal(snapshot.status, 403, 'a screen views live and does nothing else');
  });

  it('an operator puts a camera on a pane: the screen follows at once, the change is audited', async () => {
    const screen = await connect(screenToken);
    const wall = await connect(operator);
    const t0 = Date.now();
    const r = await t.api('PUT', `/api/v1/wall/screens/${screenId}/panes/2`, {
      token: operator,
      body: { cameraId: police1 },
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.panes[2], { pane: 2, cameraId: police1, cameraName: 'p-one' });
    await waitFor(() => screen.got.length > 0 && wall.got.length > 0, { what: 'the pushed state', timeoutMs: 5000 });
    assert.ok(Date.now() - t0 < 1000 + 2000, 'pushed within a second (and the machine’s margin)');
    assert.equal(screen.got[0].panes[2].cameraId, police1);
    const audit = await t.gw.db.knex('audit_log').where({ action: 'wall.pane.set', target_id: String(screenId) });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_name, 'w.operator');
    assert.deepEqual(audit[0].detail, { pane: 2, cameraId: police1 });
    const cleared = await t.api('DELETE', `/api/v1/wall/screens/${screenId}/panes/2`, { token: operator });
    assert.equal(cleared.body.panes[2].cameraId, null);
    assert.equal((await t.gw.db.knex('audit_log').where({ action: 'wall.pane.clear' })).length, 1);
  });

  it('bad input: panes out of range, hidden cameras, unknown and foreign screens, bad layouts', async () => {
    const put = (path: string, body: unknown, token = operator) =>
      t.api('PUT', `/api/v1/wall/screens/${path}`, { token, body });
    const cases: Array<[string, Promise<{ status: number; text: string }>, number, RegExp?]> = [
      ['pane beyond the layout', put(`${screenId}/panes/4`, { cameraId: police1 }), 400, /0\.\.3/],
      ['pane not a number', put(`${screenId}/panes/-1`, { cameraId: police1 }), 400],
      ['a camera of another department, not shared', put(`${screenId}/panes/0`, { cameraId: trafficCam }), 404],
      ['a camera that does not exist', put(`${screenId}/panes/0`, { cameraId: '999999' }), 404],
      ['an unknown screen', put(`99999/panes/0`, { cameraId: police1 }), 404],
      ["another department's screen", put(`${screenId}/panes/0`, { cameraId: trafficCam }, traffic), 404],
      ['a viewer may not drive', put(`${screenId}/panes/0`, { cameraId: police1 }, viewer), 403],
      ['an unknown layout', put(`${screenId}/layout`, { layout: '5' }), 400],
      ['an extra field', put(`${screenId}/panes/0`, { cameraId: police1, x: 1 }), 400],
    ];
    for (const [name, p, status, detail] of cases) {
      const r = await p;
      assert.equal(r.status, status, `${name}: ${r.text}`);
      if (detail) assert.match(r.text, detail, name);
      assert.doesNotMatch(r.text, /t-one/, `${name}: the hidden camera is not revealed`);
    }
  });

  it('layouts: 6 panes, a custom one, and panes beyond a smaller layout emptied', async () => {
    await t.api('PUT', `/api/v1/wall/screens/${screenId}/panes/3`, { token: operator, body: { cameraId: police2 } });
    const six = await t.api('PUT', `/api/v1/wall/screens/${screenId}/layout`, {
      token: operator,
      body: { layout: '6' },
    });
    assert.equal(six.body.panes.length, 6);
    assert.equal(six.body.panes[3].cameraId, police2);
    const custom = await t.api('PUT', `/api/v1/wall/screens/${screenId}/layout`, {
      token: operator,
      body: { layout: 'L5-3' },
    });
    assert.equal(custom.body.panes.length, 17);
    const one = await t.api('PUT', `/api/v1/wall/screens/${screenId}/layout`, {
      token: operator,
      body: { layout: '1' },
    });
    assert.deepEqual(one.body.panes, [{ pane: 0, cameraId: null, cameraName: null }]);
    const four = await t.api('PUT', `/api/v1/wall/screens/${screenId}/layout`, {
      token: operator,
      body: { layout: '4' },
    });
    assert.equal(four.body.panes[3].cameraId, null, 'the camera of pane 3 went with the 1-pane layout');
  });

  it('saved views: own and shared, hidden cameras refused on save and left empty when applied', async () => {
    const body = { name: '路口', layout: '4', cameras: [police1, null, police2], shared: false };
    const hidden = await t.api('POST', '/api/v1/wall/views', {
      token: operator,
      body: { ...body, cameras: [trafficCam] },
    });
    assert.equal(hidden.status, 404);
    assert.doesNotMatch(hidden.text, /t-one/);
    const tooMany = await t.api('POST', '/api/v1/wall/views', { token: operator, body: { ...body, layout: '1' } });
    assert.equal(tooMany.status, 400);
    const v = await t.api('POST', '/api/v1/wall/views', { token: operator, body });
    assert.equal(v.status, 201, v.text);
    assert.equal(
      (await t.api('GET', `/api/v1/wall/views/${v.body.id}`, { token: viewer })).status,
      404,
      'not shared yet',
    );
    await t.api('PATCH', `/api/v1/wall/views/${v.body.id}`, { token: operator, body: { shared: true } });
    const seen = await t.api('GET', '/api/v1/wall/views', { token: viewer });
    assert.deepEqual(
      seen.body.items.map((x: any) => x.name),
      ['路口'],
    );
    assert.equal((await t.api('GET', `/api/v1/wall/views/${v.body.id}`, { token: traffic })).status, 404);
    assert.equal(
      (await t.api('PATCH', `/api/v1/wall/views/${v.body.id}`, { token: viewer, body: { name: 'x' } })).status,
      403,
    );
    const applied = await t.api('POST', `/api/v1/wall/screens/${screenId}/view`, {
      token: operator,
      body: { viewId: v.body.id },
    });
    assert.equal(applied.status, 200, applied.text);
    assert.deepEqual(
      applied.body.panes.map((p: any) => p.cameraId),
      [police1, null, police2, null],
    );
    const unknown = await t.api('POST', `/api/v1/wall/screens/${screenId}/view`, {
      token: operator,
      body: { viewId: 99999 },
    });
    assert.equal(unknown.status, 404);
    assert.equal((await t.gw.db.knex('audit_log').where({ action: 'wall.view.apply' })).length, 1);
  });

  it('a removed camera leaves the panes it was on, and the screen is told', async () => {
    const page = await connect(screenToken);
    const admin2 = await t.api('PUT', `/api/v1/wall/screens/${screenId}/panes/0`, {
      token: operator,
      body: { cameraId: police2 },
    });
    assert.equal(admin2.status, 200);
    await waitFor(() => page.got.some((m) => m.panes?.[0]?.cameraId === police2), { what: 'the camera on pane 0' });
    page.got.length = 0;
    assert.equal((await t.api('DELETE', `/api/v1/cameras/${police2}`, { token: admin })).status, 204);
    await waitFor(() => page.got.some((m) => m.panes && m.panes[0].cameraId === null), { what: 'pane 0 emptied' });
    const own = await t.api('GET', '/api/v1/wall/screen', { token: screenToken });
    assert.equal(own.body.panes[0].cameraId, null);
    assert.equal(own.body.panes[2].cameraId, null, 'its other pane of that camera is empty too');
    page.socket.close();
  });

  it('the same screen credential from a second browser closes the first, which is told why', async () => {
    const first = await connect(screenToken);
    const second = await connect(screenToken);
    await waitFor(() => first.closedBy() !== null, { what: 'the first page closed', timeoutMs: 5000 });
    assert.deepEqual(first.got.at(-1), { id: screenId, departmentId: t.departments.police, closed: 'replaced' });
    assert.equal(first.closedBy(), 'io server disconnect');
    assert.equal(second.socket.connected, true);
  });

  it('a removed screen: its page is told and closed, its token refused', async () => {
    const page = await connect(screenToken);
    assert.equal((await t.api('DELETE', `/api/v1/wall/screens/${screenId}`, { token: operator })).status, 403);
    assert.equal((await t.api('DELETE', `/api/v1/wall/screens/${screenId}`, { token: admin })).status, 204);
    await waitFor(() => page.closedBy() !== null, { what: 'the page closed', timeoutMs: 5000 });
    assert.equal(page.got.at(-1).closed, 'removed');
    assert.equal((await t.api('GET', '/api/v1/wall/screen', { token: screenToken })).status, 401);
  });
});
