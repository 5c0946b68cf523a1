// Distance from points to a route (great-circle segments) and the position of the nearest route point.
import { distanceM, EARTH_RADIUS_M, toRad } from './geodesy';
import type { Bbox } from './types';

/** Where a point projects onto a route: distance to it (m), position along it (m) and the nearest route point. */
export interface RouteProjection {
  distanceM: number;
  alongM: number;
  lng: number;
  lat: number;
}

interface Vec {
  x: number;
  y: number;
  z: number;
}

function toVec(lng: number, lat: number): Vec {
  const p = toRad(lat),
    l = toRad(lng);
  return { x: Math.cos(p) * Math.cos(l), y: Math.cos(p) * Math.sin(l), z: Math.sin(p) };
}
const cross = (a: Vec, b: Vec): Vec => ({
  x: a.y * b.z - a.z * b.y,
  y: a.z * b.x - a.x * b.z,
  z: a.x * b.y - a.y * b.x,
});
const dot = (a: Vec, b: Vec): number => a.x * b.x + a.y * b.y + a.z * b.z;
const norm = (a: Vec): Vec => {
  const m = Math.sqrt(Math.pow(a.x, 2) + Math.pow(a.y, 2) + Math.pow(a.z, 2));
  return { x: a.x / m, y: a.y / m, z: a.z / m };
};
const toDeg = (r: number): number => ((r % (2 * Math.PI)) * 180) / Math.PI;

/**
 * A LineString prepared for many point queries: per-segment unit vectors, lengths and bounds.
 * Segments are great-circle arcs; maths as Turf's nearestPointOnLine (units metres), so results agree.
 */
export class Route {
  readonly coords: Float64Array;
  private readonly starts: number[] = [];
  private readonly vecs: Vec[] = [];
  private readonly axes: Vec[] = [];
  private readonly boxes: Bbox[] = [];
  /** Total length in metres. */
  readonly lengthM: number;

  /** `coords` flat [lng0, lat0, lng1, lat1, ...]; `reachM` the widest query distance boxes must cover. */
  constructor(coords: Float64Array, reachM: number) {
    this.coords = coords;
    const n = coords.length / 2;
    for (let i = 0; i < n; i++) this.vecs.push(toVec(coords[2 * i] as number, coords[2 * i + 1] as number));
    let total = 0;
    for (let i = 0; i + 1 < n; i++) {
      const x0 = coords[2 * i] as number,
        y0 = coords[2 * i + 1] as number;
      const x1 = coords[2 * i + 2] as number,
        y1 = coords[2 * i + 3] as number;
      this.starts.push(total);
      const len = distanceM(x0, y0, x1, y1);
      total += len;
      this.axes.push(cross(this.vecs[i] as Vec, this.vecs[i + 1] as Vec));
      // Great-circle arcs bulge poleward past their endpoints' box by about len²·tan(lat)/(8R).
      const worst = Math.min(89, Math.max(Math.abs(y0), Math.abs(y1)) + reachM / 111000);
      const pad = reachM + ((len * len) / (8 * EARTH_RADIUS_M)) * (Math.tan(toRad(worst)) + 1) + 1;
      const dLat = (pad / EARTH_RADIUS_M) * (180 / Math.PI);
      const dLng = dLat / Math.cos(toRad(worst));
      this.boxes.push([
        Math.min(x0, x1) - dLng,
        Math.min(y0, y1) - dLat,
        Math.max(x0, x1) + dLng,
        Math.max(y0, y1) + dLat,
      ]);
    }
    this.lengthM = total;
  }

  /** Expanded per-segment boxes: every point within `reachM` of segment i lies in box i. */
  segmentBoxes(): readonly Bbox[] {
    return this.boxes;
  }

  /**
   * Nearest route point to (lng, lat) considering only segments whose box contains it; null if none.
   * The first segment wins a tie, as in Turf.
   */
  project(lng: number, lat: number): RouteProjection | null {
    let best: RouteProjection | null = null;
    const c = this.coords;
    let C: Vec | null = null;
    for (let i = 0; i < this.boxes.length; i++) {
      const b = this.boxes[i] as Bbox;
      if (lng < b[0] || lng > b[2] || lat < b[1] || lat > b[3]) continue;
      const x0 = c[2 * i] as number,
        y0 = c[2 * i + 1] as number;
      const x1 = c[2 * i + 2] as number,
        y1 = c[2 * i + 3] as number;
      let ix: number, iy: number;
      if (x1 === lng && y1 === lat) {
        ix = x1;
        iy = y1;
      } else if (x0 === lng && y0 === lat) {
        ix = x0;
        iy = y0;
      } else {
        C ??= toVec(lng, lat);
        [ix, iy] = this.nearestOnSegment(i, C, lng, lat);
      }
      const d = distanceM(lng, lat, ix, iy);
      if (best === null || d < best.distanceM)
        best = { distanceM: d, alongM: (this.starts[i] as number) + distanceM(x0, y0, ix, iy), lng: ix, lat: iy };
    }
    return best;
  }

  private nearestOnSegment(i: number, C: Vec, lng: number, lat: number): [number, number] {
    const c = this.coords;
    const A = this.vecs[i] as Vec,
      B = this.vecs[i + 1] as Vec,
      axis = this.axes[i] as Vec;
    const start: [number, number] = [c[2 * i] as number, c[2 * i + 1] as number];
    const stop: [number, number] = [c[2 * i + 2] as number, c[2 * i + 3] as number];
    if (axis.x === 0 && axis.y === 0 && axis.z === 0) return dot(A, B) > 0 ? stop : [lng, lat];
    const target = cross(axis, C);
    if (target.x === 0 && target.y === 0 && target.z === 0) return stop;
    const I1 = norm(cross(target, axis));
    const I2 = { x: -I1.x, y: -I1.y, z: -I1.z };
    const I = dot(C, I1) > dot(C, I2) ? I1 : I2;
    const axisN = norm(axis);
    if (dot(cross(A, I), axisN) >= 0 && dot(cross(I, B), axisN) >= 0) {
      const z = Math.min(Math.max(I.z, -1), 1);
      return [toDeg(Math.atan2(I.y, I.x)), toDeg(Math.asin(z))];
    }
    return dot(A, C) > dot(B, C) ? start : stop;
  }
}
