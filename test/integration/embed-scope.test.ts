// A tag-scoped embed token sees only its cameras: in the list, search, tree, map clusters, spatial answers, streams,
// PTZ and playback, socket.io rooms; its live stream opens only from its origins, is audited under its end user's label
// and is cut when the token is revoked.
import assert from 'node:assert/strict';
import { io, type Socket } from 'socket.io-client';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { LIVE_CLOSE } from '../../gateway/streams/live-protocol';
import { LiveClient } from '../helpers/live-client';
import { waitFor } from '../helpers/wait-for';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const HOST = 'http://host.example:5000';

describe('embed tokens: a tag-scoped token sees only its cameras, everywhere', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let admin: string;
  let key: string;
  let token: string;
  let tokenId: number;
  const cams: Record<'road' | 'school' | 'plain' | 'traffic', string> = {
    road: '',
    school: '',
    plain: '',
    traffic: '',
  };
  const sockets: Socket[] = [];
  const wsUrl = (p: string): string => t.base.replace(/^http/, 'ws') + p;
  const get = (url: string, origin = HOST) => t.api('GET', url, { token, headers: { origin } });
  const ids = (items: Array<{ id?: string; camera?: { id: string } }>): string[] =>
    items.map((x) => x.id ?? x.camera!.id).sort();

  before(async () => {
    rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0 });
    await rtsp.start();
    t = await startTestGateway();
    await t.addUser('root', 'admin', null);
    admin = await t.login('root');
    const add = async (name: string, dept: 'police' | 'traffic', tags: string[], lng: number, uri: string) => {
      const body = { name, mainUri: uri, departmentId: t.departments[dept], lng, lat: 29.03, tags };
      const r = await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: { ...body, streams: { main: { codec: 'h264' } } },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    cams.road = await add('ring-road', 'police', ['road'], 111.69, rtsp.url(0, 'main'));
    cams.school = await add('school-gate', 'police', ['school'], 111.6901, 'rtsp://127.0.0.1:9/school');
    cams.plain = await add('yard', 'police', [], 111.6902, 'rtsp://127.0.0.1:9/yard');
    cams.traffic = await add('crossing', 'traffic', ['road'], 111.6903, 'rtsp://127.0.0.1:9/crossing');
    // the key sees police road and school cameras; the token narrows it to road
    const k = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: {
        name: 'city-management',
        departmentId: t.departments.police,
        cameraScope: { tags: ['road', 'school'] },
        embedActions: ['live'],
        origins: [HOST],
      },
    });
    assert.equal(k.status, 201, k.text);
    key = k.body.key;
    const e = await t.api('POST', '/api/v1/embed/tokens', {
      apiKey: key,
      body: { label: '城管队员 赵六', cameraScope: { tags: ['road'] } },
    });
    assert.equal(e.status, 201, e.text);
    token = e.body.token;
    tokenId = e.body.id;
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await t?.close();
    await rtsp?.close();
  });

  it('lists, searches and counts only the road camera of its own department', async () => {
    const list = await get('/api/v1/cameras');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(ids(list.body.items), [cams.road]);
    const search = await get('/api/v1/cameras/search?q=' + encodeURIComponent('ring'));
    assert.deepEqual(ids(search.body.items), [cams.road]);
    assert.deepEqual(ids((await get('/api/v1/cameras/search?q=school')).body.items), []);
    const tree = await get('/api/v1/cameras/tree');
    assert.equal(tree.status, 200, tree.text);
    assert.deepEqual(
      tree.body.departments.map((d: { id: number; count: number }) => [d.id, d.count]),
      [[t.departments.police, 1]],
    );
    assert.equal((await get(`/api/v1/cameras/${cams.school}`)).status, 404);
    assert.equal((await get(`/api/v1/cameras/${cams.road}`)).status, 200);
  });

  it('answers spatial queries and map clusters with the road camera only', async () => {
    const near = await get('/api/v1/gis/nearby?lng=111.69&lat=29.03&radius=2000');
    assert.equal(near.status, 200, near.text);
    assert.deepEqual(ids(near.body.items), [cams.road]);
    const within = await t.api('POST', '/api/v1/gis/within', {
      token,
      headers: { origin: HOST },
      body: { circle: { lng: 111.69, lat: 29.03, radiusM: 2000 } },
    });
    assert.equal(within.status, 200, within.text);
    assert.deepEqual(ids(within.body.items), [cams.road]);
    const map = await get('/api/v1/map/clusters?bbox=111.6,28.9,111.8,29.1&zoom=18');
    assert.equal(map.status, 200, map.text);
    const found = map.body.features.map((f: { properties: { id?: string; count?: number } }) => f.properties);
    assert.deepEqual(
      found.map((p: { id?: string }) => p.id),
      [cams.road],
    );
  });

  it('opens no stream, PTZ or playback outside its scope and actions', async () => {
    const school = await t.api('POST', `/api/v1/cameras/${cams.school}/streams`, {
      token,
      headers: { origin: HOST },
      body: { profile: 'main' },
    });
    assert.equal(school.status, 404);
    const traffic = await t.api('POST', `/api/v1/cameras/${cams.traffic}/streams`, {
      token,
      body: { profile: 'main' },
    });
    assert.equal(traffic.status, 404);
    const ptz = await t.api('POST', `/api/v1/cameras/${cams.road}/ptz/stop`, { token, body: {} });
    assert.equal(ptz.status, 403, ptz.text);
    const spans = await get(
      `/api/v1/cameras/${cams.road}/recordings?from=2026-01-01T00:00:00Z&to=2026-01-01T01:00:00Z`,
    );
    assert.ok([403, 404].includes(spans.status), spans.text);
  });

  it('reaches PTZ only when its key and its own actions allow it', async () => {
    const k = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: { name: 'traffic-ops', departmentId: t.departments.police, embedActions: ['live', 'ptz'], origins: [HOST] },
    });
    const issue = async (actions: string[]) =>
      (await t.api('POST', '/api/v1/embed/tokens', { apiKey: k.body.key, body: { label: '调度员 钱七', actions } }))
        .body.token as string;
    const stop = (tok: string) => t.api('POST', `/api/v1/cameras/${cams.road}/ptz/stop`, { token: tok, body: {} });
    // a token without ptz is refused by the policy; with it, the call passes the policy and reaches the device
    // layer, which answers that this camera has no PTZ service
    assert.equal((await stop(await issue(['live']))).status, 403);
    const r = await stop(await issue(['live', 'ptz']));
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.detail, /has no PTZ/);
  });

  it('plays its camera live from its origin only, audited under its end user, and is cut when revoked', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${cams.road}/streams`, {
      token,
      headers: { origin: HOST },
      body: { profile: 'main' },
    });
    assert.equal(r.status, 201, r.text);
    // the stream token is bound to the embed token's origins too
    await assert.rejects(LiveClient.open(wsUrl(r.body.live), { origin: 'http://evil.example' }));
    // and so are its HLS playlist and instant replay
    for (const u of [r.body.url, `${r.body.replay}?seconds=5`]) {
      const evil = await fetch(t.base + u, { headers: { origin: 'http://evil.example' } });
      assert.equal(evil.status, 403, `${u}: ${await evil.text()}`);
    }
    const c = await LiveClient.open(wsUrl(r.body.live), { origin: HOST });
    await c.until(() => c.fragments.length > 0, 10_000, 'a fragment');
    const audit = await t.gw.db.knex('audit_log').where({ action: 'stream.open', target_id: cams.road });
    assert.equal(audit.length, 1);
    assert.equal(audit[0].actor_type, 'embed');
    assert.match(audit[0].actor_name, /城管队员 赵六/);
    const revoked = await t.api('DELETE', `/api/v1/embed/tokens/${tokenId}`, { apiKey: key });
    assert.equal(revoked.status, 200, revoked.text);
    await c.until(() => c.closed !== null, 5000, 'the close of the revoked viewer');
    assert.equal(c.closed!.code, LIVE_CLOSE.accessWithdrawn);
  });

  it('receives socket.io camera events only for its camera, and only from its origin', async () => {
    const e = await t.api('POST', '/api/v1/embed/tokens', {
      apiKey: key,
      body: { label: 'socket user', cameraScope: { tags: ['road'] } },
    });
    const connect = (origin: string) => {
      const s = io(t.base, {
        path: '/socket.io',
        auth: { token: e.body.token },
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { origin },
      });
      sockets.push(s);
      return s;
    };
    const evil = connect('http://evil.example');
    const refused = await new Promise<string>((res) => evil.once('connect_error', (err) => res(err.message)));
    assert.match(refused, /not issued for the origin/);
    const s = connect(HOST);
    const batches: string[][] = [];
    s.on('camera:status', (changes: Array<{ id: string }>) => batches.push(changes.map((x) => x.id).sort()));
    await new Promise<void>((res, rej) => (s.once('connect', () => res()), s.once('connect_error', rej)));
    t.gw.services.realtime.publishStatus(
      Object.values(cams).map((id) => ({ id, status: 'online' as const, reason: 'test', lastSeen: null })),
    );
    t.gw.services.realtime.flush();
    await waitFor(() => batches.length > 0, { what: 'a status batch', timeoutMs: 5000 });
    assert.deepEqual(batches, [[cams.road]]);
  });

  it('closes the socket of a token when it expires, without a request to notice it', async function () {
    this.timeout(60_000);
    const e = await t.api('POST', '/api/v1/embed/tokens', { apiKey: key, body: { label: 'short', ttlS: 30 } });
    const s = io(t.base, {
      path: '/socket.io',
      auth: { token: e.body.token },
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { origin: HOST },
    });
    sockets.push(s);
    await new Promise<void>((res, rej) => (s.once('connect', () => res()), s.once('connect_error', rej)));
    const gone = await new Promise<{ reason: string; at: number }>((res) =>
      s.once('disconnect', (reason) => res({ reason, at: Date.now() })),
    );
    assert.equal(gone.reason, 'io server disconnect');
    assert.ok(gone.at >= Date.parse(e.body.expiresAt), 'not before its expiry');
    assert.ok(
      gone.at - Date.parse(e.body.expiresAt) < 5000,
      `${gone.at - Date.parse(e.body.expiresAt)} ms after expiry`,
    );
  });
});
