// Small statistics for the live bench: median, percentiles, spread, and the phases `--only` may name.
import { parsePhaseList } from './phases';

export const PHASES = ['first-frame', 'warm', 'latency', 'sessions', 'cpu', 'viewers'] as const;
export type Phase = (typeof PHASES)[number];

/** Parses `--only a,b` into phases; every phase when absent; throws naming an unknown phase. */
export function parsePhases(only: string | undefined): Set<Phase> {
  return parsePhaseList('live', PHASES, only);
}

/** Linear-interpolated percentile (0..100) of xs; NaN when empty. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (p / 100) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (xs: number[]): number => percentile(xs, 50);

/** "min–max (p25–p75)" of xs, rounded. */
export function spread(xs: number[]): string {
  const r = (v: number): string => v.toFixed(0);
  return `${r(Math.min(...xs))}–${r(Math.max(...xs))} ms (p25–p75 ${r(percentile(xs, 25))}–${r(percentile(xs, 75))})`;
}
