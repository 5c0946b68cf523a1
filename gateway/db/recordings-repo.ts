// The recording index: segment rows (insert, spans, retention candidates, reconciliation).
import type { Knex } from 'knex';
import { querySpans, refreshAround, refreshSpanGaps, type SpanRecord } from './recording-spans';

export type { SpanRecord } from './recording-spans';

export type SegmentKind = 'continuous' | 'event';

export interface SegmentWrite {
  cameraId: string;
  departmentId: number | null;
  profile: 'main' | 'sub';
  /** ms since the epoch */
  startMs: number;
  endMs: number;
  bytes: number;
  volume: string;
  path: string;
  kind: SegmentKind;
  eventIds: string[];
  generation: number;
}

export interface SegmentRecord extends SegmentWrite {
  id: string;
  holdId: string | null;
  missing: boolean;
}

type Row = Record<string, unknown>;
const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());
const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : String(v));

const segmentFromRow = (r: Row): SegmentRecord => ({
  id: String(r.id),
  cameraId: String(r.camera_id),
  departmentId: r.department_id == null ? null : Number(r.department_id),
  profile: r.profile as 'main' | 'sub',
  startMs: ms(r.start_at),
  endMs: ms(r.end_at),
  bytes: Number(r.bytes),
  volume: String(r.volume),
  path: String(r.path),
  kind: r.kind as SegmentKind,
  eventIds: ((r.event_ids as unknown[]) ?? []).map(String),
  generation: Number(r.generation),
  holdId: r.hold_id == null ? null : String(r.hold_id),
  missing: r.missing === true,
});

/** An active hold of the segment's camera overlapping it (SQL fragment over alias s). */
const HELD = `EXISTS (SELECT 1 FROM evidence_holds h WHERE h.camera_id = s.camera_id AND h.released_at IS NULL
  AND h.start_at < s.end_at AND h.end_at > s.start_at)`;

export class RecordingsRepo {
  constructor(private readonly knex: Knex) {}

  /** Indexes a closed segment; an active hold covering it holds it at once. */
  async insert(s: SegmentWrite): Promise<SegmentRecord> {
    const [r] = (await this.knex('recording_segments')
      .insert({
        camera_id: s.cameraId,
        department_id: s.departmentId,
        profile: s.profile,
        start_at: new Date(s.startMs),
        end_at: new Date(s.endMs),
        bytes: s.bytes,
        volume: s.volume,
        path: s.path,
        kind: s.kind,
        event_ids: s.eventIds,
        generation: s.generation,
        hold_id: this.knex.raw(
          `(SELECT id FROM evidence_holds h WHERE h.camera_id = ? AND h.released_at IS NULL
            AND h.start_at < ? AND h.end_at > ? ORDER BY id LIMIT 1)`,
          [s.cameraId, new Date(s.endMs), new Date(s.startMs)],
        ),
      })
      .returning('*')) as Row[];
    await refreshSpanGaps(this.knex, s.cameraId, s.profile, s.startMs, s.startMs);
    return segmentFromRow(r!);
  }

  /** Segments of a camera overlapping [fromMs, toMs), oldest first (missing ones included, flagged). */
  async segments(cameraId: string, fromMs: number, toMs: number, profile?: 'main' | 'sub'): Promise<SegmentRecord[]> {
    const q = this.knex('recording_segments')
      .where('camera_id', cameraId)
      .where('start_at', '<', new Date(toMs))
      .where('end_at', '>', new Date(fromMs))
      .orderBy('start_at');
    if (profile) q.where('profile', profile);
    return ((await q) as Row[]).map(segmentFromRow);
  }

  async byPath(volume: string, path: string): Promise<SegmentRecord | null> {
    const r = (await this.knex('recording_segments').where({ volume, path }).first()) as Row | undefined;
    return r ? segmentFromRow(r) : null;
  }

