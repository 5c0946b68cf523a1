// Property tests: every CameraIndex query against a Turf brute-force scan on 10k seeded random cameras.
import assert from 'node:assert/strict';
import type { Polygon, MultiPolygon } from 'geojson';
import { CameraIndex } from '../../gis/camera-index';
import type { Bbox, CameraFilters, CameraHit, GisCamera, QueryOptions } from '../../gis/types';
import {
  refAlong,
  refBbox,
  refCircle,
  refCovering,
  refNearest,
  refPolygon,
  visible,
  type RefHit,
} from '../helpers/gis-brute';
import {
  prng,
  randomArea,
  randomCameras,
  randomPoint,
  randomPolicy,
  randomRoute,
  type RandomPolicy,
} from '../helpers/gis-random';

const SEED = Number(process.env.GIS_SEED ?? 20240611);
const CAMERAS = 10_000;
const QUERIES = 1000;

const FILTERS: CameraFilters[] = [
  {},
  { status: ['online'] },
  { tagsAny: ['school', 'bank'] },
  { departmentIds: [1, 'traffic-police'], status: ['online', 'fault'] },
];

interface Case {
  opts: QueryOptions;
  vis: GisCamera[];
  label: string;
}

function sameHits(got: CameraHit[], want: RefHit[], what: string): void {
  const ids = got.map((h) => h.camera.id);
  assert.deepEqual(
    ids,
    want.map((h) => h.id),
    `${what}: ids/order differ`,
  );
  got.forEach((h, i) => {
    const w = want[i] as RefHit;
    assert.ok(
      Math.abs(h.distanceM - w.distanceM) <= 1e-6,
      `${what}: distance of ${h.camera.id} ${h.distanceM} vs ${w.distanceM}`,
    );
    if (w.bearingDeg !== undefined && w.distanceM > 0.01) {
      const diff = Math.abs(h.bearingDeg - w.bearingDeg) % 360;
      assert.ok(
        Math.min(diff, 360 - diff) <= 1e-6,
        `${what}: bearing of ${h.camera.id} ${h.bearingDeg} vs ${w.bearingDeg}`,
      );
    }
    if (w.alongM !== undefined) {
      const along = (h as CameraHit & { alongM: number }).alongM;
      assert.ok(Math.abs(along - w.alongM) <= 1e-6, `${what}: alongM of ${h.camera.id} ${along} vs ${w.alongM}`);
    }
  });
}

describe(`gis property tests vs Turf brute force (seed ${SEED}, ${CAMERAS} cameras, ${QUERIES} queries each)`, function () {
  this.timeout(60_000);
  const cams = randomCameras(CAMERAS, SEED);
  const index = new CameraIndex();
  index.load(cams);
  const r = prng(SEED + 1);
  const policies: RandomPolicy[] = Array.from({ length: 4 }, (_, k) => randomPolicy(r, k));
  policies.push({ name: 'everything', predicate: () => true });
  const cases: Case[] = [];
  for (const p of policies)
    for (const f of FILTERS)
      cases.push({
        opts: { ...f, predicate: p.predicate },
        vis: visible(cams, p.predicate, f),
        label: `${p.name} ${JSON.stringify(f)}`,
      });
  const nextCase = (q: () => number): Case => cases[Math.floor(q() * cases.length)] as Case;

  it('visible sets are neither empty nor everything (the predicates discriminate)', () => {
    const sizes = cases.map((c) => c.vis.length);
    assert.ok(sizes.filter((s) => s > 0 && s < CAMERAS / 4).length >= 4, `sizes ${sizes.join(',')}`);
    assert.equal(Math.max(...sizes), CAMERAS);
  });

  it('nearest N within a radius: same ids, same order, same distances', () => {
    const q = prng(SEED + 2);
    let total = 0;
    for (let i = 0; i < QUERIES; i++) {
      const c = nextCase(q);
      const [x, y] = randomPoint(q, 1.2);
      const n = 1 + Math.floor(q() * 25);
      const radiusM = q() < 0.05 ? Infinity : q() < 0.05 ? 0 : 10 + q() * 3000;
      const got = index.nearest(x, y, { ...c.opts, n, radiusM });
      sameHits(got, refNearest(c.vis, x, y, n, radiusM), `nearest #${i} (${x},${y}) n=${n} r=${radiusM} ${c.label}`);
      total += got.length;
    }
    assert.ok(total > QUERIES * 3, `too few hits overall: ${total}`);
  });

  it('within a circle', () => {
    const q = prng(SEED + 3);
    let total = 0;
    for (let i = 0; i < QUERIES; i++) {
      const c = nextCase(q);
      const [x, y] = randomPoint(q, 1.2);
      const radiusM = q() * 1500;
      const got = index.withinCircle(x, y, radiusM, c.opts);
      sameHits(got, refCircle(c.vis, x, y, radiusM), `circle #${i} (${x},${y}) r=${radiusM} ${c.label}`);
      total += got.length;
    }
    assert.ok(total > QUERIES, `too few hits overall: ${total}`);
  });

  it('within a bbox', () => {
    const q = prng(SEED + 4);
    let total = 0;
    for (let i = 0; i < QUERIES; i++) {
      const c = nextCase(q);
      const [x, y] = randomPoint(q, 1.2);
      const bbox: Bbox = [x, y, x + q() * 0.03, y + q() * 0.03];
      const got = index.withinBbox(bbox, c.opts);
      sameHits(got, refBbox(c.vis, bbox), `bbox #${i} ${bbox.join(',')} ${c.label}`);
      total += got.length;
    }
    assert.ok(total > QUERIES, `too few hits overall: ${total}`);
  });

  it('within a Polygon / Polygon with hole / MultiPolygon', () => {
    const q = prng(SEED + 5);
    let total = 0;
    for (let i = 0; i < QUERIES; i++) {
      const c = nextCase(q);
      const area = randomArea(q);
      const got = index.withinPolygon(area, c.opts);
      sameHits(
        got,
        refPolygon(c.vis, area as Polygon | MultiPolygon),
        `polygon #${i} ${JSON.stringify(area).slice(0, 120)} ${c.label}`,
      );
      total += got.length;
    }
    assert.ok(total > QUERIES, `too few hits overall: ${total}`);
  });

  it('along a route: ordered by position along it, then distance, then id', () => {
    const q = prng(SEED + 6);
    let total = 0;
    for (let i = 0; i < QUERIES; i++) {
      const c = nextCase(q);
      const route = randomRoute(q);
      const d = q() * 300;
      const got = index.along(route, d, c.opts);
      sameHits(got, refAlong(c.vis, route, d), `along #${i} d=${d} ${JSON.stringify(route).slice(0, 120)} ${c.label}`);
      total += got.length;
    }
    assert.ok(total > QUERIES, `too few hits overall: ${total}`);
  });

  it('covering a point: view sectors containing it, nearest first', () => {
    const q = prng(SEED + 7);
    let total = 0;
    for (let i = 0; i < QUERIES; i++) {
      const c = nextCase(q);
      // Half the queries at a camera's own position or just next to one, where sectors matter most.
      const base = cams[Math.floor(q() * cams.length)] as GisCamera;
      const [x, y] = q() < 0.5 ? randomPoint(q, 0.5) : [base.lng + (q() - 0.5) * 0.002, base.lat + (q() - 0.5) * 0.002];
      const got = index.covering(x, y, c.opts);
      sameHits(got, refCovering(c.vis, x, y), `covering #${i} (${x},${y}) ${c.label}`);
      total += got.length;
    }
    assert.ok(total > QUERIES / 2, `too few hits overall: ${total}`);
  });
});
