// CameraIndex edge cases: sectors at 0/360, polygon edges and vertices, radius 0, updates and compaction.
import assert from 'node:assert/strict';
import { CameraIndex } from '../../gis/camera-index';
import { GisInputError } from '../../gis/errors';
import { sectorContains, angleDiff } from '../../gis/sector';
import type { CameraHit, GisCamera } from '../../gis/types';
import { refCircle, refNearest, visible } from '../helpers/gis-brute';
import { randomCameras, prng, randomPoint } from '../helpers/gis-random';

const cam = (id: GisCamera['id'], lng: number, lat: number, extra: Partial<GisCamera> = {}): GisCamera => ({
  id,
  lng,
  lat,
  status: 'online',
  departmentId: 1,
  tags: [],
  bearing: null,
  fovDeg: null,
  rangeM: null,
  ...extra,
});
const ids = (hits: CameraHit[]): Array<GisCamera['id']> => hits.map((h) => h.camera.id);
const X = 111.69,
  Y = 29.03;
const M_LAT = 1 / 111195; // degrees of latitude per metre (R = 6371008.8)

describe('gis view sectors', () => {
  // The camera sits at the origin; the target point is ~50 m away at bearing `towards`.
  const cases: Array<[string, number | null, number | null, number, boolean]> = [
    ['bearing 350 fov 40 covers bearing 5 (wrap past 360)', 350, 40, 5, true],
    ['bearing 350 fov 40 covers bearing 330 (left edge, inclusive)', 350, 40, 330.0001, true],
    ['bearing 350 fov 40 misses bearing 15', 350, 40, 15, false],
    ['bearing 10 fov 40 covers bearing 355 (wrap below 0)', 10, 40, 355, true],
    ['bearing 10 fov 40 misses bearing 300', 10, 40, 300, false],
    ['bearing 0 fov 90 covers bearing 359', 0, 90, 359, true],
    ['bearing 360 equals bearing 0', 360, 20, 1, true],
    ['bearing -10 equals bearing 350', -10, 40, 5, true],
    ['no bearing: 360°', null, 30, 200, true],
    ['fov 360: all around', 90, 360, 270, true],
    ['bearing 90 fov 10 misses bearing 270 (behind)', 90, 10, 270, false],
  ];
  for (const [name, bearing, fovDeg, towards, expected] of cases)
    it(name, () => {
      const rad = (towards * Math.PI) / 180;
      const lng = X + (50 * Math.sin(rad) * M_LAT) / Math.cos((Y * Math.PI) / 180);
      const lat = Y + 50 * Math.cos(rad) * M_LAT;
      assert.equal(sectorContains(cam(1, X, Y, { bearing, fovDeg, rangeM: 100 }), lng, lat), expected);
    });

  it('range: default 80 m when unknown, explicit range otherwise', () => {
    const c = cam(1, X, Y);
    assert.equal(sectorContains(c, X, Y + 79 * M_LAT), true);
    assert.equal(sectorContains(c, X, Y + 81 * M_LAT), false);
    assert.equal(sectorContains(c, X, Y + 81 * M_LAT, { defaultRangeM: 100 }), true);
    assert.equal(sectorContains(cam(1, X, Y, { rangeM: 200 }), X, Y + 150 * M_LAT), true);
  });
  it('the camera position itself is always covered', () => {
    assert.equal(sectorContains(cam(1, X, Y, { bearing: 90, fovDeg: 1, rangeM: 0 }), X, Y), true);
  });
  it('angleDiff is symmetric and wraps', () => {
    assert.equal(angleDiff(350, 10), 20);
    assert.equal(angleDiff(10, 350), 20);
    assert.equal(angleDiff(0, 180), 180);
  });
  it('covering() applies the sector rule in the index, nearest first', () => {
    const index = new CameraIndex();
    index.load([
      cam('looks-away', X, Y - 30 * M_LAT, { bearing: 180, fovDeg: 60, rangeM: 100 }),
      cam('looks-at', X, Y - 40 * M_LAT, { bearing: 0, fovDeg: 60, rangeM: 100 }),
      cam('dome', X, Y + 20 * M_LAT),
      cam('too-short', X, Y + 10 * M_LAT, { bearing: 180, fovDeg: 90, rangeM: 5 }),
    ]);
    assert.deepEqual(ids(index.covering(X, Y)), ['dome', 'looks-at']);
    assert.deepEqual(ids(index.covering(X, Y, { defaultRangeM: 10 })), ['looks-at']);
  });
});