  async segment(id: string): Promise<SegmentRecord | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const r = (await this.knex('recording_segments').where('id', id).first()) as Row | undefined;
    return r ? segmentFromRow(r) : null;
  }

  /** Spans of a camera's present footage overlapping [fromMs, toMs) (see recording-spans.ts). */
  spans(
    cameraId: string,
    fromMs: number,
    toMs: number,
    maxGapMs: number,
    profile: 'main' | 'sub',
  ): Promise<SpanRecord[]> {
    return querySpans(this.knex, cameraId, profile, fromMs, toMs, maxGapMs);
  }

  /** The department a camera's newest indexed segment was recorded for; undefined when the index has none. */
  async recordedDepartment(cameraId: string): Promise<number | null | undefined> {
    if (!/^\d{1,18}$/.test(cameraId)) return undefined;
    const r = (await this.knex('recording_segments')
      .where('camera_id', cameraId)
      .orderBy('start_at', 'desc')
      .first('department_id')) as Row | undefined;
    return r ? (r.department_id == null ? null : Number(r.department_id)) : undefined;
  }

  /**
   * Stretches of a camera's present event footage overlapping [fromMs, toMs), oldest first, at most `limit`: event
   * segments that touch or overlap merged into one (their union is unchanged), so the answer follows the events, not
   * the segments (an hour of event footage is 360 segments of 10 s, one stretch).
   */
  async eventTimes(
    cameraId: string,
    profile: 'main' | 'sub',
    fromMs: number,
    toMs: number,
    limit: number,
  ): Promise<Array<{ startMs: number; endMs: number }>> {
    const r = await this.knex.raw(
      `SELECT min(start_at) AS start_at, max(end_at) AS end_at FROM (
         SELECT start_at, end_at, sum(brk) OVER (ORDER BY start_at, id) AS stretch FROM (
           SELECT id, start_at, end_at, CASE WHEN start_at <= max(end_at) OVER (ORDER BY start_at, id
             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) THEN 0 ELSE 1 END AS brk
           FROM recording_segments
           WHERE camera_id = ? AND profile = ? AND kind = 'event' AND NOT missing AND start_at < ? AND end_at > ?) e
       ) s GROUP BY stretch ORDER BY 1 LIMIT ?`,
      [cameraId, profile, new Date(toMs), new Date(fromMs), limit],
    );
    return (r.rows as Row[]).map((x) => ({ startMs: ms(x.start_at), endMs: ms(x.end_at) }));
  }

  /** Indexed bytes of a volume (present segments). */
  async volumeBytes(volume: string): Promise<number> {
    const r = (await this.knex('recording_segments').where({ volume, missing: false }).sum({ b: 'bytes' }).first()) as
      Row | undefined;
    return Number(r?.b ?? 0);
  }

  /**
   * The next segments retention may delete from a volume under quota pressure: not held (no hold id, no
   * active hold overlapping), continuous before event footage, oldest first.
   */
  async quotaCandidates(volume: string, limit: number): Promise<SegmentRecord[]> {
    const pick = (kind: SegmentKind) =>
      this.knex
        .select('s.*')
        .from({ s: 'recording_segments' })
        .where({ 's.volume': volume, 's.kind': kind })
        .whereNull('s.hold_id')
        .whereRaw(`NOT ${HELD}`)
        .orderBy('s.start_at')
        .limit(limit);
    const cont = ((await pick('continuous')) as Row[]).map(segmentFromRow);
    if (cont.length >= limit) return cont;
    const ev = ((await pick('event')) as Row[]).map(segmentFromRow);
    return [...cont, ...ev].slice(0, limit);
  }

  /** Segments of a camera older than the cut-offs (continuous before `continuousBeforeMs`, event before `eventBeforeMs`), not held. */
  async expired(
    cameraId: string,
    continuousBeforeMs: number,
    eventBeforeMs: number,
    limit: number,
  ): Promise<SegmentRecord[]> {
    const rows = (await this.knex
      .select('s.*')
      .from({ s: 'recording_segments' })
      .where('s.camera_id', cameraId)
      .where('s.start_at', '<', new Date(Math.max(continuousBeforeMs, eventBeforeMs)))
      .where((w) =>
        w
          .where((a) => a.where('s.kind', 'continuous').where('s.end_at', '<', new Date(continuousBeforeMs)))
          .orWhere((b) => b.where('s.kind', 'event').where('s.end_at', '<', new Date(eventBeforeMs))),
      )
      .whereNull('s.hold_id')
      .whereRaw(`NOT ${HELD}`)
      .orderBy('s.start_at')
      .limit(limit)) as Row[];
    return rows.map(segmentFromRow);
  }

  /** Cameras with indexed footage and the department their newest segment was recorded for (loose index scan). */
  async recordedCameras(): Promise<Array<{ cameraId: string; departmentId: number | null }>> {
    const r = await this.knex.raw(`WITH RECURSIVE c AS (
        (SELECT camera_id FROM recording_segments ORDER BY camera_id LIMIT 1)
        UNION ALL
        SELECT (SELECT camera_id FROM recording_segments WHERE camera_id > c.camera_id ORDER BY camera_id LIMIT 1)
        FROM c WHERE c.camera_id IS NOT NULL)
      SELECT c.camera_id,
        (SELECT department_id FROM recording_segments x WHERE x.camera_id = c.camera_id ORDER BY start_at DESC LIMIT 1) AS department_id
      FROM c WHERE c.camera_id IS NOT NULL`);
    return (r.rows as Row[]).map((x) => ({
      cameraId: String(x.camera_id),
      departmentId: x.department_id == null ? null : Number(x.department_id),
    }));
  }

  async delete(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const gone = (await this.knex('recording_segments')
      .whereIn('id', ids)
      .del(['camera_id', 'profile', 'start_at'])) as Row[];
    await refreshAround(this.knex, gone);
    return gone.length;
  }

  /** Rows of one camera's day directory (start in [dayMs, dayMs + 1 day)) of a volume: path → row. */
  async dayRows(volume: string, cameraId: string, dayMs: number): Promise<Map<string, SegmentRecord>> {
    const rows = (await this.knex('recording_segments')
      .where({ volume, camera_id: cameraId })
      .where('start_at', '>=', new Date(dayMs))
      .where('start_at', '<', new Date(dayMs + 86_400_000))) as Row[];
    return new Map(rows.map((r) => [String(r.path), segmentFromRow(r)]));
  }

  /** (camera, UTC day) pairs of a volume that have present segments. */
  async presentDays(volume: string): Promise<Array<{ cameraId: string; dayMs: number }>> {
    const r = await this.knex.raw(
      `SELECT DISTINCT camera_id, date_trunc('day', start_at AT TIME ZONE 'UTC') AS day
       FROM recording_segments WHERE volume = ? AND NOT missing`,
      [volume],
    );
    return (r.rows as Row[]).map((x) => ({
      cameraId: String(x.camera_id),
      dayMs: Date.parse(`${iso(x.day)!.slice(0, 10)}T00:00:00Z`),
    }));
  }

  async markMissing(ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const rows = (await this.knex('recording_segments')
      .whereIn('id', ids)
      .update({ missing: true }, ['camera_id', 'profile', 'start_at'])) as Row[];
    await refreshAround(this.knex, rows);
    return rows.length;
  }

  /** Marks every present segment of a camera's day on a volume missing (its directory is gone). */
  async markDayMissing(volume: string, cameraId: string, dayMs: number): Promise<number> {
    const rows = (await this.knex('recording_segments')
      .where({ volume, camera_id: cameraId, missing: false })
      .where('start_at', '>=', new Date(dayMs))
      .where('start_at', '<', new Date(dayMs + 86_400_000))
      .update({ missing: true }, ['camera_id', 'profile', 'start_at'])) as Row[];
    await refreshAround(this.knex, rows);
    return rows.length;
  }
}
