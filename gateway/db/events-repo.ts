// Camera events and alarms (integrator posts, operator alarms): insert and newest-first pages.
import type { Knex } from 'knex';
import { decodeCursor, encodeCursor } from './cameras-repo';

export interface EventRecord {
  id: string;
  cameraId: string | null;
  departmentId: number | null;
  type: string;
  at: string;
  data: Record<string, unknown>;
  source: string;
}

type Row = Record<string, unknown>;
const fromRow = (r: Row): EventRecord => ({
  id: String(r.id),
  cameraId: r.camera_id == null ? null : String(r.camera_id),
  departmentId: r.department_id == null ? null : Number(r.department_id),
  type: String(r.type),
  at: r.at instanceof Date ? r.at.toISOString() : String(r.at),
  data: (r.data as Record<string, unknown>) ?? {},
  source: String(r.source),
});

export class EventsRepo {
  constructor(private readonly knex: Knex) {}

  async insert(e: {
    cameraId: string;
    departmentId: number;
    type: string;
    at?: string | undefined;
    data: Record<string, unknown>;
    source: string;
  }): Promise<EventRecord> {
    const [r] = (await this.knex('events')
      .insert({
        camera_id: e.cameraId,
        department_id: e.departmentId,
        type: e.type,
        ...(e.at ? { at: e.at } : {}),
        data: JSON.stringify(e.data),
        source: e.source,
      })
      .returning('*')) as Row[];
    return fromRow(r!);
  }

  /** Newest first; `cameraIds` restricts to the caller's visible cameras when given. */
  async page(
    f: { cameraIds?: string[]; type?: string | undefined; from?: string | undefined; to?: string | undefined },
    limit: number,
    cursor?: string,
  ): Promise<{ items: EventRecord[]; nextCursor: string | null }> {
    const q = this.knex('events')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    const before = decodeCursor(cursor);
    if (before) q.where('id', '<', before);
    if (f.cameraIds) q.whereIn('camera_id', f.cameraIds);
    if (f.type) q.where('type', f.type);
    if (f.from) q.where('at', '>=', f.from);
    if (f.to) q.where('at', '<', f.to);
    const rows = ((await q) as Row[]).map(fromRow);
    const items = rows.slice(0, limit);
    return {
      items,
      nextCursor: rows.length > limit && items.length ? encodeCursor(items[items.length - 1]!.id) : null,
    };
  }
}