describe('gis polygon edges, radius 0, empties', () => {
  const index = new CameraIndex();
  const square = {
    type: 'Polygon',
    coordinates: [
      [
        [111.6, 29.0],
        [111.7, 29.0],
        [111.7, 29.1],
        [111.6, 29.1],
        [111.6, 29.0],
      ],
    ],
  };
  const withHole = {
    type: 'Polygon',
    coordinates: [
      square.coordinates[0],
      [
        [111.62, 29.02],
        [111.62, 29.08],
        [111.68, 29.08],
        [111.68, 29.02],
        [111.62, 29.02],
      ],
    ],
  };
  index.load([
    cam('on-edge', 111.65, 29.0),
    cam('on-vertex', 111.7, 29.1),
    cam('inside', 111.61, 29.01),
    cam('outside', 111.71, 29.05),
    cam('in-hole', 111.65, 29.05),
    cam('on-hole-edge', 111.62, 29.05),
    cam(7, 111.5, 28.9),
    cam(8, 111.5, 28.9),
    cam(3, 111.5, 28.9),
  ]);
  const polyIds = (g: unknown): string[] => ids(index.withinPolygon(g)).map(String).sort();

  it('a point exactly on an edge and on a vertex counts as inside', () => {
    assert.deepEqual(polyIds(square), ['in-hole', 'inside', 'on-edge', 'on-hole-edge', 'on-vertex']);
  });
  it('a hole excludes its interior but its edge counts as inside', () => {
    assert.deepEqual(polyIds(withHole), ['inside', 'on-edge', 'on-hole-edge', 'on-vertex']);
  });
  it('bbox edges are inclusive', () => {
    assert.deepEqual(
      ids(index.withinBbox([111.6, 29.0, 111.7, 29.1]))
        .map(String)
        .sort(),
      ['in-hole', 'inside', 'on-edge', 'on-hole-edge', 'on-vertex'],
    );
  });
  it('radius 0 returns only cameras exactly at the point, ties by id', () => {
    assert.deepEqual(ids(index.nearest(111.5, 28.9, { n: 10, radiusM: 0 })), [3, 7, 8]);
    assert.deepEqual(ids(index.withinCircle(111.5, 28.9, 0)), [3, 7, 8]);
    assert.deepEqual(ids(index.nearest(111.5, 28.90000001, { radiusM: 0 })), []);
  });
  it('n larger than the visible set returns the whole visible set', () => {
    assert.equal(index.nearest(111.65, 29.05, { n: 1000 }).length, 9);
    assert.deepEqual(
      ids(index.nearest(111.65, 29.05, { n: 1000, predicate: (c) => typeof c.id === 'number' })),
      [3, 7, 8],
    );
  });
  it('empty results are empty arrays', () => {
    assert.deepEqual(index.withinCircle(0, 0, 1000), []);
    assert.deepEqual(index.nearest(111.65, 29.05, { predicate: () => false }), []);
    assert.deepEqual(new CameraIndex().nearest(1, 1), []);
    assert.deepEqual(
      new CameraIndex().along(
        {
          type: 'LineString',
          coordinates: [
            [1, 1],
            [2, 2],
          ],
        },
        100,
      ),
      [],
    );
  });
  it('hits carry distance and bearing from the query point', () => {
    const [h] = index.nearest(111.65, 29.0 - 100 * M_LAT, { n: 1 });
    assert.equal(h?.camera.id, 'on-edge');
    assert.ok(Math.abs((h?.distanceM ?? 0) - 100) < 0.01, `${h?.distanceM}`);
    assert.ok(Math.abs(h?.bearingDeg ?? -1) < 1e-6, `${h?.bearingDeg}`);
  });
});

