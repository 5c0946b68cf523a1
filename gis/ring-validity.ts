// Polygon validity: simple rings (no "bowtie", no zero area), holes inside the outer ring, rings touching at points only.
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
  const d1 = orient(x3, y3, x4, y4, x1, y1),
    d2 = orient(x3, y3, x4, y4, x2, y2);
  const d3 = orient(x1, y1, x2, y2, x3, y3),
    d4 = orient(x1, y1, x2, y2, x4, y4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return (
    (d1 === 0 && within(x3, y3, x4, y4, x1, y1)) ||
    (d2 === 0 && within(x3, y3, x4, y4, x2, y2)) ||
    (d3 === 0 && within(x1, y1, x2, y2, x3, y3)) ||
    (d4 === 0 && within(x1, y1, x2, y2, x4, y4))
  );
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
  const xs: number[] = [],
    ys: number[] = [];
  for (let i = 0; i < ring.length; i += 2) {
    const x = ring[i] as number,
      y = ring[i + 1] as number;
    if (xs.length === 0 || x !== xs[xs.length - 1] || y !== ys[ys.length - 1]) {
      xs.push(x);
      ys.push(y);
    }
  }
  const m = xs.length - 1; // edges; the last position repeats the first
  let area2 = 0;
  for (let i = 0; i < m; i++)
    area2 += (xs[i] as number) * (ys[i + 1] as number) - (xs[i + 1] as number) * (ys[i] as number);
  const noArea = 'has no area (its positions are all on one line)';
  if (m < 3) return noArea;
  // a zero sum is a line, or lobes cancelling out (a bowtie): the sweep below names the latter
  if (
    area2 === 0 &&
    xs.every(
      (x, i) => orient(xs[0] as number, ys[0] as number, xs[1] as number, ys[1] as number, x, ys[i] as number) === 0,
    )
  )
    return noArea;
  const order = Array.from({ length: m }, (_, i) => i);
  const minX = (i: number): number => Math.min(xs[i] as number, xs[i + 1] as number);
  order.sort((a, b) => minX(a) - minX(b));
  let checks = 0;
  for (let oi = 0; oi < m; oi++) {
    const i = order[oi] as number;
    const ax = xs[i] as number,
      ay = ys[i] as number,
      bx = xs[i + 1] as number,
      by = ys[i + 1] as number;
    const maxX = Math.max(ax, bx),
      loY = Math.min(ay, by),
      hiY = Math.max(ay, by);
    for (let oj = oi + 1; oj < m; oj++) {
      const j = order[oj] as number;
      if (minX(j) > maxX) break;
      if (++checks > MAX_PAIR_CHECKS)
        return `is too complex to check (more than ${MAX_PAIR_CHECKS} overlapping edge pairs)`;
      const cx = xs[j] as number,
        cy = ys[j] as number,
        dx = xs[j + 1] as number,
        dy = ys[j + 1] as number;
      if (Math.max(cy, dy) < loY || Math.min(cy, dy) > hiY) continue;
      const next = (i + 1) % m === j,
        prev = (j + 1) % m === i;
      if (next || prev) {
        // neighbours share one vertex; they are wrong only when they fold back over each other
        const [sx, sy, px, py, qx, qy] = next ? [bx, by, ax, ay, dx, dy] : [ax, ay, bx, by, cx, cy];
        if (orient(sx, sy, px, py, qx, qy) === 0 && (px - sx) * (qx - sx) + (py - sy) * (qy - sy) > 0)
          return `folds back on itself at position ${next ? j : i}`;
        continue;
      }
      if (meet(ax, ay, bx, by, cx, cy, dx, dy))
        return `crosses or touches itself (edges ${Math.min(i, j)} and ${Math.max(i, j)})`;
    }
  }
  return area2 === 0 ? noArea : null;
}

/**
 * How segments p1–p2 and p3–p4 meet: null (they do not), 'cross' (their interiors cross),
 * 'overlap' (collinear, sharing a stretch), or the one point they share.
 */
function contact(
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  x3: number,
  y3: number,
  x4: number,
  y4: number,
): null | 'cross' | 'overlap' | [number, number] {
  const d1 = orient(x3, y3, x4, y4, x1, y1),
    d2 = orient(x3, y3, x4, y4, x2, y2);
  const d3 = orient(x1, y1, x2, y2, x3, y3),
    d4 = orient(x1, y1, x2, y2, x4, y4);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return 'cross';
  if (d1 === 0 && d2 === 0) {
    // collinear: the shared stretch along the axis the segments spread on
    const alongX = Math.max(Math.abs(x2 - x1), Math.abs(x4 - x3)) >= Math.max(Math.abs(y2 - y1), Math.abs(y4 - y3));
    const [a1, a2, b1, b2] = alongX ? [x1, x2, x3, x4] : [y1, y2, y3, y4];
    const lo = Math.max(Math.min(a1, a2), Math.min(b1, b2)),
      hi = Math.min(Math.max(a1, a2), Math.max(b1, b2));
    if (lo > hi) return null;
    if (lo < hi) return 'overlap';
  }
  if (d1 === 0 && within(x3, y3, x4, y4, x1, y1)) return [x1, y1];
  if (d2 === 0 && within(x3, y3, x4, y4, x2, y2)) return [x2, y2];
  if (d3 === 0 && within(x1, y1, x2, y2, x3, y3)) return [x3, y3];
  if (d4 === 0 && within(x1, y1, x2, y2, x4, y4)) return [x4, y4];
  return null;
}

