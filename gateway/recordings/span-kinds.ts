// The answer of a spans query: spans with their kind (continuous, event or mixed) and the gaps between them.
import type { SpanRecord } from '../db/recording-spans';
import type { TimeRange } from './time-range';

export interface SpanAnswer {
  camera: string;
  profile: 'main' | 'sub';
  from: string;
  to: string;
  /** 'device': footage kept by the camera's own device (a GB/T 28181 NVR), played from it. */
  spans: Array<{ start: string; end: string; kind: 'continuous' | 'event' | 'mixed' | 'device' }>;
  /** Time between two spans (and before the first / after the last inside the range) with no footage. */
  gaps: Array<{ start: string; end: string; seconds: number }>;
  /** Why the camera's device could not list its footage (its spans are then missing). */
  deviceError?: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Names each span's kind from the event segments inside it (all of it event footage, within the span gap: 'event';
 * some: 'mixed'; none: 'continuous') and lists the gaps of [from, to) between spans.
 */
export function spanKinds(
  camera: string,
  profile: 'main' | 'sub',
  r: TimeRange,
  spans: readonly SpanRecord[],
  events: ReadonlyArray<{ startMs: number; endMs: number }>,
  gapMs: number,
): SpanAnswer {
  let e = 0;
  const out: SpanAnswer['spans'] = spans.map((s) => {
    while (e < events.length && events[e]!.endMs <= s.startMs) e++;
    let covered = 0;
    let cursor = s.startMs;
    let any = false;
    for (let k = e; k < events.length && events[k]!.startMs < s.endMs; k++) {
      const ev = events[k]!;
      any = true;
      const a = Math.max(cursor, ev.startMs, s.startMs);
      const b = Math.min(ev.endMs, s.endMs);
      if (b > a) covered += b - a;
      cursor = Math.max(cursor, b);
    }
    const missing = s.endMs - s.startMs - covered;
    const kind = !any ? 'continuous' : missing <= gapMs ? 'event' : 'mixed';
    return { start: iso(s.startMs), end: iso(s.endMs), kind };
  });
  const gaps: SpanAnswer['gaps'] = [];
  let prev = r.fromMs;
  for (const s of spans) {
    if (s.startMs > prev) gaps.push({ start: iso(prev), end: iso(s.startMs), seconds: (s.startMs - prev) / 1000 });
    prev = Math.max(prev, s.endMs);
  }
  const end = Math.min(r.toMs, Date.now());
  if (end > prev) gaps.push({ start: iso(prev), end: iso(end), seconds: (end - prev) / 1000 });
  return { camera, profile, from: iso(r.fromMs), to: iso(r.toMs), spans: out, gaps };
}
