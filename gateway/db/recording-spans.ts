// Spans of footage from the index without reading every segment: each row keeps its gap to the previous present segment.
import type { Knex } from 'knex';

/** Contiguous footage: segments whose gaps are at most the span gap, merged into one. */
export interface SpanRecord {
  startMs: number;
  endMs: number;
}

/** Smallest span gap the partial index of span starts serves (see migration 002). */
export const MIN_SPAN_GAP_MS = 1000;

type Row = Record<string, unknown>;
const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());
const PRESENT = 'camera_id = ? AND profile = ? AND NOT missing';

/**
 * Spans of a camera's present footage overlapping [fromMs, toMs). A span starts at a segment whose gap to the
 * previous present segment (`prev_gap_ms`) is unknown or over `gapMs`: those rows come from a partial index, so
 * the cost follows the number of spans, not of segments (30 days of 10 s segments are 259,200 rows). A span
 * ends with the end of its last segment before the next start (one index lookup each).
 */
export async function querySpans(
  knex: Knex,
  cameraId: string,
  profile: 'main' | 'sub',
  fromMs: number,
  toMs: number,
  gapMs: number,
): Promise<SpanRecord[]> {
  // a literal (a checked integer), so the planner can prove the partial index's predicate
  const gap = Math.max(MIN_SPAN_GAP_MS, Math.floor(gapMs));
  // the partial index's own predicate, verbatim, then the gap asked for
  const startsSpan = `${PRESENT} AND (prev_gap_ms IS NULL OR prev_gap_ms > ${MIN_SPAN_GAP_MS}) AND (prev_gap_ms IS NULL OR prev_gap_ms > ${gap})`;
  const from = new Date(fromMs);
  const to = new Date(toMs);
  const r = await knex.raw(
    `WITH starts AS (
       (SELECT start_at FROM recording_segments WHERE ${startsSpan} AND start_at <= ? ORDER BY start_at DESC LIMIT 1)
       UNION ALL
       (SELECT start_at FROM recording_segments WHERE ${startsSpan} AND start_at > ? AND start_at < ?)
       UNION ALL -- the first start after the range: where the range's last span ends
       (SELECT start_at FROM recording_segments WHERE ${startsSpan} AND start_at >= ? ORDER BY start_at LIMIT 1)
     ), bounded AS (SELECT start_at, lead(start_at) OVER (ORDER BY start_at) AS next_start FROM starts)
     SELECT b.start_at, e.end_at FROM bounded b CROSS JOIN LATERAL (
       SELECT end_at FROM recording_segments
       WHERE ${PRESENT} AND start_at >= b.start_at AND start_at < COALESCE(b.next_start, 'infinity'::timestamptz)
       ORDER BY start_at DESC LIMIT 1) e
     WHERE b.start_at < ? AND e.end_at > ? ORDER BY b.start_at`,
    [cameraId, profile, from, cameraId, profile, from, to, cameraId, profile, to, cameraId, profile, to, from],
  );
  return (r.rows as Row[]).map((x) => ({ startMs: ms(x.start_at), endMs: ms(x.end_at) }));
}

/**
 * Recomputes `prev_gap_ms` of a camera's present segments starting in [fromMs, toMs] and of the first one after
 * (call after inserting, deleting or marking missing segments there). Touches only rows whose value changes.
 */
export async function refreshSpanGaps(
  knex: Knex | Knex.Transaction,
  cameraId: string,
  profile: string,
  fromMs: number,
  toMs: number,
): Promise<void> {
  const from = new Date(fromMs);
  const to = new Date(toMs);
  const gapOf = `CASE WHEN r.prev_end IS NULL THEN NULL ELSE (EXTRACT(EPOCH FROM (r.start_at - r.prev_end)) * 1000)::bigint END`;
  await knex.raw(
    `WITH r AS (
       SELECT id, start_at, lag(end_at) OVER (ORDER BY start_at) AS prev_end FROM recording_segments
       WHERE ${PRESENT}
         AND start_at >= COALESCE((SELECT start_at FROM recording_segments WHERE ${PRESENT} AND start_at < ?
                                   ORDER BY start_at DESC LIMIT 1), ?)
         AND start_at <= COALESCE((SELECT start_at FROM recording_segments WHERE ${PRESENT} AND start_at > ?
                                   ORDER BY start_at LIMIT 1), ?))
     UPDATE recording_segments s SET prev_gap_ms = ${gapOf}
     FROM r WHERE s.id = r.id AND r.start_at >= ? AND s.prev_gap_ms IS DISTINCT FROM ${gapOf}`,
    [cameraId, profile, cameraId, profile, from, from, cameraId, profile, to, to, from],
  );
}

/** Refreshes the span gaps around changed rows, grouped by camera and profile. */
export async function refreshAround(
  knex: Knex | Knex.Transaction,
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<void> {
  const groups = new Map<string, { cam: string; profile: string; min: number; max: number }>();
  for (const r of rows) {
    const key = `${String(r.camera_id)}/${String(r.profile)}`;
    const t = ms(r.start_at);
    const g = groups.get(key);
    if (g) {
      g.min = Math.min(g.min, t);
      g.max = Math.max(g.max, t);
    } else groups.set(key, { cam: String(r.camera_id), profile: String(r.profile), min: t, max: t });
  }
  for (const g of groups.values()) await refreshSpanGaps(knex, g.cam, g.profile, g.min, g.max);
}