/** Union-find over small integers (rings, then touch points), growing on demand. */
class Components {
  private readonly parent: number[] = [];
  find(a: number): number {
    let p: number | undefined;
    while ((p = this.parent[a]) !== undefined && p !== a) a = p;
    return a;
  }
  /** Joins a and b; false when they were joined already (the link closes a cycle). */
  union(a: number, b: number): boolean {
    const ra = this.find(a),
      rb = this.find(b);
    if (ra === rb) return false;
    this.parent[ra] = rb;
    return true;
  }
}

/**
 * Why the holes of a polygon (rings[1..], each already a simple ring) do not fit its outer ring
 * (rings[0]), or null. As in the OGC Simple Features model, rings may touch at single points; a
 * polygon is refused when a hole crosses another ring, shares a stretch of edge with one, lies
 * outside the outer ring or inside another hole, or when the touches cut the interior in two (two
 * rings touching at two points, or a chain of rings touching around back to itself). Returns the
 * index of the ring at fault. The same bounded sweep as ringFault compares edges of different rings.
 */
export function holesFault(rings: readonly Float64Array[]): { ring: number; message: string } | null {
  if (rings.length < 2) return null;
  const tooComplex = {
    ring: 0,
    message: `is too complex to check (more than ${MAX_PAIR_CHECKS} overlapping edge pairs)`,
  };
  const x1: number[] = [],
    y1: number[] = [],
    x2: number[] = [],
    y2: number[] = [],
    of: number[] = [];
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
  // touch points: rings × points, each ring linked to each point it touches once
  const points = new Map<string, number>();
  const links = new Set<string>();
  const touching = new Set<string>();
  const graph = new Components();
  // reported after the sweep: a crossing or shared edge found later is the plainer fault
  let cut: { ring: number; message: string } | null = null;
  for (let oi = 0; oi < m; oi++) {
    const a = order[oi] as number;
    const maxX = Math.max(x1[a] as number, x2[a] as number);
    for (let oj = oi + 1; oj < m; oj++) {
      const b = order[oj] as number;
      if (minX(b) > maxX) break;
      if (of[a] === of[b]) continue;
      if (++checks > MAX_PAIR_CHECKS) return tooComplex;
      const c = contact(
        x1[a] as number,
        y1[a] as number,
        x2[a] as number,
        y2[a] as number,
        x1[b] as number,
        y1[b] as number,
        x2[b] as number,
        y2[b] as number,
      );
      if (c === null) continue;
      const lo = Math.min(of[a] as number, of[b] as number),
        hi = Math.max(of[a] as number, of[b] as number);
      if (c === 'cross') return { ring: hi, message: `crosses ring ${lo}` };
      if (c === 'overlap') return { ring: hi, message: `touches ring ${lo} along an edge` };
      const key = `${c[0]},${c[1]}`;
      let node = points.get(key);
      if (node === undefined) points.set(key, (node = rings.length + points.size));
      touching.add(`${lo},${hi}`);
      for (const k of [lo, hi]) {
        if (links.has(`${k}|${node}`)) continue;
        links.add(`${k}|${node}`);
        if (!graph.union(k, node))
          cut ??= { ring: hi, message: `touches other rings so that the interior is cut in two (at ${c[0]}, ${c[1]})` };
      }
    }
  }
  if (cut) return cut;
  // the rings meet at single points at most: which side of another ring a ring lies on is told by
  // one of its positions, or, for two rings that touch, by all of them (none may lie across)
  const shell = rings[0] as Float64Array;
  const boxes = rings.map((r) => ringBbox(r));
  const positions = (k: number, fn: (x: number, y: number) => boolean): boolean => {
    const r = rings[k] as Float64Array;
    for (let i = 0; i + 1 < r.length; i += 2) if (!fn(r[i] as number, r[i + 1] as number)) return false;
    return true;
  };
  for (let k = 1; k < rings.length; k++) {
    const r = rings[k] as Float64Array;
    if (touching.has(`0,${k}`)) {
      if ((checks += (r.length * shell.length) / 2) > MAX_PAIR_CHECKS) return tooComplex;
      if (!positions(k, (x, y) => pointInRing(x, y, shell) !== 0))
        return { ring: k, message: 'lies outside the outer ring (ring 0)' };
      if (!positions(0, (x, y) => pointInRing(x, y, r) !== 1)) return { ring: k, message: 'crosses ring 0' };
    } else if (pointInRing(r[0] as number, r[1] as number, shell) !== 1)
      return { ring: k, message: 'lies outside the outer ring (ring 0)' };
    for (let j = 1; j < rings.length; j++) {
      if (j === k) continue;
      const h = rings[j] as Float64Array;
      if (touching.has(`${Math.min(j, k)},${Math.max(j, k)}`)) {
        if ((checks += (r.length * h.length) / 2) > MAX_PAIR_CHECKS) return tooComplex;
        if (!positions(k, (x, y) => pointInRing(x, y, h) !== 1))
          return { ring: Math.max(j, k), message: `lies inside or across hole ${j}` };
        continue;
      }
      if (!boxInside(boxes[k] as Bbox, boxes[j] as Bbox)) continue;
      if ((checks += h.length) > MAX_PAIR_CHECKS) return tooComplex;
      if (pointInRing(r[0] as number, r[1] as number, h) === 1) return { ring: k, message: `lies inside hole ${j}` };
    }
  }
  return null;
}

/** Bounding box of a flat ring or line. */
export function ringBbox(r: Float64Array): Bbox {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    n = -Infinity;
  for (let i = 0; i < r.length; i += 2) {
    const x = r[i] as number,
      y = r[i + 1] as number;
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > n) n = y;
  }
  return [w, s, e, n];
}

/** Box a lies within box b. */
const boxInside = (a: Bbox, b: Bbox): boolean => a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];