describe('gis input validation → GisInputError with a field path', () => {
  const index = new CameraIndex();
  index.load([cam(1, X, Y)]);
  const ring = [
    [111.6, 29.0],
    [111.7, 29.0],
    [111.7, 29.1],
    [111.6, 29.0],
  ];
  const cases: Array<[string, () => unknown, string]> = [
    ['longitude out of range', () => index.nearest(181, 29), 'lng'],
    ['latitude NaN', () => index.nearest(111, Number.NaN), 'lat'],
    ['negative radius', () => index.withinCircle(X, Y, -5), 'radiusM'],
    ['n = 0', () => index.nearest(X, Y, { n: 0 }), 'n'],
    ['n = 2.5', () => index.nearest(X, Y, { n: 2.5 }), 'n'],
    ['polygon of wrong type', () => index.withinPolygon({ type: 'Point', coordinates: [1, 2] }), 'polygon.type'],
    ['polygon not an object', () => index.withinPolygon('POLYGON((1 2))'), 'polygon'],
    [
      'unclosed ring',
      () =>
        index.withinPolygon({
          type: 'Polygon',
          coordinates: [
            [
              [111.6, 29],
              [111.7, 29],
              [111.7, 29.1],
              [111.6, 29.1],
            ],
          ],
        }),
      'polygon.coordinates[0]',
    ],
    [
      'ring of 3 positions',
      () =>
        index.withinPolygon({
          type: 'Polygon',
          coordinates: [
            [
              [111.6, 29],
              [111.7, 29],
              [111.6, 29],
            ],
          ],
        }),
      'polygon.coordinates[0]',
    ],
    [
      'non-numeric coordinate',
      () =>
        index.withinPolygon({
          type: 'Polygon',
          coordinates: [
            [
              [111.6, 29],
              ['111.7', 29],
              [111.7, 29.1],
              [111.6, 29],
            ],
          ],
        }),
      'polygon.coordinates[0][1][0]',
    ],
    [
      'hole unclosed',
      () =>
        index.withinPolygon({
          type: 'Polygon',
          coordinates: [
            ring,
            [
              [111.62, 29.02],
              [111.63, 29.02],
              [111.63, 29.03],
              [111.62, 29.021],
            ],
          ],
        }),
      'polygon.coordinates[1]',
    ],
    [
      'multipolygon with a bad ring',
      () =>
        index.withinPolygon({
          type: 'MultiPolygon',
          coordinates: [
            [ring],
            [
              [
                [1, 2],
                [3, 4],
              ],
            ],
          ],
        }),
      'polygon.coordinates[1][0]',
    ],
    [
      'line with one position',
      () => index.along({ type: 'LineString', coordinates: [[1, 2]] }, 10),
      'line.coordinates',
    ],
    [
      'line with NaN',
      () =>
        index.along(
          {
            type: 'LineString',
            coordinates: [
              [1, 2],
              [Number.NaN, 3],
            ],
          },
          10,
        ),
      'line.coordinates[1][0]',
    ],
    ['line of wrong type', () => index.along({ type: 'Polygon', coordinates: [] }, 10), 'line.type'],
    [
      'along distance negative',
      () =>
        index.along(
          {
            type: 'LineString',
            coordinates: [
              [1, 2],
              [1, 3],
            ],
          },
          -1,
        ),
      'distanceM',
    ],
    ['bbox with 3 numbers', () => index.withinBbox([1, 2, 3] as unknown as [number, number, number, number]), 'bbox'],
    ['bbox upside down', () => index.withinBbox([1, 5, 2, 4]), 'bbox[1]'],
    ['camera with lat 95', () => index.upsert(cam(2, X, 95)), 'camera.lat'],
    [
      'load with bad tags',
      () => index.load([cam(1, X, Y), { ...cam(2, X, Y), tags: 'a' as unknown as string[] }]),
      'cameras[1].tags',
    ],
    [
      'camera with an object for a grid id',
      () => index.upsert({ ...cam(2, X, Y), gridId: {} as unknown as number }),
      'camera.gridId',
    ],
    ['load with an empty grid id', () => index.load([{ ...cam(1, X, Y), gridId: '' }]), 'cameras[0].gridId'],
  ];
  for (const [name, fn, path] of cases)
    it(`${name} → path "${path}"`, () => {
      assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof GisInputError, `not a GisInputError: ${String(e)}`);
        assert.equal(e.path, path);
        assert.match(e.message, /^gis: /);
        return true;
      });
    });
  it('the message carries the bad value', () => {
    assert.throws(() => index.withinCircle(X, Y, -5), /gis: radiusM must be a finite number >= 0, got -5/);
  });
});

