// GIS over HTTP: policy inside the scan, covering-first order, CRS at the edge, clusters, grids, bad GeoJSON.
import assert from 'node:assert/strict';
import { distanceM, wgs84ToGcj02 } from '../../gis/index';
import { waitFor } from '../helpers/wait-for';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: GIS queries', function () {
  this.timeout(60000);
  let t: TestGateway;
  let police: string;
  let traffic: string;
  const P = { lng: 111.69, lat: 29.03 };

  before(async () => {
    t = await startTestGateway();
    await t.addUser('gp', 'operator', 'police');
    await t.addUser('gt', 'viewer', 'traffic');
    await t.addUser('gadmin', 'admin', null);
    police = await t.login('gp');
    traffic = await t.login('gt');
    const admin = await t.login('gadmin');
    // 12 police cameras on a ring around P; a traffic camera right at P
    const body = (i: number) => ({
      name: `ring-${i}`,
      departmentId: t.departments.police,
      mainUri: `rtsp://10.0.0.${i}/main`,
      lng: P.lng + 0.001 * Math.cos(i),
      lat: P.lat + 0.001 * Math.sin(i) + i * 0.0001,
      bearing: (i * 30) % 360,
      fov: 60,
      rangeM: 300,
    });
    for (let i = 0; i < 12; i++)
      assert.equal((await t.api('POST', '/api/v1/cameras', { token: admin, body: body(i) })).status, 201);
    assert.equal(
      (
        await t.api('POST', '/api/v1/cameras', {
          token: admin,
          body: {
            name: 'traffic-at-P',
            departmentId: t.departments.traffic,
            mainUri: 'rtsp://10.9.9.9/m',
            lng: P.lng,
            lat: P.lat,
          },
        })
      ).status,
      201,
    );
    const grid = await t.api('POST', '/api/v1/grids', {
      token: admin,
      body: {
        name: '网格 X',
        kind: 'grid',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [111.68, 29.02],
              [111.7, 29.02],
              [111.7, 29.04],
              [111.68, 29.04],
              [111.68, 29.02],
            ],
          ],
        },
      },
    });
    assert.equal(grid.status, 201, grid.text);
    // grid assignment runs after the response: the index knows every camera's grid at its end
    const ids = (await t.gw.db.knex('cameras').select('id')).map((r: { id: unknown }) => String(r.id));
    await waitFor(() => ids.every((id) => t.gw.services.directory.lookup(id)?.gridId != null), {
      what: 'the grid assignment of every camera',
    });
  });
  after(async () => t?.close());

  it('nearby lists only visible cameras, covering ones first, each group nearest first', async () => {
    const r = await t.api('GET', `/api/v1/gis/nearby?lng=${P.lng}&lat=${P.lat}&radius=1000&limit=50`, {
      token: police,
    });
    assert.equal(r.status, 200, r.text);
    const items = r.body.items as Array<{
      camera: { name: string; lng: number; lat: number };
      distanceM: number;
      covering: boolean;
    }>;
    assert.equal(items.length, 12, 'the traffic camera is not shared with police');
    const firstUncovered = items.findIndex((h) => !h.covering);
    assert.ok(firstUncovered > 0, 'some cameras look at P');
    assert.ok(items.slice(firstUncovered).every((h) => !h.covering));
    for (const group of [items.slice(0, firstUncovered), items.slice(firstUncovered)])
      for (let i = 1; i < group.length; i++) assert.ok(group[i - 1]!.distanceM <= group[i]!.distanceM);
    for (const h of items) assert.ok(Math.abs(h.distanceM - distanceM(P.lng, P.lat, h.camera.lng, h.camera.lat)) < 0.1);
  });

  it('the limit is applied after the policy: the 3 nearest visible, not 3 minus the invisible', async () => {
    const r = await t.api('GET', `/api/v1/gis/nearby?lng=${P.lng}&lat=${P.lat}&radius=1000&limit=3&order=distance`, {
      token: police,
    });
    assert.equal(r.body.items.length, 3);
    assert.ok(r.body.items.every((h: { camera: { name: string } }) => h.camera.name.startsWith('ring-')));
  });

  it('a traffic viewer sees only its camera', async () => {
    const r = await t.api('GET', `/api/v1/gis/nearby?lng=${P.lng}&lat=${P.lat}&radius=1000`, { token: traffic });
    assert.deepEqual(
      r.body.items.map((h: { camera: { name: string } }) => h.camera.name),
      ['traffic-at-P'],
    );
  });

  it('accepts and returns GCJ-02 on request', async () => {
    const [gx, gy] = wgs84ToGcj02(P.lng, P.lat);
    const r = await t.api(
      'GET',
      `/api/v1/gis/nearby?lng=${gx}&lat=${gy}&radius=1000&limit=50&crs=gcj02&order=distance`,
      { token: traffic },
    );
    const cam = r.body.items[0].camera;
    assert.ok(r.body.items[0].distanceM < 1, 'the GCJ-02 point was converted before the query');
    assert.ok(Math.abs(cam.lng - gx) < 1e-6 && Math.abs(cam.lat - gy) < 1e-6, 'result coordinates are GCJ-02');
  });

  it('within a polygon with a hole, along a route, covering a point', async () => {
    const ring = [
      [111.685, 29.025],
      [111.695, 29.025],
      [111.695, 29.035],
      [111.685, 29.035],
      [111.685, 29.025],
    ];
    const hole = [
      [111.6895, 29.0295],
      [111.6905, 29.0295],
      [111.6905, 29.0305],
      [111.6895, 29.0305],
      [111.6895, 29.0295],
    ];
    const w = await t.api('POST', '/api/v1/gis/within', {
      token: traffic,
      body: { polygon: { type: 'Polygon', coordinates: [ring, hole] } },
    });
    assert.equal(w.status, 200, w.text);
    assert.equal(w.body.items.length, 0, 'the traffic camera at P sits in the hole');
    const a = await t.api('POST', '/api/v1/gis/along', {
      token: police,
      body: {
        line: {
          type: 'LineString',
          coordinates: [
            [111.68, 29.03],
            [111.7, 29.03],
          ],
        },
        distanceM: 150,
      },
    });
    assert.equal(a.status, 200, a.text);
    const along = a.body.items.map((h: { alongM: number }) => h.alongM);
    assert.deepEqual(
      along,
      [...along].sort((x: number, y: number) => x - y),
    );
    const c = await t.api('GET', `/api/v1/gis/covering?lng=${P.lng}&lat=${P.lat}`, { token: police });
    assert.ok(c.body.items.length > 0 && c.body.items.every((h: { covering: boolean }) => h.covering));
  });

  const badBodies: Array<[string, unknown, string]> = [
    [
      'an unclosed ring',
      {
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              [111, 29],
              [112, 29],
              [112, 30],
              [111, 30],
            ],
          ],
        },
      },
      'body.polygon.coordinates[0]',
    ],
    [
      'a ring of 3 positions',
      {
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              [111, 29],
              [112, 29],
              [111, 29],
            ],
          ],
        },
      },
      'body.polygon.coordinates[0]',
    ],
    ['a wrong geometry type', { polygon: { type: 'Circle', coordinates: [] } }, 'body.polygon'],
    [
      'non-numeric coordinates',
      {
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              ['a', 29],
              [112, 29],
              [112, 30],
              [111, 29],
            ],
          ],
        },
      },
      'body.polygon.coordinates[0][0][0]',
    ],
    ['two shapes at once', { circle: { lng: 111, lat: 29, radiusM: 10 }, bbox: [111, 29, 112, 30] }, 'body'],
    [
      'a self-crossing ("bowtie") ring',
      {
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              [111, 29],
              [112, 30],
              [112, 29],
              [111, 30],
              [111, 29],
            ],
          ],
        },
      },
      'body.polygon.coordinates[0]',
    ],
    [
      'a ring with no area',
      {
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              [111, 29],
              [111.5, 29.5],
              [112, 30],
              [111, 29],
            ],
          ],
        },
      },
      'body.polygon.coordinates[0]',
    ],
    [
      'a hole outside its outer ring',
      {
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              [111, 29],
              [112, 29],
              [112, 30],
              [111, 30],
              [111, 29],
            ],
            [
              [113, 29],
              [113.5, 29],
              [113.5, 29.5],
              [113, 29],
            ],
          ],
        },
      },
      'body.polygon.coordinates[1]',
    ],
    [
      'a self-crossing hole in a MultiPolygon',
      {
        polygon: {
          type: 'MultiPolygon',
          coordinates: [
            [
              [
                [111, 29],
                [112, 29],
                [112, 30],
                [111, 30],
                [111, 29],
              ],
              [
                [111.2, 29.2],
                [111.8, 29.8],
                [111.8, 29.2],
                [111.2, 29.8],
                [111.2, 29.2],
              ],
            ],
          ],
        },
      },
      'body.polygon.coordinates[0][1]',
    ],
  ];
  for (const [name, body, path] of badBodies) {
    it(`400 for invalid GeoJSON: ${name}, naming ${path}`, async () => {
      const r = await t.api('POST', '/api/v1/gis/within', { token: police, body });
      assert.equal(r.status, 400, r.text);
      assert.ok(
        r.body.errors.some((e: { path: string }) => e.path.startsWith(path)),
        JSON.stringify(r.body.errors),
      );
    });
  }

  it('a grid with a self-crossing boundary is a 400 and is not stored', async () => {
    const admin = await t.login('gadmin');
    const before = (await t.api('GET', '/api/v1/grids', { token: admin })).body.length;
    const r = await t.api('POST', '/api/v1/grids', {
      token: admin,
      body: {
        name: 'bowtie',
        kind: 'grid',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [111, 29],
              [112, 30],
              [112, 29],
              [111, 30],
              [111, 29],
            ],
          ],
        },
      },
    });
    assert.equal(r.status, 400, r.text);
    assert.ok(
      r.body.errors.some(
        (e: { path: string; message: string }) =>
          e.path.startsWith('body.geometry.coordinates[0]') && /simple/.test(e.message),
      ),
      JSON.stringify(r.body.errors),
    );
    assert.equal((await t.api('GET', '/api/v1/grids', { token: admin })).body.length, before);
  });

  it('a caller who can see no camera gets empty answers, and the same 400s for bad input', async () => {
    const admin = await t.login('gadmin');
    const made = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: { name: 'spatial-only', departmentId: t.departments.police, scopes: ['spatial'] },
    });
    assert.equal(made.status, 201, made.text);
    const key = made.body.key as string;
    // a key without the view scope, and a police operator filtering on a department it cannot see
    const callers: Array<[string, { apiKey?: string; token?: string }, string]> = [
      ['spatial-only key', { apiKey: key }, ''],
      ['police filtering on traffic', { token: police }, `&department=${t.departments.traffic}`],
    ];
    for (const [who, auth, filter] of callers) {
      const near = await t.api('GET', `/api/v1/gis/nearby?lng=${P.lng}&lat=${P.lat}&radius=50000${filter}`, auth);
      assert.equal(near.status, 200, `${who}: ${near.text}`);
      assert.deepEqual(near.body.items, [], who);
      const body = {
        polygon: {
          type: 'Polygon',
          coordinates: [
            [
              [111.6, 29],
              [111.8, 29],
              [111.8, 29.1],
              [111.6, 29.1],
              [111.6, 29],
            ],
          ],
        },
        ...(filter ? { department: [String(t.departments.traffic)] } : {}),
      };
      const within = await t.api('POST', '/api/v1/gis/within', { ...auth, body });
      assert.equal(within.status, 200, `${who}: ${within.text}`);
      assert.deepEqual(within.body.items, [], who);
      const bad = await t.api('POST', '/api/v1/gis/within', {
        ...auth,
        body: {
          ...body,
          polygon: {
            type: 'Polygon',
            coordinates: [
              [
                [111, 29],
                [112, 29],
                [112, 30],
                [111, 30],
              ],
            ],
          },
        },
      });
      assert.equal(bad.status, 400, `${who}: ${bad.text}`);
      assert.ok(
        bad.body.errors.some((e: { path: string }) => e.path.startsWith('body.polygon.coordinates[0]')),
        JSON.stringify(bad.body.errors),
      );
      const badLine = await t.api('POST', '/api/v1/gis/along', {
        ...auth,
        body: {
          line: {
            type: 'LineString',
            coordinates: [
              [111.68, 29.03],
              [111.68, 95],
            ],
          },
          distanceM: 50,
        },
      });
      assert.equal(badLine.status, 400, `${who}: ${badLine.text}`);
    }
    // the same filter on a department it can see still finds cameras
    const own = await t.api(
      'GET',
      `/api/v1/gis/nearby?lng=${P.lng}&lat=${P.lat}&radius=1000&department=${t.departments.police}`,
      { token: police },
    );
    assert.ok(own.body.items.length > 0, own.text);
  });

  it('400 for a negative radius and an out-of-range latitude', async () => {
    assert.equal((await t.api('GET', `/api/v1/gis/nearby?lng=111&lat=29&radius=-5`, { token: police })).status, 400);
    assert.equal((await t.api('GET', `/api/v1/gis/nearby?lng=111&lat=95`, { token: police })).status, 400);
  });

  it('map clusters cover the visible set only, with counts per status', async () => {
    const r = await t.api('GET', '/api/v1/map/clusters?bbox=111.6,28.9,111.8,29.1&zoom=10', { token: police });
    assert.equal(r.status, 200, r.text);
    const total = r.body.features.reduce(
      (s: number, f: { properties: { cluster: boolean; count?: number } }) =>
        s + (f.properties.cluster ? f.properties.count! : 1),
      0,
    );
    assert.equal(total, 12);
    const zoomed = await t.api('GET', '/api/v1/map/clusters?bbox=111.6,28.9,111.8,29.1&zoom=20', { token: police });
    const single = zoomed.body.features.find((f: { properties: { cluster: boolean } }) => !f.properties.cluster);
    assert.match(single.properties.name, /^ring-/);
  });

  it('each camera knows its grid; a grid lists its visible cameras; a point locates its grid', async () => {
    const cams = await t.api('GET', '/api/v1/cameras?limit=100', { token: police });
    assert.ok(cams.body.items.every((c: { gridId: number | null }) => c.gridId !== null));
    const gridId = cams.body.items[0].gridId;
    const inGrid = await t.api('GET', `/api/v1/grids/${gridId}/cameras`, { token: police });
    assert.equal(inGrid.body.items.length, 12);
    const loc = await t.api('GET', `/api/v1/gis/locate?lng=${P.lng}&lat=${P.lat}`, { token: police });
    assert.deepEqual(
      loc.body.items.map((g: { name: string }) => g.name),
      ['网格 X'],
    );
  });
});
