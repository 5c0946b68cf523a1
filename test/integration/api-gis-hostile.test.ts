// Hostile input on the GIS API: bodies built to explode validation, bad encodings, NUL in text, bad boxes.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: GIS hostile input', function () {
  this.timeout(60000);
  let t: TestGateway;
  let admin: string;
  let user: string;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('hx-admin', 'admin', null);
    await t.addUser('hx-user', 'operator', 'police');
    admin = await t.login('hx-admin');
    user = await t.login('hx-user');
  });
  after(async () => t?.close());

  // A ping that must stay fast while the server chews on the hostile bodies.
  const ping = async (): Promise<number> => {
    const t0 = performance.now();
    assert.equal((await t.api('GET', '/api/v1/gis/nearby?lng=111.7&lat=29&radius=10', { token: user })).status, 200);
    return performance.now() - t0;
  };

  const explosive: Array<[string, string, string]> = [
    [
      'a ring of 200,000 bad positions',
      `{"polygon":{"type":"Polygon","coordinates":[[${new Array(200_000).fill('0').join(',')}]]}}`,
      'body.polygon.coordinates[0]',
    ],
    [
      'a MultiPolygon of 450,000 bad parts',
      `{"polygon":{"type":"MultiPolygon","coordinates":[${new Array(450_000).fill('0').join(',')}]}}`,
      'body.polygon.coordinates',
    ],
    [
      'a ring of 40,000 bad positions (under the cap)',
      `{"polygon":{"type":"Polygon","coordinates":[[${new Array(40_000).fill('[]').join(',')}]]}}`,
      'body.polygon.coordinates[0]',
    ],
  ];
  for (const [name, raw, path] of explosive) {
    it(`${name}: a 400 with a bounded list of issues, and the server stays responsive`, async () => {
      const bodies = Array.from({ length: 6 }, () =>
        t.api('POST', '/api/v1/gis/within', { token: user, raw, type: 'application/json' }),
      );
      const pings = [ping(), ping()];
      const answers = await Promise.all(bodies);
      for (const r of answers) {
        assert.equal(r.status, 400, r.text.slice(0, 300));
        assert.ok(r.text.length < 20_000, `answer of ${r.text.length} bytes`);
        assert.ok(
          r.body.errors.length <= 51 && r.body.errors.some((e: { path: string }) => e.path.startsWith(path)),
          JSON.stringify(r.body.errors.slice(0, 3)),
        );
      }
      for (const ms of await Promise.all(pings)) assert.ok(ms < 2000, `a simple query waited ${ms.toFixed(0)} ms`);
    });
  }

  const notNumbers: Array<[string, string, string]> = [
    ['an empty lng', '/api/v1/gis/nearby?lng=&lat=29', 'query.lng'],
    ['a blank lat', '/api/v1/gis/covering?lng=111&lat=%20', 'query.lat'],
    ['a hex lng', '/api/v1/gis/nearby?lng=0x6f&lat=29', 'query.lng'],
    ['an empty radius', '/api/v1/gis/nearby?lng=111&lat=29&radius=', 'query.radius'],
    ['an empty zoom', '/api/v1/map/clusters?bbox=111,29,112,30&zoom=', 'query.zoom'],
    ['a hex grid id', '/api/v1/grids/0x1/cameras', 'params.id'],
    ['a repeated lng', '/api/v1/gis/nearby?lng=1&lng=2&lat=29', 'query.lng'],
  ];
  for (const [name, url, path] of notNumbers) {
    it(`${name} is a 400 naming ${path}, not a zero`, async () => {
      const r = await t.api('GET', url, { token: user });
      assert.equal(r.status, 400, r.text);
      assert.ok(
        r.body.errors.some((e: { path: string }) => e.path === path),
        JSON.stringify(r.body.errors),
      );
    });
  }

  it('a body that does not inflate under its Content-Encoding is a 400, not a 500', async () => {
    for (const enc of ['gzip', 'deflate']) {
      const r = await t.api('POST', '/api/v1/gis/within', {
        token: user,
        raw: '{"bbox":[111,29,112,30]}',
        type: 'application/json',
        headers: { 'content-encoding': enc },
      });
      assert.equal(r.status, 400, `${enc}: ${r.text}`);
      assert.match(r.body.detail, /Content-Encoding/);
    }
    // and a body that does inflate is read
    const ok = await fetch(new URL('/api/v1/gis/within', t.gw.url), {
      method: 'POST',
      body: gzipSync('{"bbox":[111,29,112,30]}'),
      headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    assert.equal(ok.status, 200, await ok.text());
  });

  it('NUL characters in text are a 400, and nothing is stored', async () => {
    const before = (await t.api('GET', '/api/v1/grids', { token: admin })).body.length;
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [111, 29],
          [111.1, 29],
          [111.1, 29.1],
          [111, 29.1],
          [111, 29],
        ],
      ],
    };
    for (const body of [
      { name: 'a\u0000b', kind: 'grid', geometry: square },
      { name: 'ok', kind: 'grid', geometry: square, properties: { note: 'x\u0000' } },
    ]) {
      const r = await t.api('POST', '/api/v1/grids', { token: admin, body });
      assert.equal(r.status, 400, r.text);
      assert.match(r.body.detail, /NUL/);
    }
    assert.equal((await t.api('GET', '/api/v1/grids', { token: admin })).body.length, before);
  });

  it('a "__proto__" key anywhere in a JSON body, plain or escaped, is a 400 and nothing is stored', async () => {
    const before = (await t.api('GET', '/api/v1/grids', { token: admin })).body.length;
    const square = '{"type":"Polygon","coordinates":[[[111,29],[111.1,29],[111.1,29.1],[111,29.1],[111,29]]]}';
    const raws = [
      `{"name":"p1","kind":"grid","geometry":${square},"properties":{"__proto__":{"admin":true}}}`,
      `{"name":"p2","kind":"grid","geometry":${square},"properties":{"\\u005f\\u005fproto\\u005f\\u005f":{"admin":true}}}`,
      `{"__proto__":{"x":1},"name":"p3","kind":"grid","geometry":${square}}`,
    ];
    for (const raw of raws) {
      const r = await t.api('POST', '/api/v1/grids', { token: admin, raw, type: 'application/json' });
      assert.equal(r.status, 400, r.text);
      assert.match(r.body.detail, /__proto__/);
    }
    assert.equal((await t.api('GET', '/api/v1/grids', { token: admin })).body.length, before);
    // the same key as an ordinary name is fine
    const ok = await t.api('POST', '/api/v1/grids', {
      token: admin,
      raw: `{"name":"proto ok","kind":"grid","geometry":${square},"properties":{"proto":1}}`,
      type: 'application/json',
    });
    assert.equal(ok.status, 201, ok.text);
    const stored = (await t.api('GET', '/api/v1/grids', { token: admin })).body.find(
      (g: { name: string }) => g.name === 'proto ok',
    );
    assert.deepEqual(stored?.properties, { proto: 1 });
  });

  it('a box with minLat > maxLat, or out of range, is a 400 naming the field where it came from', async () => {
    const body = await t.api('POST', '/api/v1/gis/within', { token: user, body: { bbox: [111, 30, 112, 29] } });
    assert.equal(body.status, 400);
    assert.deepEqual(
      body.body.errors.map((e: { path: string }) => e.path),
      ['body.bbox[1]'],
    );
    const range = await t.api('POST', '/api/v1/gis/within', { token: user, body: { bbox: [-500, -100, 500, 100] } });
    assert.equal(range.status, 400);
    assert.ok(
      range.body.errors.every((e: { path: string }) => e.path.startsWith('body.bbox[')),
      JSON.stringify(range.body.errors),
    );
    const query = await t.api('GET', '/api/v1/map/clusters?bbox=111,30,112,29&zoom=10', { token: user });
    assert.equal(query.status, 400);
    assert.deepEqual(
      query.body.errors.map((e: { path: string }) => e.path),
      ['query.bbox[1]'],
    );
    const across = await t.api('POST', '/api/v1/gis/within', { token: user, body: { bbox: [179, -10, -179, 10] } });
    assert.equal(across.status, 200, 'minLng > maxLng crosses the antimeridian');
  });
});
