// Brute-force reference answers computed with Turf over a full scan, for the GIS property tests.
import * as turf from '@turf/turf';
import type { Feature, LineString, MultiPolygon, Polygon } from 'geojson';
import type { CameraFilters, CameraPredicate, GisCamera, LineStringGeometry } from '../../gis/types';

export interface RefHit {
  id: GisCamera['id'];
  distanceM: number;
  /** Initial bearing from the query point (or origin) to the camera, degrees in [0, 360). */
  bearingDeg?: number;
  alongM?: number;
}

/** The tie-break of the engine, restated: numbers before strings, numbers ascending, strings by code unit. */
export function refCompareIds(a: GisCamera['id'], b: GisCamera['id']): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

const byDistance = (a: RefHit, b: RefHit): number => a.distanceM - b.distanceM || refCompareIds(a.id, b.id);

/** Visible set: predicate and filters evaluated the obvious way. */
export function visible(cams: readonly GisCamera[], predicate: CameraPredicate, f: CameraFilters = {}): GisCamera[] {
  return cams.filter(
    (c) =>
      (!f.status?.length || f.status.includes(c.status)) &&
      (!f.departmentIds?.length || f.departmentIds.includes(c.departmentId)) &&
      (!f.tagsAny?.length || c.tags.some((t) => f.tagsAny?.includes(t))) &&
      predicate(c),
  );
}

// A deliberately loose box reject (≥ 1.1x the true degree extent near 29°N) so Turf runs on fewer points.
const near = (c: GisCamera, lng: number, lat: number, m: number): boolean =>
  !Number.isFinite(m) || (Math.abs(c.lat - lat) <= m / 100000 + 1e-6 && Math.abs(c.lng - lng) <= m / 85000 + 1e-6);

const dist = (lng: number, lat: number, c: GisCamera): number =>
  turf.distance([lng, lat], [c.lng, c.lat], { units: 'meters' });
const bear = (lng: number, lat: number, c: GisCamera): number => (turf.bearing([lng, lat], [c.lng, c.lat]) + 360) % 360;

export function refCircle(cams: readonly GisCamera[], lng: number, lat: number, radiusM: number): RefHit[] {
  const out: RefHit[] = [];
  for (const c of cams) {
    if (!near(c, lng, lat, radiusM)) continue;
    const d = dist(lng, lat, c);
    if (d <= radiusM) out.push({ id: c.id, distanceM: d, bearingDeg: bear(lng, lat, c) });
  }
  return out.sort(byDistance);
}

export function refNearest(cams: readonly GisCamera[], lng: number, lat: number, n: number, radiusM: number): RefHit[] {
  return refCircle(cams, lng, lat, radiusM).slice(0, n);
}

export function refBbox(cams: readonly GisCamera[], bbox: [number, number, number, number]): RefHit[] {
  const poly = turf.bboxPolygon(bbox);
  const [ox, oy] = [(bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2];
  return cams
    .filter((c) => turf.booleanPointInPolygon([c.lng, c.lat], poly))
    .map((c) => ({ id: c.id, distanceM: dist(ox, oy, c), bearingDeg: bear(ox, oy, c) }))
    .sort(byDistance);
}

export function refPolygon(cams: readonly GisCamera[], geom: Polygon | MultiPolygon): RefHit[] {
  const box = turf.bbox(geom);
  const [ox, oy] = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2];
  return cams
    .filter((c) => turf.booleanPointInPolygon([c.lng, c.lat], geom))
    .map((c) => ({ id: c.id, distanceM: dist(ox, oy, c), bearingDeg: bear(ox, oy, c) }))
    .sort(byDistance);
}

export function refAlong(cams: readonly GisCamera[], line: LineStringGeometry, distanceM: number): RefHit[] {
  const feature: Feature<LineString> = turf.lineString(line.coordinates as number[][]);
  const pts = line.coordinates as number[][];
  const boxes = pts.slice(1).map((b, i) => {
    const a = pts[i] as number[];
    const dx = distanceM / 85000 + 1e-5,
      dy = distanceM / 100000 + 1e-5;
    return [
      Math.min(a[0]!, b[0]!) - dx,
      Math.min(a[1]!, b[1]!) - dy,
      Math.max(a[0]!, b[0]!) + dx,
      Math.max(a[1]!, b[1]!) + dy,
    ];
  });
  const out: RefHit[] = [];
  for (const c of cams) {
    if (!boxes.some(([w, s, e, n]) => c.lng >= w! && c.lng <= e! && c.lat >= s! && c.lat <= n!)) continue;
    const p = turf.nearestPointOnLine(feature, [c.lng, c.lat], { units: 'meters' });
    if (p.properties.pointDistance <= distanceM)
      out.push({ id: c.id, distanceM: p.properties.pointDistance, alongM: p.properties.totalDistance });
  }
  return out.sort((a, b) => (a.alongM as number) - (b.alongM as number) || byDistance(a, b));
}

/** Sector rule restated with Turf: within range, and bearing camera→point within fov/2 (wrapping), unknowns as documented. */
export function refCovering(
  cams: readonly GisCamera[],
  lng: number,
  lat: number,
  defaultRangeM = 80,
  defaultFovDeg = 360,
): RefHit[] {
  const out: RefHit[] = [];
  for (const c of cams) {
    if (!near(c, lng, lat, 400)) {
      if (Math.max(c.rangeM ?? defaultRangeM, defaultRangeM) <= 400) continue;
    }
    const d = dist(lng, lat, c);
    if (d > (c.rangeM ?? defaultRangeM)) continue;
    const fov = c.fovDeg ?? defaultFovDeg;
    if (d > 0 && c.bearing != null && fov < 360) {
      const b = turf.bearing([c.lng, c.lat], [lng, lat]);
      let diff = Math.abs(b - c.bearing) % 360;
      if (diff > 180) diff = 360 - diff;
      if (diff > fov / 2) continue;
    }
    out.push({ id: c.id, distanceM: d, bearingDeg: bear(lng, lat, c) });
  }
  return out.sort(byDistance);
}
