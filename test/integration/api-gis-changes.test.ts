// GIS over HTTP, second part: grid import and validation, cameras moved and removed through the API,
// BD-09 in and out, area scopes made of grid polygons, clusters following changes.
import assert from 'node:assert/strict';
import { bearingDeg, distanceM, wgs84ToBd09, wgs84ToGcj02 } from '../../gis/index';
import { waitFor } from '../../bench/transcoder-proc';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const square = (x0: number, y0: number, x1: number, y1: number) => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});
type Hit = {
  camera: { id: string; name: string; lng: number; lat: number; gridId: number | null };
  distanceM: number;
  bearingDeg: number;
  covering?: boolean;
  alongM?: number;
};
const names = (r: { body: { items: Hit[] } }): string[] => r.body.items.map((h) => h.camera.name);

describe('API: GIS after changes', function () {
  this.timeout(60000);
  let t: TestGateway;
  let admin: string;
  let police: string;
  const logs: string[] = [];
  const W = square(111.6, 29.0, 111.7, 29.05); // west grid
  const E = square(111.7, 29.0, 111.8, 29.05); // east grid (shares an edge with W)
  let grids: Record<string, number> = {};

  before(async () => {
    t = await startTestGateway({}, { onLog: (level, msg) => logs.push(`${level} ${msg}`) });
    await t.addUser('chg-admin', 'admin', null);
    await t.addUser('chg-police', 'operator', 'police');
    admin = await t.login('chg-admin');
    police = await t.login('chg-police');
  });
  after(async () => t?.close());

  const camera = async (
    name: string,
    lng: number,
    lat: number,
    extra: Record<string, unknown> = {},
  ): Promise<string> => {
    const r = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name,
        departmentId: t.departments.police,
        mainUri: `rtsp://10.1.0.${name.length}/${name}`,
        lng,
        lat,
        ...extra,
      },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.id as string;
  };
  const settle = (what: string, check: () => Promise<boolean>): Promise<number> => waitFor(what, check, 2500);

  it('imports grids and key places from a GeoJSON FeatureCollection', async () => {
    const r = await t.api('POST', '/api/v1/grids', {
      token: admin,
      type: 'application/json',
      body: {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: W, properties: { name: '西网格', kind: 'grid' } },
          { type: 'Feature', geometry: E, properties: { name: '东网格', kind: 'grid' } },
          {
            type: 'Feature',
            geometry: square(111.74, 29.02, 111.76, 29.04),
            properties: { name: '常德站', kind: 'place', code: 'CDZ' },
          },
        ],
      },
    });
    assert.equal(r.status, 201, r.text);
    grids = Object.fromEntries(r.body.map((g: { name: string; id: number }) => [g.name, g.id]));
    assert.equal(Object.keys(grids).length, 3);
    const loc = await t.api('GET', '/api/v1/gis/locate?lng=111.75&lat=29.03', { token: police });
    assert.deepEqual(loc.body.items.map((g: { name: string }) => g.name).sort(), ['东网格', '常德站']);
  });

  const badGrids: Array<[string, unknown, string]> = [
    [
      'an unclosed ring',
      {
        name: 'x',
        kind: 'grid',
        geometry: {
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
      'body.geometry.coordinates[0]',
    ],
    [
      'a latitude of 95',
      { name: 'x', kind: 'grid', geometry: square(111, 29, 112, 95) },
      'body.geometry.coordinates[0]',
    ],
    [
      'a ring of 3 positions',
      {
        name: 'x',
        kind: 'grid',
        geometry: {
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
      'body.geometry.coordinates[0]',
    ],
    [
      'one bad feature among good ones',
      {
        type: 'FeatureCollection',
        features: [
          { type: 'Feature', geometry: square(111, 29, 111.1, 29.1), properties: { name: 'ok', kind: 'grid' } },
          {
            type: 'Feature',
            geometry: {
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
            properties: { name: 'bad', kind: 'grid' },
          },
        ],
      },
      'body.features[1].geometry.coordinates[0]',
    ],
  ];
  for (const [name, body, path] of badGrids) {
    it(`a grid with ${name} is a 400 naming ${path}, and nothing is stored`, async () => {
      const before = (await t.api('GET', '/api/v1/grids', { token: admin })).body.length;
      const r = await t.api('POST', '/api/v1/grids', { token: admin, body });
      assert.equal(r.status, 400, r.text);
      assert.ok(
        r.body.errors.some((e: { path: string }) => e.path.startsWith(path)),
        JSON.stringify(r.body.errors),
      );
      assert.equal((await t.api('GET', '/api/v1/grids', { token: admin })).body.length, before);
    });
  }

  it('a non-admin cannot add grids', async () => {
    assert.equal(
      (await t.api('POST', '/api/v1/grids', { token: police, body: { name: 'x', kind: 'grid', geometry: W } })).status,
      403,
    );
  });

  it("an invalid grid stored behind the gateway's back is left out with a warning; the others keep working", async () => {
    await t.gw.db.knex('grids').insert({
      name: 'broken',
      kind: 'grid',
      geometry: JSON.stringify({
        type: 'Polygon',
        coordinates: [
          [
            [111, 29],
            [112, 29],
            [112, 30],
            [111, 30],
          ],
        ],
      }),
    });
    await t.gw.reload();
    assert.ok(
      logs.some((l) => /^warn grids: grid \d+ left out of the layer: .*closed/.test(l)),
      logs.join('\n'),
    );
    const loc = await t.api('GET', '/api/v1/gis/locate?lng=111.65&lat=29.02', { token: police });
    assert.deepEqual(
      loc.body.items.map((g: { name: string }) => g.name),
      ['西网格'],
    );
    await t.gw.db.knex('grids').where({ name: 'broken' }).delete();
    await t.gw.reload();
  });

  it('a camera added, moved and removed through the API: every query follows, and so does its grid', async () => {
    const id = await camera('mover', 111.65, 29.02, { bearing: 90, fov: 60, rangeM: 200 });
    const cam = async () =>
      (await t.api('GET', `/api/v1/cameras/${id}`, { token: police })).body as { gridId: number | null };
    await settle('the grid of the new camera', async () => (await cam()).gridId === grids['西网格']);
    const near = (lng: number, lat: number) =>
      t.api('GET', `/api/v1/gis/nearby?lng=${lng}&lat=${lat}&radius=300`, { token: police });
    assert.deepEqual(names(await near(111.65, 29.02)), ['mover']);

    const moved = await t.api('PATCH', `/api/v1/cameras/${id}`, { token: admin, body: { lng: 111.78, lat: 29.04 } });
    assert.equal(moved.status, 200, moved.text);
    assert.deepEqual(names(await near(111.65, 29.02)), [], 'gone from the old place');
    assert.deepEqual(names(await near(111.78, 29.04)), ['mover'], 'found at the new place');
    await settle('the grid of the moved camera', async () => (await cam()).gridId === grids['东网格']);
    const east = await t.api('GET', `/api/v1/grids/${grids['东网格']}/cameras`, { token: police });
    assert.deepEqual(names(east), ['mover']);

    assert.equal((await t.api('DELETE', `/api/v1/cameras/${id}`, { token: admin })).status, 204);
    const all = [
      await near(111.78, 29.04),
      await t.api('GET', '/api/v1/gis/covering?lng=111.781&lat=29.04', { token: police }),
      await t.api('POST', '/api/v1/gis/within', { token: police, body: { bbox: [111.6, 29, 111.8, 29.05] } }),
      await t.api('POST', '/api/v1/gis/within', { token: police, body: { polygon: E } }),
      await t.api('POST', '/api/v1/gis/along', {
        token: police,
        body: {
          line: {
            type: 'LineString',
            coordinates: [
              [111.77, 29.04],
              [111.79, 29.04],
            ],
          },
          distanceM: 100,
        },
      }),
      await t.api('GET', `/api/v1/grids/${grids['东网格']}/cameras`, { token: police }),
    ];
    for (const r of all) assert.deepEqual(names(r), [], r.text);
  });

  it('cameras already in place take a grid drawn over them, and lose it when it is removed, in every answer', async () => {
    const id = await camera('before-the-grid', 111.9, 29.02);
    const hitGrid = async (): Promise<number | null | undefined> => {
      const r = await t.api('GET', '/api/v1/gis/nearby?lng=111.90&lat=29.02&radius=10', { token: police });
      return (r.body.items as Hit[]).find((h) => h.camera.id === id)?.camera.gridId;
    };
    assert.equal(await hitGrid(), null);
    const g = await t.api('POST', '/api/v1/grids', {
      token: admin,
      body: { name: '北网格', kind: 'grid', geometry: square(111.85, 29.0, 111.95, 29.05) },
    });
    assert.equal(g.status, 201, g.text);
    const gridId = (Array.isArray(g.body) ? g.body[0] : g.body).id as number;
    await settle('the nearby answer names the new grid', async () => (await hitGrid()) === gridId);
    assert.equal(
      (await t.api('GET', `/api/v1/cameras/${id}`, { token: police })).body.gridId,
      gridId,
      'the camera record agrees',
    );
    const within = await t.api('POST', '/api/v1/gis/within', {
      token: police,
      body: { circle: { lng: 111.9, lat: 29.02, radiusM: 10 } },
    });
    assert.equal((within.body.items as Hit[])[0]?.camera.gridId, gridId);
    assert.equal((await t.api('DELETE', `/api/v1/grids/${gridId}`, { token: admin })).status, 204);
    await settle('the grid is gone from the nearby answer', async () => (await hitGrid()) === null);
    assert.equal((await t.api('GET', `/api/v1/cameras/${id}`, { token: police })).body.gridId, null);
    assert.equal((await t.api('DELETE', `/api/v1/cameras/${id}`, { token: admin })).status, 204);
  });

  it('covering and along name the right cameras, in order, with distance and bearing from the point', async () => {
    const a = await camera('looks-east', 111.72, 29.03, { bearing: 90, fov: 40, rangeM: 300 });
    const b = await camera('looks-west', 111.723, 29.03, { bearing: 270, fov: 40, rangeM: 300 });
    await camera('looks-north', 111.7215, 29.029, { bearing: 0, fov: 20, rangeM: 50 }); // its 50 m do not reach the point
    const P = [111.7212, 29.03] as const;
    const c = await t.api('GET', `/api/v1/gis/covering?lng=${P[0]}&lat=${P[1]}`, { token: police });
    const hits = c.body.items as Hit[];
    // nearest first: looks-east is 1.2e-3 deg away, looks-west 1.8e-3 deg; looks-north does not reach
    assert.deepEqual(
      hits.map((h) => h.camera.id),
      [a, b],
      c.text,
    );
    for (const h of hits) {
      assert.ok(Math.abs(h.distanceM - distanceM(P[0], P[1], h.camera.lng, h.camera.lat)) < 0.1);
      assert.ok(
        Math.abs(h.bearingDeg - bearingDeg(P[0], P[1], h.camera.lng, h.camera.lat)) < 0.1,
        `${h.camera.name} bearing ${h.bearingDeg}`,
      );
    }
    assert.ok(
      Math.abs(hits[0]!.bearingDeg - 270) < 0.5 && Math.abs(hits[1]!.bearingDeg - 90) < 0.5,
      'west of the point, then east of it',
    );
    const along = await t.api('POST', '/api/v1/gis/along', {
      token: police,
      body: {
        line: {
          type: 'LineString',
          coordinates: [
            [111.719, 29.03],
            [111.724, 29.03],
          ],
        },
        distanceM: 120,
      },
    });
    assert.deepEqual(
      along.body.items.map((h: Hit) => h.camera.name),
      ['looks-east', 'looks-north', 'looks-west'],
      along.text,
    );
    const at = along.body.items.map((h: Hit) => h.alongM!);
    assert.ok(at[0]! < at[1]! && at[1]! < at[2]!, `alongM ${at}`);
  });

  it('accepts and returns BD-09 on request, and takes a polygon in GCJ-02', async () => {
    const [bx, by] = wgs84ToBd09(111.72, 29.03);
    const r = await t.api('GET', `/api/v1/gis/nearby?lng=${bx}&lat=${by}&radius=50&crs=bd09&order=distance`, {
      token: police,
    });
    assert.equal(r.status, 200, r.text);
    const first = r.body.items[0] as Hit;
    assert.equal(first.camera.name, 'looks-east');
    assert.ok(first.distanceM < 1, 'the BD-09 point was converted before the query');
    assert.ok(
      Math.abs(first.camera.lng - bx) < 1e-6 && Math.abs(first.camera.lat - by) < 1e-6,
      'result coordinates are BD-09',
    );
    const ring = [
      [111.7195, 29.0295],
      [111.7205, 29.0295],
      [111.7205, 29.0305],
      [111.7195, 29.0305],
      [111.7195, 29.0295],
    ].map(([x, y]) => wgs84ToGcj02(x!, y!));
    const w = await t.api('POST', '/api/v1/gis/within', {
      token: police,
      body: { polygon: { type: 'Polygon', coordinates: [ring] }, crs: 'gcj02' },
    });
    assert.equal(w.status, 200, w.text);
    assert.deepEqual(names(w), ['looks-east']);
  });

  it('map clusters and grid camera lists take and return GCJ-02 / BD-09 on request', async () => {
    const wgs = await t.api('GET', '/api/v1/map/clusters?bbox=111.719,29.029,111.721,29.031&zoom=20', {
      token: police,
    });
    const one = wgs.body.features.find((f: { properties: { name: string } }) => f.properties.name === 'looks-east');
    assert.deepEqual(one.geometry.coordinates, [111.72, 29.03]);
    for (const [crs, to] of [
      ['gcj02', wgs84ToGcj02],
      ['bd09', wgs84ToBd09],
    ] as const) {
      const [w, s0] = to(111.719, 29.029);
      const [e, n] = to(111.721, 29.031);
      const r = await t.api('GET', `/api/v1/map/clusters?bbox=${w},${s0},${e},${n}&zoom=20&crs=${crs}`, {
        token: police,
      });
      assert.equal(r.status, 200, r.text);
      const f = r.body.features.find((x: { properties: { name: string } }) => x.properties.name === 'looks-east');
      const [x, y] = to(111.72, 29.03);
      assert.ok(
        f && Math.abs(f.geometry.coordinates[0] - x) < 1e-9 && Math.abs(f.geometry.coordinates[1] - y) < 1e-9,
        `${crs}: ${JSON.stringify(f?.geometry)}`,
      );
      const g = await t.api('GET', `/api/v1/grids/${grids['东网格']}/cameras?crs=${crs}`, { token: police });
      const cam = (g.body.items as Hit[]).find((h) => h.camera.name === 'looks-east')!;
      assert.ok(
        Math.abs(cam.camera.lng - x) < 1e-9 && Math.abs(cam.camera.lat - y) < 1e-9,
        `${crs}: ${JSON.stringify(cam.camera)}`,
      );
    }
  });

  it('a user whose area scope is a grid sees only the cameras inside it, in every query', async () => {
    const made = await t.api('POST', '/api/v1/users', {
      token: admin,
      body: {
        username: 'west-only',
        password: 'pw-west-only',
        role: 'operator',
        departmentId: t.departments.police,
        areaGridId: grids['西网格'],
      },
    });
    assert.equal(made.status, 201, made.text);
    await camera('in-west', 111.699, 29.03);
    const scoped = await t.login('west-only');
    const box = { bbox: [111.6, 29, 111.8, 29.05] };
    const full = names(await t.api('POST', '/api/v1/gis/within', { token: police, body: box })).sort();
    assert.ok(full.includes('in-west') && full.includes('looks-east'), full.join());
    assert.deepEqual(names(await t.api('POST', '/api/v1/gis/within', { token: scoped, body: box })), ['in-west']);
    assert.deepEqual(
      names(await t.api('GET', '/api/v1/gis/nearby?lng=111.70&lat=29.03&radius=5000', { token: scoped })),
      ['in-west'],
    );
    const list = await t.api('GET', '/api/v1/cameras?limit=100', { token: scoped });
    assert.deepEqual(
      list.body.items.map((c: { name: string }) => c.name),
      ['in-west'],
    );
    const clusters = await t.api('GET', '/api/v1/map/clusters?bbox=111.6,29,111.8,29.05&zoom=20', { token: scoped });
    assert.deepEqual(
      clusters.body.features.map((f: { properties: { name: string } }) => f.properties.name),
      ['in-west'],
    );
  });

  it('map clusters follow camera changes and share changes', async () => {
    const traffic = await (async () => {
      await t.addUser('chg-traffic', 'viewer', 'traffic');
      return t.login('chg-traffic');
    })();
    const count = async (token: string): Promise<number> => {
      const r = await t.api('GET', '/api/v1/map/clusters?bbox=111.6,29,111.8,29.05&zoom=8', { token });
      assert.equal(r.status, 200, r.text);
      return r.body.features.reduce(
        (s: number, f: { properties: { cluster: boolean; count?: number } }) =>
          s + (f.properties.cluster ? f.properties.count! : 1),
        0,
      );
    };
    // the truth, from the uncached query: clusters may serve a stale set while they rebuild
    const visible = async (): Promise<number> =>
      (
        await t.api('POST', '/api/v1/gis/within', {
          token: police,
          body: { bbox: [111.6, 29, 111.8, 29.05], limit: 500 },
        })
      ).body.items.length;
    const police0 = await visible();
    await settle('clusters of the current set', async () => (await count(police)) === police0);
    assert.equal(await count(traffic), 0);
    await camera('late', 111.75, 29.01);
    await settle('clusters with the new camera', async () => (await count(police)) === police0 + 1);
    const share = await t.api('POST', '/api/v1/shares', {
      token: admin,
      body: { fromDepartmentId: t.departments.police, toDepartmentId: t.departments.traffic, kind: 'all' },
    });
    assert.equal(share.status, 201, share.text);
    await settle('clusters of the new share', async () => (await count(traffic)) === police0 + 1);
    const revoked = await t.api('DELETE', `/api/v1/shares/${share.body.id}`, { token: admin });
    assert.equal(revoked.status, 200, revoked.text);
    await settle('clusters after the share is revoked', async () => (await count(traffic)) === 0);
  });

  it('a stale cluster set never names a camera its caller can no longer see', async () => {
    await t.addUser('chg-traffic2', 'viewer', 'traffic');
    const traffic = await t.login('chg-traffic2');
    const id = await camera('tagged-school', 111.655, 29.045, { tags: ['school'] });
    const share = await t.api('POST', '/api/v1/shares', {
      token: admin,
      body: {
        fromDepartmentId: t.departments.police,
        toDepartmentId: t.departments.traffic,
        kind: 'tags',
        tags: ['school'],
      },
    });
    assert.equal(share.status, 201, share.text);
    const leaves = async (): Promise<string[]> => {
      const r = await t.api('GET', '/api/v1/map/clusters?bbox=111.65,29.04,111.66,29.05&zoom=20', { token: traffic });
      assert.equal(r.status, 200, r.text);
      return r.body.features
        .filter((f: { properties: { cluster: boolean } }) => !f.properties.cluster)
        .map((f: { properties: { id: string } }) => f.properties.id);
    };
    assert.deepEqual(await leaves(), [id]);
    // the tag goes: the set built a moment ago is stale for a second, and must not show the camera meanwhile
    const untagged = await t.api('PATCH', `/api/v1/cameras/${id}`, { token: admin, body: { tags: [] } });
    assert.equal(untagged.status, 200, untagged.text);
    assert.deepEqual(await leaves(), []);
    await settle('the rebuilt set', async () => (await leaves()).length === 0);
  });

  it('a share stops showing its cameras at its expiry and at its revocation, to a session that keeps asking', async () => {
    // the gateway compiles a principal's visibility once and reuses it (AccessControl): the same
    // session must still see a new share at once, and lose it the moment it expires or is revoked
    await t.addUser('chg-traffic3', 'viewer', 'traffic');
    const traffic = await t.login('chg-traffic3');
    const id = await camera('shared-cam', 111.93, 29.13);
    const near = async (): Promise<string[]> => {
      const r = await t.api('GET', '/api/v1/gis/nearby?lng=111.93&lat=29.13&radius=50', { token: traffic });
      assert.equal(r.status, 200, r.text);
      return r.body.items.map((h: Hit) => h.camera.id);
    };
    const share = async (expiresAt: string | null): Promise<number> => {
      const r = await t.api('POST', '/api/v1/shares', {
        token: admin,
        body: {
          fromDepartmentId: t.departments.police,
          toDepartmentId: t.departments.traffic,
          kind: 'cameras',
          cameraIds: [id],
          expiresAt,
        },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id as number;
    };
    assert.deepEqual(await near(), []);
    const expiry = Date.now() + 1500;
    await share(new Date(expiry).toISOString());
    assert.deepEqual(await near(), [id]);
    assert.deepEqual(await near(), [id]);
    await new Promise((r) => setTimeout(r, Math.max(0, expiry - Date.now()) + 5));
    assert.deepEqual(await near(), [], 'gone the moment the share expired');
    const lasting = await share(null);
    assert.deepEqual(await near(), [id]);
    const revoked = await t.api('DELETE', `/api/v1/shares/${lasting}`, { token: admin });
    assert.equal(revoked.status, 200, revoked.text);
    assert.deepEqual(await near(), [], 'gone the moment the share was revoked');
  });
});