describe('gis index updates', () => {
  it('an index filled only by upserts (nothing loaded) answers nearest-with-predicate in full', () => {
    const all = randomCameras(300, 7);
    const fresh = new CameraIndex();
    fresh.load([]);
    for (const c of all) fresh.upsert(c);
    const loaded = new CameraIndex();
    loaded.load(all);
    const r = prng(8);
    const pred = (c: GisCamera): boolean => Number(c.id) % 3 !== 0;
    for (let i = 0; i < 50; i++) {
      const [lng, lat] = randomPoint(r);
      const want = ids(loaded.nearest(lng, lat, { n: 7, predicate: pred }));
      assert.equal(want.length, 7);
      assert.deepEqual(ids(fresh.nearest(lng, lat, { n: 7, predicate: pred })), want);
    }
  });

  it('upsert moves a camera: found at the new place, not at the old', () => {
    const index = new CameraIndex();
    index.load([cam(1, X, Y), cam(2, X + 0.01, Y)]);
    index.upsert(cam(1, X + 0.1, Y + 0.1));
    assert.deepEqual(ids(index.withinCircle(X, Y, 50)), []);
    assert.deepEqual(ids(index.withinCircle(X + 0.1, Y + 0.1, 50)), [1]);
    assert.deepEqual(ids(index.nearest(X, Y, { n: 1 })), [2]);
    assert.equal(index.size, 2);
    assert.equal(index.get(1)?.lng, X + 0.1);
  });
  it('upsert in place changes attributes seen by filters', () => {
    const index = new CameraIndex();
    index.load([cam(1, X, Y)]);
    index.upsert(cam(1, X, Y, { status: 'offline' }));
    assert.deepEqual(ids(index.nearest(X, Y, { status: ['online'] })), []);
    assert.deepEqual(ids(index.nearest(X, Y, { status: ['offline'] })), [1]);
    assert.equal(index.deltaSize, 0);
  });
  it('a removed camera is never returned by any query', () => {
    const index = new CameraIndex();
    index.load([cam(1, X, Y, { bearing: 0 }), cam(2, X, Y + 0.0001)]);
    index.upsert(cam(3, X, Y));
    assert.equal(index.remove(1), true);
    assert.equal(index.remove(3), true);
    assert.equal(index.remove(99), false);
    const line = {
      type: 'LineString',
      coordinates: [
        [X - 0.01, Y],
        [X + 0.01, Y],
      ],
    };
    const poly = {
      type: 'Polygon',
      coordinates: [
        [
          [X - 0.01, Y - 0.01],
          [X + 0.01, Y - 0.01],
          [X + 0.01, Y + 0.01],
          [X - 0.01, Y + 0.01],
          [X - 0.01, Y - 0.01],
        ],
      ],
    };
    for (const hits of [
      index.nearest(X, Y, { n: 10 }),
      index.withinCircle(X, Y, 100),
      index.withinBbox([X - 1, Y - 1, X + 1, Y + 1]),
      index.withinPolygon(poly),
      index.along(line, 50),
      index.covering(X, Y),
    ])
      assert.deepEqual(ids(hits), [2]);
    assert.equal(index.get(1), undefined);
    assert.equal(index.size, 1);
  });
  it('version moves on every change and not on compact', () => {
    const index = new CameraIndex();
    index.load([cam(1, X, Y)]);
    const v = index.version;
    index.upsert(cam(2, X, Y));
    index.remove(2);
    assert.equal(index.version, v + 2);
    index.compact();
    assert.equal(index.version, v + 2);
  });
  it('the department filter follows department changes, moves and removals (vs a scan of the live cameras)', () => {
    const r = prng(9);
    const live = new Map<GisCamera['id'], GisCamera>(randomCameras(3000, 91).map((c) => [c.id, c]));
    const index = new CameraIndex();
    index.load([...live.values()]);
    const depts: Array<GisCamera['id']> = [1, 2, 3, 'traffic-police', 'new-dept'];
    const check = (label: string): void => {
      const cams = [...live.values()];
      for (let i = 0; i < 60; i++) {
        const [x, y] = randomPoint(r);
        const departmentIds = [
          depts[Math.floor(r() * depts.length)] as GisCamera['id'],
          depts[Math.floor(r() * depts.length)] as GisCamera['id'],
        ];
        const predicate = (c: GisCamera): boolean => Number(c.id) % 2 === 0 || typeof c.id === 'string';
        const vis = visible(cams, predicate, { departmentIds });
        const want = refNearest(vis, x, y, 8, 3000).map((h) => h.id);
        assert.deepEqual(
          ids(index.nearest(x, y, { n: 8, radiusM: 3000, predicate, departmentIds })),
          want,
          `${label} nearest ${departmentIds}`,
        );
        assert.deepEqual(
          ids(index.withinCircle(x, y, 800, { predicate, departmentIds })),
          refCircle(vis, x, y, 800).map((h) => h.id),
          `${label} circle`,
        );
      }
    };
    check('loaded');
    const all = [...live.values()];
    for (let i = 0; i < 1500; i++) {
      const c = all[Math.floor(r() * all.length)] as GisCamera;
      const u = r();
      const departmentId = depts[Math.floor(r() * depts.length)] as GisCamera['id'];
      if (u < 0.2) {
        index.remove(c.id);
        live.delete(c.id);
      } else if (u < 0.5) {
        const moved = { ...c, departmentId }; // in place: same slot, new department
        index.upsert(moved);
        live.set(c.id, moved);
      } else if (u < 0.8) {
        const [lng, lat] = randomPoint(r);
        const moved = { ...c, lng, lat, departmentId }; // moved: a delta slot, and a tombstone left behind
        index.upsert(moved);
        live.set(c.id, moved);
      } else {
        const added = { ...c, id: `added-${i}`, departmentId };
        index.upsert(added);
        live.set(added.id, added);
      }
    }
    check('after updates');
    index.compact();
    check('after compact');
  });
  it('queries after compact() are identical to before, after 2,000 random updates', () => {
    const r = prng(5);
    const cams = randomCameras(3000, 77);
    const index = new CameraIndex({ maxDelta: 100 });
    index.load(cams);
    for (let i = 0; i < 2000; i++) {
      const c = cams[Math.floor(r() * cams.length)] as GisCamera;
      const u = r();
      if (u < 0.3) index.remove(c.id);
      else if (u < 0.7) {
        const [lng, lat] = randomPoint(r);
        index.upsert({ ...c, lng, lat });
      } else if (u < 0.85) index.upsert({ ...c, status: 'offline' });
      else index.upsert({ ...c, id: `new-${i}` });
    }
    assert.ok(index.needsCompact);
    const queries = Array.from({ length: 200 }, () => randomPoint(r));
    const run = (): unknown =>
      queries.map(([x, y]) => [
        ids(index.nearest(x, y, { n: 7, radiusM: 2000, predicate: (c) => c.status !== 'fault' })),
        ids(index.withinCircle(x, y, 500)),
        ids(index.covering(x, y)),
        ids(
          index.along(
            {
              type: 'LineString',
              coordinates: [
                [x, y],
                [x + 0.01, y + 0.005],
              ],
            },
            100,
          ),
        ),
      ]);
    const before = run();
    index.compact();
    assert.equal(index.deltaSize, 0);
    assert.equal(index.needsCompact, false);
    assert.deepEqual(run(), before);
  });
});

