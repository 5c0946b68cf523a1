// socket.io rooms of a real gateway: each camera event reaches exactly the sockets the policy lets see the camera, as shares and users change.
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

/** A connected socket and everything it received, in order. */
interface Listener {
  socket: Socket;
  /** Camera ids of each `camera:status` batch, sorted. */
  batches: string[][];
  /** Camera ids of `stream:state` messages. */
  states: string[];
  removed: string[];
  /** The reason of a disconnect, once it happened. */
  gone: string | null;
}

describe('realtime rooms: camera events reach exactly the principals that may see the camera', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let root: string;
  let policeAdmin: string;
  const cams: Record<'school' | 'road' | 'traffic' | 'urban', string> = {
    school: '',
    road: '',
    traffic: '',
    urban: '',
  };
  const userIds: Record<string, number> = {};
  const open: Socket[] = [];

  before(async () => {
    t = await startTestGateway();
    userIds.root = await t.addUser('root', 'admin', null);
    userIds.padmin = await t.addUser('padmin', 'admin', 'police');
    userIds.pviewer = await t.addUser('pviewer', 'viewer', 'police');
    userIds.tviewer = await t.addUser('tviewer', 'viewer', 'traffic');
    userIds.uviewer = await t.addUser('uviewer', 'viewer', 'urban');
    userIds.auditor = await t.addUser('auditor', 'auditor', null);
    root = await t.login('root');
    policeAdmin = await t.login('padmin');
    const add = async (
      name: string,
      department: 'police' | 'traffic' | 'urban',
      tags: string[],
      lng: number,
    ): Promise<string> => {
      const where = { departmentId: t.departments[department], lng, lat: 29.03, tags };
      const body = { name, mainUri: `rtsp://127.0.0.1:9/${name}`, streams: { main: { codec: 'h264' } }, ...where };
      const r = await t.api('POST', '/api/v1/cameras', { token: root, body });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    cams.school = await add('school-gate', 'police', ['school'], 111.69);
    cams.road = await add('ring-road', 'police', ['road'], 111.7);
    cams.traffic = await add('crossing', 'traffic', [], 111.71);
    cams.urban = await add('market', 'urban', [], 111.72);
  });
  afterEach(() => open.splice(0).forEach((s) => s.close()));
  after(async () => {
    await t?.close();
  });

  const listen = async (username: string): Promise<Listener> => {
    const token = await t.login(username);
    const socket = io(t.base, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
    open.push(socket);
    const l: Listener = { socket, batches: [], states: [], removed: [], gone: null };
    socket.on('camera:status', (changes: Array<{ id: string }>) => l.batches.push(changes.map((c) => c.id).sort()));
    socket.on('stream:state', (m: { cameraId: string }) => l.states.push(m.cameraId));
    socket.on('camera:removed', (m: { id: string }) => l.removed.push(m.id));
    socket.on('disconnect', (reason) => (l.gone = reason));
    await new Promise<void>((res, rej) => (socket.once('connect', () => res()), socket.once('connect_error', rej)));
    return l;
  };
  const ids = (...names: Array<keyof typeof cams>): string[] => names.map((n) => cams[n]).sort();
  /** One status batch about every camera, sent now. */
  const statusOfAll = (): void => {
    t.gw.services.realtime.publishStatus(
      Object.values(cams).map((id) => ({ id, status: 'online', reason: 'test', lastSeen: null })),
    );
    t.gw.services.realtime.flush();
  };
  const lastBatch = (l: Listener, n: number, who: string): Promise<string[]> =>
    waitFor(() => l.batches.length >= n && l.batches[n - 1], { what: `${who}'s status batch ${n}`, timeoutMs: 5000 });
  const share = async (body: Record<string, unknown>): Promise<number> => {
    const r = await t.api('POST', '/api/v1/shares', {
      token: policeAdmin,
      body: { toDepartmentId: t.departments.traffic, ...body },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.id as number;
  };

  it("a status batch reaches owners, a tag share's department and a city admin, each with what it may see; others get none", async () => {
    const shareId = await share({ kind: 'tags', tags: ['school'] });
    try {
      const [police, traffic, urban, city, auditor] = await Promise.all(
        ['pviewer', 'tviewer', 'uviewer', 'root', 'auditor'].map(listen),
      );
      statusOfAll();
      assert.deepEqual(await lastBatch(police!, 1, 'police'), ids('school', 'road'));
      assert.deepEqual(await lastBatch(traffic!, 1, 'traffic'), ids('school', 'traffic'));
      assert.deepEqual(await lastBatch(urban!, 1, 'urban'), ids('urban'));
      assert.deepEqual(await lastBatch(city!, 1, 'the city admin'), ids('school', 'road', 'traffic', 'urban'));
      // the auditor's socket is cut by disabling the user: a batch sent to it before would have come first
      const off = await t.api('PATCH', `/api/v1/users/${userIds.auditor}`, { token: root, body: { disabled: true } });
      assert.equal(off.status, 200, off.text);
      await waitFor(() => auditor!.gone, { what: "the disabled auditor's disconnect", timeoutMs: 5000 });
      assert.equal(auditor!.gone, 'io server disconnect');
      assert.deepEqual(auditor!.batches, []);
      assert.deepEqual(
        [police, traffic, urban, city].map((l) => l!.batches.length),
        [1, 1, 1, 1],
      );
    } finally {
      await t.api('DELETE', `/api/v1/shares/${shareId}`, { token: policeAdmin });
    }
  });

  it("after a share is revoked the socket stops receiving the camera's events, without reconnecting", async () => {
    const shareId = await share({ kind: 'tags', tags: ['school'] });
    const traffic = await listen('tviewer');
    const id = traffic.socket.id;
    const rt = t.gw.services.realtime;
    statusOfAll();
    assert.deepEqual(await lastBatch(traffic, 1, 'traffic'), ids('school', 'traffic'));
    rt.publishStreamState({ cameraId: cams.school, profile: 'main', state: 'live' });
    await waitFor(() => traffic.states.length === 1, { what: "the shared camera's stream state", timeoutMs: 5000 });
    const revoked = await t.api('DELETE', `/api/v1/shares/${shareId}`, { token: policeAdmin });
    assert.equal(revoked.status, 200, revoked.text);
    statusOfAll();
    rt.publishStreamState({ cameraId: cams.school, profile: 'main', state: 'idle' });
    rt.publishStreamState({ cameraId: cams.traffic, profile: 'main', state: 'live' });
    assert.deepEqual(await lastBatch(traffic, 2, 'traffic'), ids('traffic'));
    await waitFor(() => traffic.states.length === 2, { what: "the own camera's stream state", timeoutMs: 5000 });
    assert.deepEqual(traffic.states, [cams.school, cams.traffic]);
    assert.equal(traffic.socket.id, id, 'the same connection');
    assert.equal(traffic.gone, null);
  });

  it("a share that expires stops the camera's events when it expires, with no reload", async () => {
    const expiresAt = new Date(Date.now() + 1500);
    await share({ kind: 'cameras', cameraIds: [cams.road], expiresAt: expiresAt.toISOString() });
    const traffic = await listen('tviewer');
    statusOfAll();
    assert.deepEqual(await lastBatch(traffic, 1, 'traffic'), ids('road', 'traffic'));
    await waitFor(() => Date.now() > expiresAt.getTime(), { what: 'the expiry', timeoutMs: 5000 });
    statusOfAll();
    assert.deepEqual(await lastBatch(traffic, 2, 'traffic'), ids('traffic'));
  });

  it("a user moved to another department gets that department's cameras and no longer the old ones, on the same connection", async () => {
    const traffic = await listen('tviewer');
    statusOfAll();
    assert.deepEqual(await lastBatch(traffic, 1, 'traffic'), ids('traffic'));
    const moved = await t.api('PATCH', `/api/v1/users/${userIds.tviewer}`, {
      token: root,
      body: { departmentId: t.departments.urban },
    });
    assert.equal(moved.status, 200, moved.text);
    // the principal is read again in the background: send batches until one shows the new department
    await waitFor(
      () => {
        statusOfAll();
        return traffic.batches.at(-1)?.join() === ids('urban').join();
      },
      { what: 'a batch of the new department only', timeoutMs: 5000, intervalMs: 100 },
    );
    assert.ok(
      traffic.batches.every((b) => [ids('traffic').join(), ids('urban').join()].includes(b.join())),
      JSON.stringify(traffic.batches),
    );
    assert.equal(traffic.gone, null);
    await t.api('PATCH', `/api/v1/users/${userIds.tviewer}`, {
      token: root,
      body: { departmentId: t.departments.traffic },
    });
  });

  it('a polygon share and an area scope deliver only the cameras inside them, and still after one of two viewers of the same area leaves', async () => {
    const around = (lng: number): Record<string, unknown> => {
      const [w, e, s, n] = [lng - 0.004, lng + 0.004, 29.02, 29.04];
      return {
        type: 'Polygon',
        coordinates: [
          [
            [w, s],
            [e, s],
            [e, n],
            [w, n],
            [w, s],
          ],
        ],
      };
    };
    const polygonShare = { toDepartmentId: t.departments.urban, kind: 'polygon', polygon: around(111.69) };
    const toUrban = await t.api('POST', '/api/v1/shares', { token: policeAdmin, body: polygonShare });
    assert.equal(toUrban.status, 201, toUrban.text);
    const grid = await t.api('POST', '/api/v1/grids', {
      token: root,
      body: { name: 'ring road', kind: 'grid', geometry: around(111.7) },
    });
    assert.equal(grid.status, 201, grid.text);
    for (const username of ['parea', 'parea2']) {
      const body = {
        username,
        password: `pw-${username}`,
        role: 'viewer',
        departmentId: t.departments.police,
        areaGridId: grid.body[0].id,
      };
      const made = await t.api('POST', '/api/v1/users', { token: root, body });
      assert.equal(made.status, 201, made.text);
    }
    try {
      const [urban, area, sameArea, police] = await Promise.all(['uviewer', 'parea', 'parea2', 'pviewer'].map(listen));
      statusOfAll();
      assert.deepEqual(await lastBatch(urban!, 1, 'urban (polygon share)'), ids('school', 'urban'));
      assert.deepEqual(await lastBatch(area!, 1, 'the area-scoped viewer'), ids('road'));
      assert.deepEqual(await lastBatch(sameArea!, 1, 'the second viewer of that area'), ids('road'));
      assert.deepEqual(await lastBatch(police!, 1, 'police'), ids('school', 'road'));
      // one holder of the area leaves: the other still gets the cameras inside it
      area!.socket.close();
      await waitFor(() => t.gw.services.realtime.connections === 3, {
        what: 'the closed socket gone',
        timeoutMs: 5000,
      });
      statusOfAll();
      assert.deepEqual(await lastBatch(sameArea!, 2, 'the remaining viewer of that area'), ids('road'));
      assert.deepEqual(await lastBatch(urban!, 2, 'urban (polygon share)'), ids('school', 'urban'));
    } finally {
      await t.api('DELETE', `/api/v1/shares/${toUrban.body.id}`, { token: policeAdmin });
    }
  });

  it('a removed camera is announced only to those who could see it', async () => {
    const [police, traffic, urban] = await Promise.all(['pviewer', 'tviewer', 'uviewer'].map(listen));
    const gone = await t.api('DELETE', `/api/v1/cameras/${cams.road}`, { token: policeAdmin });
    assert.equal(gone.status, 204, gone.text);
    // a later message on each connection: a removal sent to it before would have arrived first
    t.gw.services.realtime.publishStreamState({ cameraId: cams.traffic, profile: 'main', state: 'live' });
    t.gw.services.realtime.publishStreamState({ cameraId: cams.urban, profile: 'main', state: 'live' });
    await waitFor(() => police!.removed.length === 1, { what: 'the removal at the owner', timeoutMs: 5000 });
    await waitFor(() => traffic!.states.length === 1 && urban!.states.length === 1, {
      what: 'the later stream states',
      timeoutMs: 5000,
    });
    assert.deepEqual(police!.removed, [cams.road]);
    assert.deepEqual([traffic!.removed, urban!.removed], [[], []]);
  });
});
