// Events in time partitions: batched inserts with idempotency keys, daily partitions ahead and retention, filtered pages.
import type { Knex } from 'knex';
import type { EventKind, StoredEvent } from '../events/event-model';
import { insertEvents } from './events-insert';

/** A row to store; `key` (with sourceId) makes a repeat a duplicate instead of a second row. */
export interface EventRow {
  at: Date;
  kind: EventKind;
  type: string;
  sourceId: number | null;
  source: string;
  cameraId: string | null;
  pointId: number | null;
  departmentId: number;
  lng: number;
  lat: number;
  plate: string | null;
  plateNorm: string | null;
  data: Record<string, unknown>;
  key: string | null;
}

/** What became of one row of a batch: stored, or a duplicate of an event stored before (its id). */
export type InsertOutcome = { stored: StoredEvent } | { duplicateOf: string };

/** The SQL side of a search: a superset of what the caller may see, narrowed exactly by the service. */
export interface EventSqlFilter {
  kinds?: EventKind[] | undefined;
  type?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  cameraId?: string | undefined;
  pointId?: number | undefined;
  plate?: { exact: string } | { like: string } | undefined;
  /** [west, south, east, north] */
  bbox?: [number, number, number, number] | undefined;
  /** null: every department. */
  departments?: number[] | null;
}

type Row = Record<string, unknown>;
const DAY = 86_400_000;
const dayStart = (t: number): number => Math.floor(t / DAY) * DAY;
export const partitionName = (day: number): string =>
  `events_p${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}`;

/** DDL takes no bind parameters; the name and bounds are built here from a day number only. */
export const partitionDdl = (day: number): string =>
  `CREATE TABLE IF NOT EXISTS "${partitionName(day)}" PARTITION OF events FOR VALUES FROM ` +
  `('${new Date(day).toISOString()}') TO ('${new Date(day + DAY).toISOString()}')`;

export const eventFromRow = (r: Row): StoredEvent => ({
  id: String(r.id),
  at: (r.at as Date).toISOString(),
  receivedAt: (r.received_at as Date).toISOString(),
  kind: r.kind as EventKind,
  type: String(r.type),
  sourceId: r.source_id == null ? null : Number(r.source_id),
  source: String(r.source),
  cameraId: r.camera_id == null ? null : String(r.camera_id),
  pointId: r.point_id == null ? null : Number(r.point_id),
  departmentId: Number(r.department_id),
  lng: Number(r.lng),
  lat: Number(r.lat),
  plate: (r.plate as string | null) ?? null,
  data: (r.data as Record<string, unknown>) ?? {},
});

/** Keyset cursor over (at, id), newest first. */
export const encodeEventCursor = (e: { at: string; id: string }): string =>
  Buffer.from(`${Date.parse(e.at)}:${e.id}`).toString('base64url');
export function decodeEventCursor(c: string | undefined): { at: Date; id: string } | null {
  if (!c) return null;
  const m = /^(\d{1,15}):(\d{1,19})$/.exec(Buffer.from(c, 'base64url').toString('utf8'));
  return m ? { at: new Date(Number(m[1])), id: m[2]! } : null;
}

export class EventsRepo {
  constructor(private readonly knex: Knex) {}

  /** Creates the daily partitions covering [from, to) that do not exist yet; returns the names created. */
  async ensurePartitions(from: Date, to: Date): Promise<string[]> {
    const have = new Set(await this.partitions());
    const made: string[] = [];
    for (let d = dayStart(from.getTime()); d < to.getTime(); d += DAY) {
      const name = partitionName(d);
      if (have.has(name)) continue;
      try {
        await this.knex.raw(partitionDdl(d));
      } catch (err) {
        // another gateway node created it at the same moment (IF NOT EXISTS does not cover a concurrent creation)
        const code = (err as { code?: string }).code;
        if ((code === '42P07' || code === '23505') && (await this.partitions()).includes(name)) continue;
        throw err;
      }
      made.push(name);
    }
    return made;
  }

  /** The partitions of events, oldest first. */
  async partitions(): Promise<string[]> {
    const r = await this.knex.raw(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
       WHERE p.relname = 'events' AND n.nspname = current_schema() ORDER BY c.relname`,
    );
    return (r.rows as Array<{ relname: string }>).map((x) => x.relname);
  }

  /** Drops the daily partitions that end at or before `before` (retention); returns the names dropped. */
  async dropPartitionsBefore(before: Date): Promise<string[]> {
    const dropped: string[] = [];
    for (const name of await this.partitions()) {
      const m = /^events_p(\d{4})(\d{2})(\d{2})$/.exec(name);
      if (!m || Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!) + DAY > before.getTime()) continue;
      await this.knex.raw('DROP TABLE IF EXISTS ??', [name]);
      dropped.push(name);
    }
    return dropped;
  }

  /** Forgets idempotency keys older than `before`. */
  async pruneKeys(before: Date): Promise<number> {
    return this.knex('event_keys').where('created_at', '<', before).delete();
  }

  /**
   * Stores a batch in one statement (events-insert.ts): keys first (ON CONFLICT DO NOTHING), then the rows
   * whose key was new. Outcomes are in the batch's order. A key repeated inside the batch is a duplicate of
   * its first row.
   */
  async insertBatch(rows: EventRow[]): Promise<InsertOutcome[]> {
    return insertEvents(this.knex, rows);
  }

  /** Newest first after `after`; at most `limit` rows of the SQL filter. */
  async page(f: EventSqlFilter, limit: number, after: { at: Date; id: string } | null): Promise<StoredEvent[]> {
    const q = this.knex('events')
      .orderBy([
        { column: 'at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    if (after) q.whereRaw('(at, id) < (?, ?)', [after.at, after.id]);
    if (f.kinds?.length) q.whereIn('kind', f.kinds);
    if (f.type) q.where('type', f.type);
    if (f.from) q.where('at', '>=', f.from);
    if (f.to) q.where('at', '<', f.to);
    if (f.cameraId) q.where('camera_id', f.cameraId);
    if (f.pointId !== undefined) q.where('point_id', f.pointId);
    if (f.plate && 'exact' in f.plate) q.where('plate_norm', f.plate.exact);
    if (f.plate && 'like' in f.plate) q.where('plate_norm', 'like', f.plate.like);
    if (f.bbox) q.whereBetween('lng', [f.bbox[0], f.bbox[2]]).whereBetween('lat', [f.bbox[1], f.bbox[3]]);
    if (f.departments) q.whereIn('department_id', f.departments.length ? f.departments : [-1]);
    return ((await q) as Row[]).map(eventFromRow);
  }

  async get(id: string): Promise<StoredEvent | null> {
    const r = (await this.knex('events').where({ id }).first()) as Row | undefined;
    return r ? eventFromRow(r) : null;
  }
}
