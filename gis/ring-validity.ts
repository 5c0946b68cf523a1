// Polygon validity: each ring simple (no area, no edges that cross or touch: a "bowtie"), holes inside the outer ring and apart.
import { pointInRing } from './point-in-polygon';
import type { Bbox } from './types';

/** Segment pairs whose x-ranges overlap, checked at most: a hostile ring cannot make the check quadratic. */
export const MAX_PAIR_CHECKS = 20_000_000;

/** Sign of the turn a → b → c: > 0 left, < 0 right, 0 collinear. */
function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}

/** c lies within the box of a–b (for a collinear c: on the segment). */
function within(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

/** Segments p1–p2 and p3–p4 share at least one point. */
function meet(x1: number, y1: number, x2: number, y2: number, x3: number, y3: number, x4: number, y4: number): boolean {
  const d1 = orient(x3, y3, x4, y4, x1, y1), d2 = orient(x3, y3, x4, y4, x2, y2);
  const d3 = orient(x1, y1, x2, y2, x3, y3), d4 = orient(x1, y1, x2, y2, x4, y4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (d1 === 0 && within(x3, y3, x4, y4, x1, y1)) || (d2 === 0 && within(x3, y3, x4, y4, x2, y2))
    || (d3 === 0 && within(x1, y1, x2, y2, x3, y3)) || (d4 === 0 && within(x1, y1, x2, y2, x4, y4));
}

/**
 * Why a closed flat ring ([x0, y0, …, x0, y0], degrees) is not a simple polygon ring, or null when
 * it is: it has no area (all positions on one line), or two of its edges cross or touch other than
 * where neighbours join (a bowtie, a spike back along an edge, a loop through a vertex). Repeated
 * consecutive positions are allowed. A sweep over the edges sorted by x checks only pairs whose
 * boxes overlap; a ring needing more than MAX_PAIR_CHECKS such checks is refused as too complex.
 */
export function ringFault(ring: Float64Array): string | null {
  // drop repeated consecutive positions
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < ring.length; i += 2) {
    const x = ring[i] as number, y = ring[i + 1] as number;
    if (xs.length === 0 || x !== xs[xs.length - 1] || y !== ys[ys.length - 1]) {
      xs.push(x);
      ys.push(y);
    }
  }
  const m = xs.length - 1; // edges; the last position repeats the first
  let area2 = 0;
  for (let i = 0; i < m; i++) area2 += (xs[i] as number) * (ys[i + 1] as number) - (xs[i + 1] as number) * (ys[i] as number);
  const noArea = 'has no area (its positions are all on one line)';
  if (m < 3) return noArea;
  // a zero sum is a line, or lobes cancelling out (a bowtie): the sweep below names the latter
  if (area2 === 0 && xs.every((x, i) => orient(xs[0] as number, ys[0] as number, xs[1] as number, ys[1] as number, x, ys[i] as number) === 0)) return noArea;
  const order = Array.from({ length: m }, (_, i) => i);
  const minX = (i: number): number => Math.min(xs[i] as number, xs[i + 1] as number);
  order.sort((a, b) => minX(a) - minX(b));
  let checks = 0;
  for (let oi = 0; oi < m; oi++) {
    const i = order[oi] as number;
    const ax = xs[i] as number, ay = ys[i] as number, bx = xs[i + 1] as number, by = ys[i + 1] as number;
    const maxX = Math.max(ax, bx), loY = Math.min(ay, by), hiY = Math.max(ay, by);
    for (let oj = oi + 1; oj < m; oj++) {
      const j = order[oj] as number;
      if (minX(j) > maxX) break;
      if (++checks > MAX_PAIR_CHECKS) return `is too complex to check (more than ${MAX_PAIR_CHECKS} overlapping edge pairs)`;
      const cx = xs[j] as number, cy = ys[j] as number, dx = xs[j + 1] as number, dy = ys[j + 1] as number;
      if (Math.max(cy, dy) < loY || Math.min(cy, dy) > hiY) continue;
      const next = (i + 1) % m === j, prev = (j + 1) % m === i;
      if (next || prev) {
        // neighbours share one vertex; they are wrong only when they fold back over each other
        const [sx, sy, px, py, qx, qy] = next ? [bx, by, ax, ay, dx, dy] : [ax, ay, bx, by, cx, cy];
        if (orient(sx, sy, px, py, qx, qy) === 0 && (px - sx) * (qx - sx) + (py - sy) * (qy - sy) > 0) return `folds back on itself at position ${next ? j : i}`;
        continue;
      }
      if (meet(ax, ay, bx, by, cx, cy, dx, dy)) return `crosses or touches itself (edges ${Math.min(i, j)} and ${Math.max(i, j)})`;
    }
  }
  return area2 === 0 ? noArea : null;
}

/**
 * Why the holes of a polygon (rings[1..], each already a simple ring) do not fit its outer ring
 * (rings[0]), or null: a hole's edges cross or touch another ring's, a hole lies outside the outer
 * ring, or inside another hole. Returns the index of the ring at fault. The same bounded sweep as
 * ringFault compares edges of different rings.
 */
export function holesFault(rings: readonly Float64Array[]): { ring: number; message: string } | null {
  if (rings.length < 2) return null;
  const x1: number[] = [], y1: number[] = [], x2: number[] = [], y2: number[] = [], of: number[] = [];
  rings.forEach((r, k) => {
    for (let i = 0; i + 3 < r.length; i += 2) {
      x1.push(r[i] as number);
      y1.push(r[i + 1] as number);
      x2.push(r[i + 2] as number);
      y2.push(r[i + 3] as number);
      of.push(k);
    }
  });
  const m = of.length;
  const minX = (e: number): number => Math.min(x1[e] as number, x2[e] as number);
  const order = Array.from({ length: m }, (_, e) => e).sort((a, b) => minX(a) - minX(b));
  let checks = 0;
  for (let oi = 0; oi < m; oi++) {
    const a = order[oi] as number;
    const maxX = Math.max(x1[a] as number, x2[a] as number);
    for (let oj = oi + 1; oj < m; oj++) {
      const b = order[oj] as number;
      if (minX(b) > maxX) break;
      if (of[a] === of[b]) continue;
      if (++checks > MAX_PAIR_CHECKS) return { ring: 0, message: `is too complex to check (more than ${MAX_PAIR_CHECKS} overlapping edge pairs)` };
      if (meet(x1[a] as number, y1[a] as number, x2[a] as number, y2[a] as number, x1[b] as number, y1[b] as number, x2[b] as number, y2[b] as number)) {
        const [lo, hi] = [Math.min(of[a] as number, of[b] as number), Math.max(of[a] as number, of[b] as number)];
        return { ring: hi, message: `crosses or touches ring ${lo}` };
      }
    }
  }
  // no two rings meet: one position of a ring tells on which side of another the whole ring lies
  const shell = rings[0] as Float64Array;
  const boxes = rings.map((r) => ringBbox(r));
  for (let k = 1; k < rings.length; k++) {
    const r = rings[k] as Float64Array;
    if (pointInRing(r[0] as number, r[1] as number, shell) !== 1) return { ring: k, message: 'lies outside the outer ring (ring 0)' };
    for (let j = 1; j < rings.length; j++) {
      if (j === k || !boxInside(boxes[k] as Bbox, boxes[j] as Bbox)) continue;
      if ((checks += (rings[j] as Float64Array).length) > MAX_PAIR_CHECKS) return { ring: 0, message: `is too complex to check (more than ${MAX_PAIR_CHECKS} overlapping edge pairs)` };
      if (pointInRing(r[0] as number, r[1] as number, rings[j] as Float64Array) === 1) return { ring: k, message: `lies inside hole ${j}` };
    }
  }
  return null;
}

/** Bounding box of a flat ring or line. */
export function ringBbox(r: Float64Array): Bbox {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  for (let i = 0; i < r.length; i += 2) {
    const x = r[i] as number, y = r[i + 1] as number;
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

/** Box a lies within box b. */
const boxInside = (a: Bbox, b: Bbox): boolean => a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];
