// Cell grid under awkward camera layouts (one point, one meridian, far outliers, the antimeridian, poles) vs Turf brute force; tag interning.
import assert from 'node:assert/strict';
import * as turf from '@turf/turf';
import { CameraIndex } from '../../gis/camera-index';
import { TagLists } from '../../gis/tag-lists';
import type { Bbox, CameraHit, GisCamera } from '../../gis/types';
import { refBbox, refCompareIds, visible, type RefHit } from '../helpers/gis-brute';
import { prng } from '../helpers/gis-random';

const cam = (id: number, lng: number, lat: number, tags: string[] = []): GisCamera => ({
  id,
  lng,
  lat,
  status: id % 3 ? 'online' : 'offline',
  departmentId: id % 4,
  tags,
  bearing: null,
  fovDeg: null,
  rangeM: null,
});

function sameHits(got: CameraHit[], want: RefHit[], what: string): void {
  assert.deepEqual(
    got.map((h) => h.camera.id),
    want.map((h) => h.id),
    `${what}: ids/order differ`,
  );
  got.forEach((h, i) =>
    assert.ok(Math.abs(h.distanceM - (want[i] as RefHit).distanceM) <= 1e-6, `${what}: distance of ${h.camera.id}`),
  );
}

/** Every camera through Turf: the shared helper's box pre-filter assumes ~29°N and no antimeridian. */
function refWithin(cams: readonly GisCamera[], lng: number, lat: number, radiusM: number): RefHit[] {
  return cams
    .map((c) => ({ id: c.id, distanceM: turf.distance([lng, lat], [c.lng, c.lat], { units: 'meters' }) }))
    .filter((h) => h.distanceM <= radiusM)
    .sort((a, b) => a.distanceM - b.distanceM || refCompareIds(a.id, b.id));
}

type Layout = [name: string, make: (r: () => number) => GisCamera[], query: (r: () => number) => [number, number]];

const around = (r: () => number, x: number, y: number, d: number): [number, number] => [
  Math.max(-180, Math.min(180, x + (r() * 2 - 1) * d)),
  Math.max(-90, Math.min(90, y + (r() * 2 - 1) * d)),
];
const world = (r: () => number): [number, number] => [r() * 360 - 180, r() * 180 - 90];

const LAYOUTS: Layout[] = [
  [
    'every camera at one point',
    () => Array.from({ length: 60 }, (_, i) => cam(i + 1, 111.69, 29.03)),
    (r) => around(r, 111.69, 29.03, 0.01),
  ],
  [
    'cameras along one meridian',
    (r) => Array.from({ length: 3000 }, (_, i) => cam(i + 1, 111.69, 29 + r() * 0.5)),
    (r) => around(r, 111.69, 29.25, 0.3),
  ],
  [
    'cameras along one parallel',
    (r) => Array.from({ length: 3000 }, (_, i) => cam(i + 1, 111 + r() * 0.5, 29.03)),
    (r) => around(r, 111.25, 29.03, 0.3),
  ],
  [
    'a dense city plus far outliers',
    (r) => [
      ...Array.from({ length: 4000 }, (_, i) => cam(i + 1, 111.69 + (r() - 0.5) * 0.05, 29.03 + (r() - 0.5) * 0.05)),
      cam(90001, 179.999, 0),
      cam(90002, -179.999, 0.001),
      cam(90003, 0, 89.9),
      cam(90004, 120, -89.95),
      cam(90005, -70, -30),
      cam(90006, 111.9, 29.2),
    ],
    (r) => (r() < 0.7 ? around(r, 111.69, 29.03, 0.05) : world(r)),
  ],
  [
    'two clusters across the antimeridian',
    (r) =>
      Array.from({ length: 2000 }, (_, i) =>
        cam(i + 1, (i % 2 ? 179.95 : -179.95) + (r() - 0.5) * 0.09, 10 + (r() - 0.5) * 0.1),
      ),
    (r) => [r() < 0.5 ? 179.99 : -179.99, 10 + (r() - 0.5) * 0.1],
  ],
  [
    'cameras near the north pole',
    (r) => Array.from({ length: 2000 }, (_, i) => cam(i + 1, r() * 360 - 180, 89.5 + r() * 0.5)),
    (r) => [r() * 360 - 180, 89.4 + r() * 0.6],
  ],
];

describe('gis cell grid under awkward layouts vs Turf brute force', function () {
  this.timeout(60_000);
  const predicate = (c: GisCamera): boolean => Number(c.id) % 2 === 1 || c.tags.length > 0;
  for (const [name, make, query] of LAYOUTS) {
    it(name, () => {
      const r = prng(name.length * 7919);
      const cams = make(r);
      const vis = visible(cams, predicate);
      for (const perCell of [1, 8, 64]) {
        const index = new CameraIndex({ perCell });
        index.load(cams);
        for (let i = 0; i < 150; i++) {
          const [x, y] = query(r);
          const n = 1 + Math.floor(r() * 30);
          const radiusM = r() < 0.3 ? Infinity : r() * 20_000;
          const what = `${name} perCell=${perCell} #${i} (${x},${y}) n=${n} r=${radiusM}`;
          sameHits(
            index.nearest(x, y, { n, radiusM, predicate }),
            refWithin(vis, x, y, radiusM).slice(0, n),
            `nearest ${what}`,
          );
          if (Number.isFinite(radiusM) && radiusM < 5000)
            sameHits(index.withinCircle(x, y, radiusM, { predicate }), refWithin(vis, x, y, radiusM), `circle ${what}`);
          const d = r() * 0.05;
          const bbox: Bbox = [Math.max(-180, x - d), Math.max(-90, y - d), Math.min(180, x + d), Math.min(90, y + d)];
          sameHits(index.withinBbox(bbox, { predicate }), refBbox(vis, bbox), `bbox ${what}`);
        }
      }
    });
  }

  it('a query far from every camera still finds the nearest ones', () => {
    const index = new CameraIndex();
    index.load([cam(1, 111.69, 29.03), cam(2, 111.7, 29.03), cam(3, -0.1, 51.5)]);
    assert.deepEqual(
      index.nearest(-74, 40.7, { n: 2 }).map((h) => h.camera.id),
      [3, 2],
    );
    assert.deepEqual(index.nearest(-74, 40.7, { n: 5, radiusM: 1000 }), []);
  });
});

describe('gis tag interning', () => {
  it('equal lists share one frozen array; order and content matter', () => {
    const t = new TagLists();
    const a = t.intern(['school', 'bank']);
    assert.equal(t.intern(['school', 'bank']), a);
    assert.notEqual(t.intern(['bank', 'school']), a);
    assert.notEqual(t.intern(['school']), a);
    assert.ok(Object.isFrozen(a));
    assert.deepEqual(a, ['school', 'bank']);
    assert.equal(t.intern([]), t.intern([]));
  });
  it("never copies the caller's array nor freezes it", () => {
    const input = ['school'];
    const index = new CameraIndex();
    index.load([cam(1, 111.69, 29.03, input), cam(2, 111.69, 29.04, ['school'])]);
    assert.ok(!Object.isFrozen(input));
    assert.equal(index.get(1)?.tags, index.get(2)?.tags);
    input.push('bank');
    assert.deepEqual(index.get(1)?.tags, ['school']);
  });
});
