// Camera queries: filtered cursor pages, create/update/delete, bulk insert, grid and status updates.
import type { Knex } from 'knex';
import type { CameraListQuery } from '../contract';
import { cameraFromRow, cameraToRow, type CameraRecord, type CameraWrite } from './cameras-rows';

export type { CameraRecord, CameraWrite } from './cameras-rows';
export { cameraFromRow, cameraToRow, publicCamera } from './cameras-rows';

type Row = Record<string, unknown>;

export const encodeCursor = (id: string | number): string => Buffer.from(String(id)).toString('base64url');
export function decodeCursor(c: string | undefined): string | null {
  if (!c) return null;
  const s = Buffer.from(c, 'base64url').toString('utf8');
  return /^\d{1,19}$/.test(s) ? s : null;
}

export interface CameraFilter extends Omit<CameraListQuery, 'limit' | 'cursor'> {
  /** Restricts to these ids (the caller's visible set); undefined = no restriction. */
  ids?: string[];
}

export class CamerasRepo {
  constructor(private readonly knex: Knex) {}

  private filtered(f: CameraFilter, db: Knex | Knex.Transaction = this.knex): Knex.QueryBuilder {
    const q = db('cameras');
    if (f.ids) q.whereIn('id', f.ids);
    if (f.department?.length) q.whereIn('department_id', f.department.map(Number));
    if (f.network?.length) q.whereIn('network_id', f.network.map(Number));
    if (f.status?.length) q.whereIn('status', f.status);
    if (f.tag?.length) q.whereRaw('tags && ?::text[]', [f.tag]);
    if (f.bbox) q.whereBetween('lng', [f.bbox[0], f.bbox[2]]).whereBetween('lat', [f.bbox[1], f.bbox[3]]);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
      q.where((w) => w.whereILike('name', like).orWhereILike('address', like));
    }
    return q;
  }

  /** One page ordered by id; `visible` filters rows in process when the visible set is a predicate. */
  async page(
    f: CameraFilter,
    limit: number,
    cursor: string | undefined,
    visible?: (c: CameraRecord) => boolean,
  ): Promise<{ items: CameraRecord[]; nextCursor: string | null }> {
    const items: CameraRecord[] = [];
    let after = decodeCursor(cursor);
    // scan forward in chunks until the page is full: the policy filter never shortens a page
    for (;;) {
      const q = this.filtered(f)
        .orderBy('id')
        .limit(Math.max(limit * 2, 200));
      if (after) q.where('id', '>', after);
      const rows = (await q) as Row[];
      for (const r of rows) {
        const c = cameraFromRow(r);
        after = c.id;
        if (visible && !visible(c)) continue;
        items.push(c);
        if (items.length === limit) return { items, nextCursor: encodeCursor(c.id) };
      }
      if (rows.length < Math.max(limit * 2, 200)) return { items, nextCursor: null };
    }
  }

  async get(id: string, db: Knex | Knex.Transaction = this.knex): Promise<CameraRecord | null> {
    if (!/^\d{1,19}$/.test(id)) return null;
    const row = (await db('cameras').where({ id }).first()) as Row | undefined;
    return row ? cameraFromRow(row) : null;
  }

  /** ONVIF device addresses already registered (discovery hides those). */
  async xaddrs(): Promise<Set<string>> {
    return new Set(
      ((await this.knex('cameras').whereNotNull('xaddr').select('xaddr')) as Row[]).map((r) => String(r.xaddr)),
    );
  }

  /** The cameras of a GB/T 28181 device's channels. */
  async gbCameras(deviceId: string): Promise<CameraRecord[]> {
    return ((await this.knex('cameras').where({ gb_device_id: deviceId }).orderBy('id')) as Row[]).map(cameraFromRow);
  }

  /** The cameras of a lower platform (cascade peer). */
  async cascadeCameras(peer: string): Promise<CameraRecord[]> {
    return ((await this.knex('cameras').where({ cascade_peer: peer }).orderBy('id')) as Row[]).map(cameraFromRow);
  }

  async all(): Promise<CameraRecord[]> {
    return ((await this.knex('cameras').orderBy('id')) as Row[]).map(cameraFromRow);
  }

  async create(w: CameraWrite, db: Knex | Knex.Transaction = this.knex): Promise<CameraRecord> {
    const [row] = (await db('cameras').insert(cameraToRow(w)).returning('*')) as Row[];
    return cameraFromRow(row!);
  }

  /** Inserts many rows in one statement per chunk, inside the caller's transaction. */
  async insertMany(ws: CameraWrite[], db: Knex | Knex.Transaction): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < ws.length; i += 1000) {
      const rows = (await db('cameras')
        .insert(ws.slice(i, i + 1000).map(cameraToRow))
        .returning('id')) as Array<{ id: unknown }>;
      rows.forEach((r) => ids.push(String(r.id)));
    }
    return ids;
  }

  async update(id: string, w: CameraWrite, db: Knex | Knex.Transaction = this.knex): Promise<CameraRecord | null> {
    const [row] = (await db('cameras')
      .where({ id })
      .update({ ...cameraToRow(w), updated_at: db.fn.now() })
      .returning('*')) as Row[];
    return row ? cameraFromRow(row) : null;
  }

  async delete(id: string, db: Knex | Knex.Transaction = this.knex): Promise<boolean> {
    return (await db('cameras').where({ id }).delete()) > 0;
  }

  /**
   * Stores each camera's grid as `gridOf` locates it now (after the grid layer changed), writing only
   * the rows that moved. Returns the
   * cameras whose grid differs from `known(id)` (default: the stored one), with the position it was
   * located from, for an in-memory copy to follow; a deleted grid's cameras already read null here
   * (the foreign key), which their in-memory copies do not.
   */
  async assignGrids(
    gridOf: (lng: number, lat: number) => number | null,
    known?: (id: string) => number | null | undefined,
  ): Promise<Array<{ id: string; grid: number | null; lng: number; lat: number }>> {
    const out: Array<{ id: string; grid: number | null; lng: number; lat: number }> = [];
    for await (const rows of cursorPages(this.knex, 'SELECT id, lng, lat, grid_id FROM cameras', 20_000)) {
      const located = rows.map((r) => {
        const lng = Number(r.lng),
          lat = Number(r.lat);
        return {
          id: String(r.id),
          lng,
          lat,
          was: r.grid_id == null ? null : Number(r.grid_id),
          grid: gridOf(lng, lat),
        };
      });
      const moves = located.filter((m) => m.grid !== m.was);
      if (moves.length > 0)
        await this.knex.raw(
          'UPDATE cameras c SET grid_id = v.grid FROM unnest(?::bigint[], ?::int[]) AS v(id, grid) WHERE c.id = v.id',
          [moves.map((m) => m.id), moves.map((m) => m.grid) as unknown as string[]],
        );
      for (const m of located)
        if (m.grid !== (known ? known(m.id) : m.was)) out.push({ id: m.id, grid: m.grid, lng: m.lng, lat: m.lat });
    }
    return out;
  }

  /** Persists health states in one statement. */
  async setStatuses(
    changes: Array<{ id: string; status: string; reason: string; lastSeen: Date | null }>,
  ): Promise<void> {
    if (changes.length === 0) return;
    await this.knex.raw(
      `UPDATE cameras c SET status = v.status, status_reason = v.reason,
         last_seen = COALESCE(v.last_seen, c.last_seen), updated_at = now()
       FROM unnest(?::bigint[], ?::text[], ?::text[], ?::timestamptz[]) AS v(id, status, reason, last_seen)
       WHERE c.id = v.id`,
      [
        changes.map((c) => c.id),
        changes.map((c) => c.status),
        changes.map((c) => c.reason.slice(0, 400)),
        changes.map((c) => c.lastSeen?.toISOString() ?? null) as unknown as string[],
      ],
    );
  }
}