describe('gis index builds in steps (load and compaction while serving)', () => {
  /** A random change to `live` and the index: remove, move, change in place, or add. */
  const randomChange = (
    r: () => number,
    index: CameraIndex,
    live: Map<GisCamera['id'], GisCamera>,
    tag: string,
  ): void => {
    const all = [...live.keys()];
    const c = live.get(all[Math.floor(r() * all.length)] as GisCamera['id']) as GisCamera;
    const u = r();
    if (u < 0.25) {
      index.remove(c.id);
      live.delete(c.id);
    } else if (u < 0.5) {
      const [lng, lat] = randomPoint(r);
      live.set(c.id, { ...c, lng, lat });
      index.upsert(live.get(c.id) as GisCamera);
    } else if (u < 0.75) {
      live.set(c.id, { ...c, status: c.status === 'online' ? 'offline' : 'online' });
      index.upsert(live.get(c.id) as GisCamera);
    } else {
      const [lng, lat] = randomPoint(r);
      const added = { ...c, id: `${tag}-${live.size}-${Math.floor(r() * 1e9)}`, lng, lat };
      live.set(added.id, added);
      index.upsert(added);
    }
  };
  const online = (c: GisCamera): boolean => c.status === 'online';
  const sameAsScan = (
    index: CameraIndex,
    live: Map<GisCamera['id'], GisCamera>,
    r: () => number,
    label: string,
    queries = 15,
  ): void => {
    const cams = [...live.values()];
    const vis = visible(cams, online);
    for (let q = 0; q < queries; q++) {
      const [x, y] = randomPoint(r);
      assert.deepEqual(
        ids(index.nearest(x, y, { n: 6, radiusM: 1500, predicate: online })),
        refNearest(vis, x, y, 6, 1500).map((h) => h.id),
        `${label}: nearest`,
      );
      assert.deepEqual(
        ids(index.withinCircle(x, y, 300)),
        refCircle(cams, x, y, 300).map((h) => h.id),
        `${label}: circle`,
      );
    }
  };

  it('a compaction in slices: queries and changes go on between steps, and every change made meanwhile survives it', () => {
    const r = prng(41);
    // more than two slices (32,768 cameras each) so every phase spans several steps
    const live = new Map<GisCamera['id'], GisCamera>(randomCameras(80_000, 43).map((c) => [c.id, c]));
    const index = new CameraIndex({ maxDelta: 500 });
    index.load([...live.values()]);
    for (let i = 0; i < 800; i++) randomChange(r, index, live, 'before');
    assert.ok(index.needsCompact);
    const versionBefore = index.version;
    const build = index.compactInSlices();
    let changes = 0;
    while (!build.step()) {
      assert.equal(build.status, 'running');
      randomChange(r, index, live, 'during');
      changes++;
      if (build.steps % 4 === 0) sameAsScan(index, live, r, `between steps (step ${build.steps})`, 3);
    }
    assert.equal(build.status, 'landed');
    assert.ok(build.steps >= 15, `a compaction of 80k cameras takes many steps (took ${build.steps})`);
    assert.equal(
      index.version,
      versionBefore + changes,
      'the compaction itself changes no content, only the changes made meanwhile count',
    );
    assert.ok(
      index.deltaSize <= 2 * changes,
      `only the changes made meanwhile are left in the delta (${index.deltaSize} for ${changes} changes)`,
    );
    assert.equal(index.size, live.size);
    sameAsScan(index, live, r, 'after landing', 40);
    // and the same as a fresh load of the live cameras
    const fresh = new CameraIndex();
    fresh.load([...live.values()]);
    for (let q = 0; q < 40; q++) {
      const [x, y] = randomPoint(r);
      assert.deepEqual(ids(index.nearest(x, y, { n: 10 })), ids(fresh.nearest(x, y, { n: 10 })));
      assert.deepEqual(ids(index.covering(x, y)), ids(fresh.covering(x, y)));
    }
  });

  it('a load in slices keeps answering from the old content and replays changes made meanwhile onto the new one', () => {
    const r = prng(47);
    const index = new CameraIndex();
    index.load([cam('old-only', X, Y)]);
    const next = randomCameras(70_000, 49);
    const moved = next[100] as GisCamera,
      removed = next[200] as GisCamera;
    const build = index.loadInSlices(next);
    assert.equal(build.step(), false);
    assert.equal(index.size, 1, 'the old content answers until the new one lands');
    assert.deepEqual(ids(index.nearest(X, Y, { n: 1 })), ['old-only']);
    // changes made while it builds are newer than the list being loaded
    index.upsert({ ...moved, lng: X + 0.05, lat: Y + 0.05 });
    index.remove(removed.id);
    index.upsert(cam('added-during', X - 0.05, Y));
    const v = index.version;
    build.finish();
    assert.equal(build.status, 'landed');
    assert.equal(index.version, v + 1, 'a load is one change of content');
    assert.equal(index.size, next.length, '70,000 loaded, one removed, one added');
    assert.equal(index.get(moved.id)?.lng, X + 0.05);
    assert.equal(index.get(removed.id), undefined);
    assert.ok(index.get('added-during'));
    assert.equal(index.get('old-only'), undefined, 'the old content is gone');
    const live = new Map<GisCamera['id'], GisCamera>(next.map((c) => [c.id, c]));
    live.set(moved.id, { ...moved, lng: X + 0.05, lat: Y + 0.05 });
    live.delete(removed.id);
    live.set('added-during', cam('added-during', X - 0.05, Y));
    sameAsScan(index, live, r, 'after the load', 30);
  });

  it('a newer build abandons the one in progress; a load that fails on bad input leaves the content as it was', () => {
    const base = randomCameras(40_000, 53);
    const index = new CameraIndex();
    index.load(base);
    for (let i = 0; i < 50; i++) index.upsert({ ...(base[i] as GisCamera), lng: X, lat: Y });
    const compaction = index.compactInSlices();
    compaction.step();
    compaction.step();
    index.load([cam('a', X, Y), cam('b', X + 0.001, Y)]);
    assert.equal(compaction.step(), true, 'an abandoned build is over');
    assert.equal(compaction.status, 'abandoned');
    assert.equal(index.size, 2, 'the abandoned compaction never lands over the load');
    assert.deepEqual(ids(index.nearest(X, Y, { n: 5 })), ['a', 'b']);

    const bad = [...base];
    bad[35_000] = { ...(base[35_000] as GisCamera), lat: 91 };
    const failing = index.loadInSlices(bad);
    assert.throws(
      () => failing.finish(),
      (e: unknown) => e instanceof GisInputError && /cameras\[35000\]\.lat/.test(e.message),
    );
    assert.equal(failing.status, 'failed');
    assert.equal(failing.step(), true);
    assert.equal(index.size, 2, 'the content before the failed load stays');
    index.upsert(cam('c', X, Y + 0.001));
    assert.equal(failing.changed.size, 0, 'a failed build records nothing more');
    assert.deepEqual(ids(index.nearest(X, Y, { n: 5 })), ['a', 'b', 'c']);
  });
});
