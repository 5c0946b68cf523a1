// Places map labels without overlap: greedy in priority order, each label's (rotated) box kept inside the view and clear of the others.

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The axis-aligned box of a w × h rectangle centred on (cx, cy) and rotated by `angle` radians. */
export function rotatedBox(cx: number, cy: number, w: number, h: number, angle: number): Box {
  const c = Math.abs(Math.cos(angle));
  const s = Math.abs(Math.sin(angle));
  const hw = (w * c + h * s) / 2;
  const hh = (w * s + h * c) / 2;
  return { x0: cx - hw, y0: cy - hh, x1: cx + hw, y1: cy + hh };
}

const overlaps = (a: Box, b: Box): boolean => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

export class LabelPlacer {
  private readonly placed: Box[] = [];

  /**
   * @param width, height  the view in pixels: a label must lie wholly inside it (never cut off)
   * @param gap            pixels kept free around every label (default 3)
   */
  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly gap = 3,
  ) {}

  /** Keeps `box` free of labels (a map control over the view). */
  block(box: Box): void {
    this.placed.push(box);
  }

  /** Whether `box` fits: inside the view and clear of every placed label. */
  fits(box: Box): boolean {
    if (box.x0 < 0 || box.y0 < 0 || box.x1 > this.width || box.y1 > this.height) return false;
    const g = this.gap;
    const padded = { x0: box.x0 - g, y0: box.y0 - g, x1: box.x1 + g, y1: box.y1 + g };
    return !this.placed.some((p) => overlaps(padded, p));
  }

  /** Places `box` when it fits; returns whether it did. */
  place(box: Box): boolean {
    if (!this.fits(box)) return false;
    this.placed.push(box);
    return true;
  }
}

/** A point along a polyline and the direction of its segment there. */
export interface LinePoint {
  x: number;
  y: number;
  /** Radians, turned so the text reads left to right (within ±90°). */
  angle: number;
}

/**
 * Points along a polyline (pixels) where a label `length` px long lies on one straight segment,
 * every `spacing` px, starting half a spacing in (so short roads get one label in the middle).
 */
export function labelPointsAlong(
  points: ReadonlyArray<{ x: number; y: number }>,
  length: number,
  spacing: number,
): LinePoint[] {
  const segs: Array<{ a: { x: number; y: number }; b: { x: number; y: number }; from: number; len: number }> = [];
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!,
      b = points[i]!;
    const len = Math.hypot(b.x - a.x, b.y - a.y);
    segs.push({ a, b, from: total, len });
    total += len;
  }
  const out: LinePoint[] = [];
  if (total < length) return out;
  const first = total < spacing ? total / 2 : spacing / 2;
  for (let d = first; d <= total - length / 2; d += spacing) {
    const seg = segs.find((s) => d >= s.from && d <= s.from + s.len);
    if (!seg || d - length / 2 < seg.from || d + length / 2 > seg.from + seg.len) continue;
    const t = (d - seg.from) / seg.len;
    let angle = Math.atan2(seg.b.y - seg.a.y, seg.b.x - seg.a.x);
    if (angle > Math.PI / 2) angle -= Math.PI;
    else if (angle < -Math.PI / 2) angle += Math.PI;
    out.push({ x: seg.a.x + (seg.b.x - seg.a.x) * t, y: seg.a.y + (seg.b.y - seg.a.y) * t, angle });
  }
  return out;
}

type Pt = { x: number; y: number };

/** Clips segment a→b to the rectangle [0, w] × [0, h] (Liang–Barsky); null when it lies outside. */
function clipSegment(a: Pt, b: Pt, w: number, h: number): [Pt, Pt] | null {
  let t0 = 0,
    t1 = 1;
  const dx = b.x - a.x,
    dy = b.y - a.y;
  const edges: Array<[number, number]> = [
    [-dx, a.x],
    [dx, w - a.x],
    [-dy, a.y],
    [dy, h - a.y],
  ];
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
      if (t0 > t1) return null;
    }
  }
  return [
    { x: a.x + dx * t0, y: a.y + dy * t0 },
    { x: a.x + dx * t1, y: a.y + dy * t1 },
  ];
}

/**
 * The parts of a polyline inside a w × h view, each a polyline of its own: labels are spread over
 * what is seen, not over the whole road (most of which may be off screen).
 */
export function visibleRuns(points: ReadonlyArray<Pt>, w: number, h: number): Pt[][] {
  const runs: Pt[][] = [];
  let run: Pt[] = [];
  for (let i = 1; i < points.length; i++) {
    const c = clipSegment(points[i - 1]!, points[i]!, w, h);
    if (!c) {
      if (run.length) runs.push(run);
      run = [];
      continue;
    }
    const last = run[run.length - 1];
    if (last && Math.hypot(last.x - c[0].x, last.y - c[0].y) < 0.01) run.push(c[1]);
    else {
      if (run.length) runs.push(run);
      run = [c[0], c[1]];
    }
  }
  if (run.length) runs.push(run);
  return runs;
}

let measureCtx: CanvasRenderingContext2D | null = null;
const widths = new Map<string, number>();

/** Width in pixels of `text` in the CSS `font` (measured once per pair). */
export function textWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  let w = widths.get(key);
  if (w === undefined) {
    measureCtx ??= document.createElement('canvas').getContext('2d');
    if (measureCtx) measureCtx.font = font;
    w = measureCtx ? Math.ceil(measureCtx.measureText(text).width) : text.length * 12;
    widths.set(key, w);
  }
  return w;
}