/**
 * The rows of `sql` in pages of `batch`, read through one server-side cursor: a single scan of one
 * snapshot, whatever the planner's statistics say (paging by id with LIMIT needs fresh statistics,
 * or every page becomes a full scan + sort). Rows come in no particular order.
 */
async function* cursorPages(knex: Knex, sql: string, batch: number): AsyncGenerator<Row[]> {
  const trx = await knex.transaction();
  try {
    await trx.raw(`DECLARE pages NO SCROLL CURSOR FOR ${sql}`);
    for (;;) {
      const rows = (await trx.raw(`FETCH ${Math.max(1, Math.floor(batch))} FROM pages`)).rows as Row[];
      if (rows.length === 0) break;
      yield rows;
    }
    await trx.commit();
  } finally {
    if (!trx.isCompleted()) await trx.rollback();
  }
}

/** The lean columns the spatial index needs, in pages of `batch` (one snapshot, no particular order). */
export async function* gisRows(
  knex: Knex,
  batch = 50_000,
): AsyncGenerator<
  Array<{
    id: string;
    name: string;
    lng: number;
    lat: number;
    bearing: number | null;
    fov: number | null;
    rangeM: number | null;
    status: string;
    departmentId: number;
    tags: string[];
    gridId: number | null;
  }>
> {
  for await (const rows of cursorPages(
    knex,
    'SELECT id, name, lng, lat, bearing, fov, range_m, status, department_id, tags, grid_id FROM cameras',
    batch,
  )) {
    yield rows.map((r) => ({
      id: String(r.id),
      name: String(r.name),
      lng: Number(r.lng),
      lat: Number(r.lat),
      bearing: r.bearing == null ? null : Number(r.bearing),
      fov: r.fov == null ? null : Number(r.fov),
      rangeM: r.range_m == null ? null : Number(r.range_m),
      status: String(r.status),
      departmentId: Number(r.department_id),
      tags: (r.tags as string[]) ?? [],
      gridId: r.grid_id == null ? null : Number(r.grid_id),
    }));
  }
}
