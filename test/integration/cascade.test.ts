// Cascade between two Cloud Eye gateways on this machine: a township links up to a city (client certificate + token),
// publishes what it shares with the city's account; the city shows, plays and steers those cameras through it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { LiveClient } from '../helpers/live-client';
import { waitFor } from '../helpers/wait-for';
import { registerOnvifCamera } from '../helpers/onvif-register';
import {
  cascadeServerConfig,
  cascadeUpstreamConfig,
  makeCascadeCerts,
  type CascadeCerts,
} from '../../bench/cascade-certs';

const TOKEN_A = 'town-a-token-0123456789';
const TOKEN_B = 'town-b-token-0123456789';

/** Opens a link to the city's cascade port as a peer would; resolves with the socket or the refusal. */
function dial(
  port: number,
  o: { name: string; token: string; cert?: string; key?: string; ca: string },
): Promise<{ ws: WebSocket } | { status: number; detail: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${port}/cascade/v1/link`, {
      ca: readFileSync(o.ca),
      ...(o.cert ? { cert: readFileSync(o.cert), key: readFileSync(o.key!) } : {}),
      headers: { authorization: `Bearer ${o.token}`, 'x-cascade-peer': o.name },
    });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, detail: JSON.parse(body).detail as string }));
    });
    ws.once('error', reject);
    ws.once('open', () => resolve({ ws }));
  });
}

describe('cascade: a township gateway linked to a city gateway', function () {
  this.timeout(120_000);
  let certs: CascadeCerts;
  let sims: SimCameras;
  let city: TestGateway;
  let town: TestGateway;
  let cityPort = 0;
  let townAdmin: string;
  let cityOp: string;
  let shared = '';
  let unshared = '';
  let shareId = 0;
  const cityCamera = async () =>
    (await city.gw.repos.cameras.cascadeCameras('town-a')).find((c) => c.cascadeCameraId === shared);

  before(async () => {
    certs = makeCascadeCerts();
    sims = await startSimCameras({
      count: 1,
      codec: 'h264',
      username: 'admin',
      password: 'cam-pass',
      vendorMix: ['hikvision'],
      perCamera: () => ({ ptz: true }),
    });
    city = await startTestGateway({
      cascade: cascadeServerConfig(certs, [
        { name: 'town-a', token: TOKEN_A, department: 'urban', commonName: 'town-a' },
        { name: 'town-b', token: TOKEN_B, department: 'urban', commonName: '' },
      ]),
    });
    cityPort = city.gw.services.cascade.upper!.server.port;
    // the city's cascade port stays the same across its restarts (the township knows it)
    city.gw.config.cascade.server.port = cityPort;
    town = await startTestGateway({
      cascade: cascadeUpstreamConfig(certs, { port: cityPort, name: 'town-a', token: TOKEN_A, actAs: 'city-link' }),
    });
    await town.addUser('city-link', 'operator', 'traffic');
    await town.addUser('tadm', 'admin', 'police');
    await city.addUser('cop', 'operator', 'urban');
    townAdmin = await town.login('tadm');
    cityOp = await city.login('cop');
    shared = await registerOnvifCamera(town, townAdmin, sims.cameras[0]!, {
      network: 'lan',
      name: '镇政府门口',
      lng: 111.7,
      lat: 29.03,
    });
    const other = await town.api('POST', '/api/v1/cameras', {
      token: townAdmin,
      body: {
        name: '内部',
        mainUri: 'rtsp://127.0.0.1:9/x',
        lng: 111.71,
        lat: 29.04,
        streams: { main: { codec: 'h264' } },
      },
    });
    unshared = other.body.id as string;
    const share = await town.api('POST', '/api/v1/shares', {
      token: townAdmin,
      body: { toDepartmentId: town.departments.traffic, kind: 'cameras', cameraIds: [shared] },
    });
    assert.equal(share.status, 201, share.text);
    shareId = share.body.id as number;
  });
  after(async () => {
    await town?.close();
    await city?.close();
    await sims?.close();
  });

  it('links with certificate and token; the shared camera appears at the city with its position, the other does not', async () => {
    const cam = await waitFor(cityCamera, { timeoutMs: 15_000, what: 'the shared camera at the city' });
    assert.equal(cam.source, 'cascade');
    assert.equal(cam.name, '镇政府门口');
    assert.equal(cam.departmentId, city.departments.urban);
    assert.deepEqual([cam.lng, cam.lat], [111.7, 29.03]);
    const cams = await city.gw.repos.cameras.cascadeCameras('town-a');
    assert.ok(!cams.some((c) => c.cascadeCameraId === unshared), 'an unshared camera is not published');
    const list = await city.api('GET', '/api/v1/cameras?limit=100', { token: cityOp });
    assert.ok(
      list.body.items.some((c: { id: string }) => c.id === cam.id),
      'the city operator sees it',
    );
    assert.ok(city.gw.services.directory.lookup(cam.id), 'the map index holds it');
    await city.addUser('cadm', 'admin', 'urban');
    const edit = await city.api('PATCH', `/api/v1/cameras/${cam.id}`, {
      token: await city.login('cadm'),
      body: { mainUri: 'rtsp://10.0.0.1/x' },
    });
    assert.equal(edit.status, 400, edit.text);
    assert.match(edit.body.detail, /cascaded camera's source and addresses are its lower platform's/);
  });

  it('the city operator plays it live through the township (never from the camera), audited at the township', async () => {
    const cam = (await cityCamera())!;
    const r = await city.api('POST', `/api/v1/cameras/${cam.id}/streams`, {
      token: cityOp,
      body: { profile: 'main', reason: 'patrol' },
    });
    assert.equal(r.status, 201, r.text);
    const live = await LiveClient.open(`ws://127.0.0.1:${city.gw.port}${r.body.live}`);
    await live.until(() => live.fragments.some((f) => f.keyframe), 20_000, 'a keyframe at the city');
    const pulls = city.gw.services.supervisor.list();
    assert.ok(pulls.length > 0 && pulls.every((p) => !/rtsp:/.test(JSON.stringify(p))), 'the city pulls no RTSP');
    const audit = await town.gw.db.knex('audit_log').where({ action: 'stream.open' }).select('actor_name', 'ip');
    assert.ok(
      audit.some((a) => /^city-link/.test(a.actor_name) && /^cascade:/.test(a.ip)),
      JSON.stringify(audit),
    );
    await live.close();
  });

  it('PTZ goes through the township, the city operator named in its audit', async () => {
    const cam = (await cityCamera())!;
    assert.equal(cam.capabilities.ptz, true);
    const mv = await city.api('POST', `/api/v1/cameras/${cam.id}/ptz/move`, { token: cityOp, body: { pan: 0.5 } });
    assert.equal(mv.status, 204, mv.text);
    assert.equal(sims.cameras[0]!.camera.ptzStatus().moving, true, 'the camera moves');
    const st = await city.api('POST', `/api/v1/cameras/${cam.id}/ptz/stop`, { token: cityOp });
    assert.equal(st.status, 204, st.text);
    assert.equal(sims.cameras[0]!.camera.ptzStatus().moving, false);
    const rows = await town.gw.db.knex('audit_log').where({ action: 'camera.ptz' }).select('actor_name');
    assert.ok(
      rows.some((a) => /cop/.test(a.actor_name)),
      JSON.stringify(rows),
    );
  });

  it('a wrong certificate, no certificate or a wrong token is refused clearly', async () => {
    const rogue = await dial(cityPort, {
      name: 'town-a',
      token: TOKEN_A,
      cert: certs.rogueCert,
      key: certs.rogueKey,
      ca: certs.ca,
    });
    assert.ok('status' in rogue && rogue.status === 401, JSON.stringify(rogue));
    assert.match((rogue as { detail: string }).detail, /client certificate refused/);
    const none = await dial(cityPort, { name: 'town-a', token: TOKEN_A, ca: certs.ca });
    assert.ok('status' in none && none.status === 401 && /certificate/.test(none.detail), JSON.stringify(none));
    const token = await dial(cityPort, {
      name: 'town-b',
      token: 'wrong-token-0123456789',
      cert: certs.clientCert,
      key: certs.clientKey,
      ca: certs.ca,
    });
    assert.ok(
      'status' in token && token.status === 401 && /wrong token for peer town-b/.test(token.detail),
      JSON.stringify(token),
    );
    const denied = await waitFor(
      async () => {
        const rows = await city.gw.db
          .knex('audit_log')
          .where({ action: 'cascade.link', outcome: 'denied' })
          .select('detail');
        return rows.length >= 3 ? rows : null;
      },
      { what: 'the refusals audited' },
    );
    assert.equal(denied.length, 3, JSON.stringify(denied));
  });

  it('a hostile catalog is refused item by item; the valid items are stored', async () => {
    const r = await dial(cityPort, {
      name: 'town-b',
      token: TOKEN_B,
      cert: certs.clientCert,
      key: certs.clientKey,
      ca: certs.ca,
    });
    assert.ok('ws' in r);
    const ok = {
      id: 'b1',
      name: '桥头',
      lng: 111.8,
      lat: 29.1,
      bearing: null,
      fov: null,
      rangeM: null,
      address: '',
      status: 'online',
      ptz: false,
      playback: false,
      codec: 'h264',
    };
    const items = [
      ok,
      { ...ok, id: 'b2', name: '<script>alert(1)</script>' },
      { ...ok, id: 'b3', lng: 500 },
      { ...ok, id: 'b4', mainUri: 'rtsp://10.0.0.1/evil' },
      { ...ok, id: '../b5' },
      { ...ok, id: 'b6', name: 'x'.repeat(5000) },
      { ...ok, id: 'b7', status: 'hacked' },
      { ...ok, id: 'b8', codec: 'mjpeg' },
      'not an object',
      { ...ok },
    ];
    r.ws.send(JSON.stringify({ t: 'catalog', full: true, items }));
    r.ws.send('not json');
    await waitFor(async () => (await city.gw.repos.cameras.cascadeCameras('town-b')).length === 1, {
      what: 'the valid item',
    });
    const stored = await city.gw.repos.cameras.cascadeCameras('town-b');
    assert.deepEqual(
      stored.map((c) => c.cascadeCameraId),
      ['b1'],
    );
    const refused = await waitFor(
      async () => {
        const rows = await city.gw.db.knex('audit_log').where({ action: 'cascade.refused' }).select('detail');
        return rows.length >= 9 ? rows : null;
      },
      { what: 'nine refusals audited' },
    );
    assert.equal(refused.length, 9);
    r.ws.close();
  });

  it('the township withdraws the camera: it vanishes from the city at once and its live stream ends', async () => {
    const cam = (await cityCamera())!;
    const r = await city.api('POST', `/api/v1/cameras/${cam.id}/streams`, {
      token: cityOp,
      body: { profile: 'main', reason: 'x' },
    });
    const live = await LiveClient.open(`ws://127.0.0.1:${city.gw.port}${r.body.live}`);
    await live.until(() => live.fragments.length > 0, 20_000, 'video');
    const t0 = Date.now();
    const del = await town.api('DELETE', `/api/v1/shares/${shareId}`, { token: townAdmin });
    assert.equal(del.status, 200, del.text);
    await waitFor(async () => !(await cityCamera()), { timeoutMs: 3000, what: 'the camera gone from the city' });
    assert.ok(Date.now() - t0 < 3000);
    assert.equal(city.gw.services.directory.lookup(cam.id), undefined, 'gone from the map index');
    const closed = await live.whenClosed();
    assert.equal(closed.code, 4403);
  });

  it('the link comes back after the township restarts, and after the city restarts', async () => {
    const share = await town.api('POST', '/api/v1/shares', {
      token: townAdmin,
      body: { toDepartmentId: town.departments.traffic, kind: 'cameras', cameraIds: [shared] },
    });
    assert.equal(share.status, 201, share.text);
    await waitFor(cityCamera, { timeoutMs: 10_000, what: 'published again' });
    await town.restart();
    await waitFor(() => city.gw.services.cascade.upper!.links.has('town-a'), {
      timeoutMs: 15_000,
      what: 'relinked after township restart',
    });
    await city.restart();
    await waitFor(() => city.gw.services.cascade.upper!.links.has('town-a'), {
      timeoutMs: 15_000,
      what: 'relinked after city restart',
    });
    const cam = await waitFor(cityCamera, { timeoutMs: 10_000, what: 'the camera after restarts' });
    cityOp = await city.login('cop');
    const r = await city.api('POST', `/api/v1/cameras/${cam.id}/streams`, {
      token: cityOp,
      body: { profile: 'main', reason: 'x' },
    });
    assert.equal(r.status, 201, r.text);
    const live = await LiveClient.open(`ws://127.0.0.1:${city.gw.port}${r.body.live}`);
    await live.until(() => live.fragments.some((f) => f.keyframe), 20_000, 'video after restarts');
    await live.close();
  });
});
