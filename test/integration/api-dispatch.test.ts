// The route table in front of express: JSON GET routes answered without express, identically to it.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const SECURITY = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
};

describe('API: JSON GET routes answered from the route table', function () {
  this.timeout(60000);
  let t: TestGateway;
  let admin: string;
  let viewer: string;
  let cameraId: string;
  /** One entry per request the listener offered to the table: true = the table answered it. */
  const offered: boolean[] = [];

  before(async () => {
    t = await startTestGateway({ server: { corsOrigins: ['http://wall.example'] } });
    await t.addUser('d-admin', 'admin', null);
    await t.addUser('d-viewer', 'viewer', 'police');
    admin = await t.login('d-admin');
    viewer = await t.login('d-viewer');
    for (let i = 0; i < 3; i++) {
      const r = await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: {
          name: `路口 ${i}`,
          departmentId: t.departments.police,
          mainUri: `rtsp://10.1.0.${i}/main`,
          lng: 111.69 + i * 0.001,
          lat: 29.03,
          bearing: 90,
          fov: 60,
          rangeM: 200,
          tags: ['crossing'],
        },
      });
      assert.equal(r.status, 201, r.text);
      cameraId ??= r.body.id;
    }
    const api = t.gw.api;
    const dispatch = api.dispatch.bind(api);
    api.dispatch = (req: IncomingMessage, res: ServerResponse) => {
      const answered = dispatch(req, res);
      offered.push(answered);
      return answered;
    };
  });
  after(async () => t?.close());

  /** GETs `url` (as `token`; null = no credentials) and reports whether the route table answered it. */
  async function get(url: string, headers: Record<string, string> = {}, token: string | null = viewer) {
    offered.length = 0;
    const r = await t.api('GET', url, { ...(token ? { token } : {}), headers });
    return { ...r, direct: offered.length === 1 && offered[0] === true };
  }

  it('answers the same status, headers and body as express for the same route', async () => {
    const urls = [
      '/api/v1/gis/nearby?lng=111.69&lat=29.03&radius=500&limit=5',
      '/api/v1/gis/covering?lng=111.6905&lat=29.03',
      '/api/v1/cameras?limit=2',
      `/api/v1/cameras/${cameraId}`,
      '/api/v1/auth/me',
      '/api/v1/client-config',
      '/api/v1/gis/nearby?lng=abc&lat=29.03', // 400 with field errors
      '/api/v1/gis/nearby?lng=111.69&lat=29.03&bogus=1', // 400 unknown parameter
      '/api/v1/cameras/987654321', // 404
      '/api/v1/audit', // 403 for a viewer
    ];
    for (const url of urls) {
      const direct = await get(url);
      // a trailing slash is not in the table: express's router serves the same route
      const [p, q] = url.split('?');
      const viaExpress = await get(`${p}/${q ? `?${q}` : ''}`);
      assert.equal(direct.direct, true, `${url} answered by the table`);
      assert.equal(viaExpress.direct, false, `${url}/ answered by express`);
      assert.equal(direct.status, viaExpress.status, url);
      assert.deepEqual(direct.body, viaExpress.body, url);
      assert.equal(direct.headers.get('content-type'), viaExpress.headers.get('content-type'), url);
      assert.equal(direct.headers.get('www-authenticate'), viaExpress.headers.get('www-authenticate'), url);
      for (const [k, v] of Object.entries(SECURITY)) assert.equal(direct.headers.get(k), v, `${url} ${k}`);
    }
  });

  it('401 without credentials and for a forged token, as a problem document with WWW-Authenticate', async () => {
    for (const token of [null, `${viewer.slice(0, -4)}AAAA`]) {
      const r = await get('/api/v1/gis/nearby?lng=111.69&lat=29.03', {}, token);
      assert.equal(r.direct, true);
      assert.equal(r.status, 401, r.text);
      assert.equal(r.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal(r.body.status, 401);
    }
  });

  it('leaves routes that write their own answer to express, in registration order', async () => {
    // '/cameras/{id}' is in the table; the fixed path registered before it must still win
    const csv = await get('/api/v1/cameras/export.csv');
    assert.equal(csv.direct, false);
    assert.equal(csv.status, 200, csv.text);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.text, /路口 0/);
    const docs = await get('/api/v1/docs', {}, null);
    assert.equal(docs.direct, false);
    assert.match(docs.headers.get('content-type') ?? '', /^text\/html/);
  });

  it('a malformed path is a 400 problem, not a crash, and the server goes on', async () => {
    const r = await get('/api/v1/cameras/%E0%A4%A');
    assert.equal(r.direct, false);
    assert.equal(r.status, 400, r.text);
    assert.equal(r.body.detail, 'malformed percent-encoding in the request path');
    assert.equal((await get('/api/v1/auth/me')).status, 200);
  });

  it('HEAD, other methods, cross-origin requests and unknown paths go through express', async () => {
    offered.length = 0;
    const head = await fetch(`${t.base}/api/v1/auth/me`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${viewer}` },
    });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.deepEqual(offered, [false]);

    const cors = await get('/api/v1/auth/me', { origin: 'http://wall.example' });
    assert.equal(cors.status, 200);
    assert.equal(cors.headers.get('access-control-allow-origin'), 'http://wall.example');
    assert.equal(offered.length, 0, 'a cross-origin request is not offered to the table');

    const unknown = await get('/api/v1/gis/nowhere');
    assert.equal(unknown.direct, false);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  });
});
