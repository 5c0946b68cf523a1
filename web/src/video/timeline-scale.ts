// The timeline's pure time <-> pixel math: a view of [startMs, startMs + spanMs) over widthPx, zoom, pan, ticks, runs of spans.

/** Narrowest view: one minute. */
export const MIN_SPAN_MS = 60_000;
/** Widest view: thirty days. */
export const MAX_SPAN_MS = 30 * 86_400_000;

/** What the timeline shows: `spanMs` of wall-clock time from `startMs` (ms since the epoch) over `widthPx` pixels. */
export interface TimeScale {
  startMs: number;
  spanMs: number;
  widthPx: number;
}

/** The x (px from the left edge, unclamped) of wall-clock time `ms`. */
export function xOf(s: TimeScale, ms: number): number {
  return ((ms - s.startMs) / s.spanMs) * s.widthPx;
}

/** The wall-clock time (ms) at x px from the left edge. */
export function msAt(s: TimeScale, x: number): number {
  return s.startMs + (x / Math.max(1, s.widthPx)) * s.spanMs;
}

/** A span clamped to [MIN_SPAN_MS, MAX_SPAN_MS]. */
export function clampSpan(spanMs: number): number {
  return Math.min(MAX_SPAN_MS, Math.max(MIN_SPAN_MS, spanMs));
}

/**
 * Zooms by `factor` (< 1 in, > 1 out) keeping `anchorMs` at the same pixel (the pointer for the wheel, the cursor for
 * the buttons); the span stays within one minute and thirty days.
 */
export function zoomAt(s: TimeScale, factor: number, anchorMs: number): TimeScale {
  const spanMs = clampSpan(s.spanMs * factor);
  const k = spanMs / s.spanMs;
  return { ...s, spanMs, startMs: Math.round(anchorMs - (anchorMs - s.startMs) * k) };
}

/** The wheel's zoom factor for a deltaY (one notch of 100 px zooms by ×2^(1/3)). */
export function wheelFactor(deltaY: number): number {
  return 2 ** (Math.max(-500, Math.min(500, deltaY)) / 300);
}

/** Moves the view by `dx` pixels (a drag to the right shows earlier time). */
export function panBy(s: TimeScale, dx: number): TimeScale {
  return { ...s, startMs: Math.round(s.startMs - (dx / Math.max(1, s.widthPx)) * s.spanMs) };
}

/** The same span with `ms` in the middle. */
export function centreOn(s: TimeScale, ms: number): TimeScale {
  return { ...s, startMs: Math.round(ms - s.spanMs / 2) };
}

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
/** Tick intervals the timeline labels by, shortest first. */
export const TICK_STEPS = [
  S,
  5 * S,
  10 * S,
  30 * S,
  M,
  5 * M,
  10 * M,
  30 * M,
  H,
  3 * H,
  6 * H,
  12 * H,
  D,
  2 * D,
  7 * D,
];

/** The shortest tick interval whose ticks are at least `minPx` apart. */
export function tickStep(s: TimeScale, minPx = 80): number {
  return TICK_STEPS.find((st) => (st / s.spanMs) * s.widthPx >= minPx) ?? TICK_STEPS.at(-1)!;
}

/**
 * Tick times inside the view, on whole multiples of the step in local time (`utcOffsetMs`: the local zone's offset,
 * e.g. +8 h for Beijing, so day ticks fall on local midnight).
 */
export function ticks(s: TimeScale, utcOffsetMs: number, minPx = 80): number[] {
  const step = tickStep(s, minPx);
  const first = Math.ceil((s.startMs + utcOffsetMs) / step) * step - utcOffsetMs;
  const out: number[] = [];
  for (let t = first; t <= s.startMs + s.spanMs; t += step) out.push(t);
  return out;
}

/** A stretch of time drawn on the timeline, with its pixels. */
export interface Run<K extends string = string> {
  startMs: number;
  endMs: number;
  kind: K;
  x: number;
  w: number;
}

/**
 * The intervals inside the view as pixel runs, in time order: intervals of the same kind closer than `mergePx` on
 * screen are drawn as one (thirty days of footage stays a few hundred elements), each at least `minPx` wide.
 */
export function runs<K extends string>(
  s: TimeScale,
  items: ReadonlyArray<{ startMs: number; endMs: number; kind: K }>,
  mergePx = 1,
  minPx = 1,
): Array<Run<K>> {
  const out: Array<Run<K>> = [];
  const viewEnd = s.startMs + s.spanMs;
  for (const it of items) {
    if (it.endMs <= s.startMs || it.startMs >= viewEnd || it.endMs <= it.startMs) continue;
    const a = Math.max(it.startMs, s.startMs);
    const b = Math.min(it.endMs, viewEnd);
    const last = out.at(-1);
    if (last && last.kind === it.kind && xOf(s, a) - xOf(s, last.endMs) < mergePx) {
      last.endMs = Math.max(last.endMs, b);
      last.w = Math.max(minPx, xOf(s, last.endMs) - last.x);
      continue;
    }
    const x = xOf(s, a);
    out.push({ startMs: a, endMs: b, kind: it.kind, x, w: Math.max(minPx, xOf(s, b) - x) });
  }
  return out;
}
