// Seeded random cameras, predicates and query shapes around Changde for the GIS property tests.
import type {
  GisCamera,
  CameraPredicate,
  PolygonGeometry,
  MultiPolygonGeometry,
  LineStringGeometry,
} from '../../gis/types';

/** mulberry32: seeded PRNG returning floats in [0, 1). */
export { rng as prng } from '../../sim/random';
import { rng as prng } from '../../sim/random';

export const CHANGDE: [number, number] = [111.69, 29.03];
/** ~20 km box: ±0.1° lng (~9.7 km) and ±0.09° lat (~10 km). */
export const HALF = [0.1, 0.09] as const;
export const STATUSES = ['online', 'offline', 'fault', 'maintenance'];
export const TAGS = ['school', 'hospital', 'traffic', 'market', 'station', 'bank', 'park', 'river'];
export const DEPTS = [1, 2, 3, 4, 5, 'traffic-police'];

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

/** A random point in the box (a share of them denser near the centre), rounded to 1e-7° like a database would. */
export function randomPoint(r: () => number, spread = 1): [number, number] {
  const core = r() < 0.3 ? 0.1 : 1;
  const round = (v: number): number => Math.round(v * 1e7) / 1e7;
  return [
    round(CHANGDE[0] + (r() * 2 - 1) * HALF[0] * core * spread),
    round(CHANGDE[1] + (r() * 2 - 1) * HALF[1] * core * spread),
  ];
}

/**
 * `n` cameras: mixed numeric/string ids, 3% sharing another camera's exact position (ties),
 * random statuses, departments, 0-3 tags, bearings (some null, some near 0/360), fov and range.
 */
export function randomCameras(n: number, seed: number): GisCamera[] {
  const r = prng(seed);
  const cams: GisCamera[] = [];
  for (let i = 0; i < n; i++) {
    const prev = cams.length > 0 && r() < 0.03 ? cams[Math.floor(r() * cams.length)] : undefined;
    const [lng, lat] = prev ? [prev.lng, prev.lat] : randomPoint(r);
    const tags: string[] = [];
    for (let t = Math.floor(r() * 4); t > 0; t--) tags.push(pick(r, TAGS));
    const b = r();
    cams.push({
      id: r() < 0.05 ? `cam-${i.toString(36)}` : 100000 + i,
      lng,
      lat,
      bearing: b < 0.2 ? null : b < 0.3 ? pick(r, [0, 359.5, 0.5, 355, 5, 360]) : r() * 360,
      fovDeg: r() < 0.15 ? null : pick(r, [30, 60, 90, 120, 360, 10 + r() * 170]),
      rangeM: r() < 0.2 ? null : 20 + Math.floor(r() * 300),
      status: pick(r, STATUSES),
      departmentId: pick(r, DEPTS),
      tags,
    });
  }
  return cams;
}

/** A visibility policy: own departments plus (department, tag) shares, optionally online-only. */
export interface RandomPolicy {
  name: string;
  predicate: CameraPredicate;
}

export function randomPolicy(r: () => number, k: number): RandomPolicy {
  const own = new Set(DEPTS.filter(() => r() < 0.3));
  const shares = Array.from({ length: Math.floor(r() * 3) }, () => ({ dept: pick(r, DEPTS), tag: pick(r, TAGS) }));
  const onlineOnly = r() < 0.2;
  const name = `policy#${k} own=[${[...own].join(',')}] shares=${shares.map((s) => `${s.dept}:${s.tag}`).join(',')}${onlineOnly ? ' online' : ''}`;
  return {
    name,
    predicate: (c) =>
      (!onlineOnly || c.status === 'online') &&
      (own.has(c.departmentId) || shares.some((s) => s.dept === c.departmentId && c.tags.includes(s.tag))),
  };
}

/** A random star-shaped ring (closed, counter-clockwise) around (cx, cy) of roughly `radiusM`. */
export function randomRing(
  r: () => number,
  cx: number,
  cy: number,
  radiusM: number,
  vertices: number,
  reverse = false,
): number[][] {
  const ring: number[][] = [];
  for (let i = 0; i < vertices; i++) {
    const ang = (i / vertices) * 2 * Math.PI;
    const rad = radiusM * (0.4 + 0.6 * r());
    ring.push([cx + (rad * Math.cos(ang)) / 97000, cy + (rad * Math.sin(ang)) / 111000]);
  }
  if (reverse) ring.reverse();
  ring.push([...(ring[0] as number[])]);
  return ring;
}

/** A random Polygon, a Polygon with a hole, or a MultiPolygon (about a third each). */
export function randomArea(r: () => number): PolygonGeometry | MultiPolygonGeometry {
  const [cx, cy] = randomPoint(r);
  const size = 200 + r() * 2500;
  const kind = r();
  if (kind < 0.34) return { type: 'Polygon', coordinates: [randomRing(r, cx, cy, size, 3 + Math.floor(r() * 12))] };
  if (kind < 0.67)
    return {
      type: 'Polygon',
      coordinates: [randomRing(r, cx, cy, size, 8 + Math.floor(r() * 8)), randomRing(r, cx, cy, size * 0.35, 5, true)],
    };
  const [dx, dy] = randomPoint(r);
  return {
    type: 'MultiPolygon',
    coordinates: [
      [randomRing(r, cx, cy, size, 6)],
      [randomRing(r, dx, dy, size * 0.6, 7), randomRing(r, dx, dy, size * 0.2, 4, true)],
    ],
  };
}

/** A random route of 2-12 vertices, each leg 100-2000 m. */
export function randomRoute(r: () => number): LineStringGeometry {
  let [x, y] = randomPoint(r);
  const coords: number[][] = [[x, y]];
  let heading = r() * 2 * Math.PI;
  for (let i = 1 + Math.floor(r() * 11); i > 0; i--) {
    heading += (r() - 0.5) * 2;
    const leg = 100 + r() * 1900;
    x += (leg * Math.sin(heading)) / 97000;
    y += (leg * Math.cos(heading)) / 111000;
    coords.push([x, y]);
  }
  return { type: 'LineString', coordinates: coords };
}
