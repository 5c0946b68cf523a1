// The append-only audit log: write one entry, query pages newest first, look up the names its rows refer to.
import type { Knex } from 'knex';
import type { AuditEntry } from '../contract';
import { decodeCursor, encodeCursor } from './cameras-repo';

export interface AuditWrite {
  actorType: 'user' | 'apikey' | 'screen' | 'embed' | 'system' | 'anonymous';
  actorId?: string | number | null;
  actorName?: string;
  departmentId?: number | null;
  action: string;
  targetType?: string | null;
  targetId?: string | number | null;
  outcome?: 'ok' | 'denied' | 'failed';
  ip?: string | null;
  detail?: Record<string, unknown>;
}

type Row = Record<string, unknown>;

/** A camera named by audit rows: its name and what the access policy needs to decide who is shown it. */
export interface AuditCamera {
  id: string;
  name: string;
  departmentId: number;
  tags: string[];
  lng: number;
  lat: number;
}

/** The names audit rows refer to, by id (as text): cameras, users (target or actor), networks, API keys, grids. */
export interface AuditNames {
  cameras: Map<string, AuditCamera>;
  users: Map<string, { username: string; displayName: string }>;
  networks: Map<string, string>;
  apikeys: Map<string, string>;
  grids: Map<string, string>;
}

// ids beyond these lengths cannot be rows of the (bigint / integer) tables: not looked up
const BIG_ID = /^\d{1,18}$/;
const INT_ID = /^\d{1,9}$/;

const fromRow = (r: Row): AuditEntry => ({
  id: String(r.id),
  at: r.at instanceof Date ? r.at.toISOString() : String(r.at),
  actorType: String(r.actor_type),
  actorId: r.actor_id == null ? null : String(r.actor_id),
  actorName: String(r.actor_name ?? ''),
  departmentId: r.department_id == null ? null : Number(r.department_id),
  action: String(r.action),
  targetType: (r.target_type as string | null) ?? null,
  targetId: (r.target_id as string | null) ?? null,
  outcome: String(r.outcome),
  ip: (r.ip as string | null) ?? null,
  detail: (r.detail as Record<string, unknown>) ?? {},
  targetName: null,
  actorDisplayName: null,
});

export class AuditRepo {
  constructor(private readonly knex: Knex) {}

  async append(e: AuditWrite, db: Knex | Knex.Transaction = this.knex): Promise<void> {
    await db('audit_log').insert({
      actor_type: e.actorType,
      actor_id: e.actorId == null ? null : String(e.actorId),
      actor_name: (e.actorName ?? '').slice(0, 120),
      department_id: e.departmentId ?? null,
      action: e.action,
      target_type: e.targetType ?? null,
      target_id: e.targetId == null ? null : String(e.targetId),
      outcome: e.outcome ?? 'ok',
      ip: e.ip ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    });
  }

  /** Looks up the names of what `entries` refer to (rows since deleted are simply absent). */
  async names(entries: readonly AuditEntry[]): Promise<AuditNames> {
    const ids = (type: string, re: RegExp): string[] => {
      const named = entries.filter((e) => e.targetType === type && e.targetId && re.test(e.targetId));
      return [...new Set(named.map((e) => e.targetId!))];
    };
    const actorIds = entries
      .filter((e) => e.actorType === 'user' && e.actorId && INT_ID.test(e.actorId))
      .map((e) => e.actorId!);
    const userIds = [...new Set([...ids('user', INT_ID), ...actorIds])];
    const byId = async (table: string, list: string[]): Promise<Map<string, string>> =>
      new Map(
        list.length
          ? ((await this.knex(table).select('id', 'name').whereIn('id', list)) as Row[]).map((r) => [
              String(r.id),
              String(r.name),
            ])
          : [],
      );
    const cams = ids('camera', BIG_ID);
    const rowsOf = async (list: string[], read: () => Knex.QueryBuilder): Promise<Row[]> =>
      list.length ? ((await read()) as Row[]) : [];
    const camera = (r: Row): AuditCamera => ({
      id: String(r.id),
      name: String(r.name),
      departmentId: Number(r.department_id),
      tags: (r.tags as string[]) ?? [],
      lng: Number(r.lng),
      lat: Number(r.lat),
    });
    const [camRows, userRows, networks, apikeys, grids] = await Promise.all([
      rowsOf(cams, () =>
        this.knex('cameras').select('id', 'name', 'department_id', 'tags', 'lng', 'lat').whereIn('id', cams),
      ),
      rowsOf(userIds, () => this.knex('users').select('id', 'username', 'display_name').whereIn('id', userIds)),
      byId('networks', ids('network', INT_ID)),
      byId('api_keys', ids('apikey', INT_ID)),
      byId('grids', ids('grid', INT_ID)),
    ]);
    return {
      cameras: new Map(camRows.map((r) => [String(r.id), camera(r)])),
      users: new Map(
        userRows.map((r) => [
          String(r.id),
          { username: String(r.username), displayName: String(r.display_name ?? '') },
        ]),
      ),
      networks,
      apikeys,
      grids,
    };
  }

  async query(
    f: {
      action?: string;
      actor?: string;
      targetType?: string;
      targetId?: string;
      from?: string;
      to?: string;
      departmentId?: number;
    },
    limit: number,
    cursor?: string,
  ): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const q = this.knex('audit_log')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    const before = decodeCursor(cursor);
    if (before) q.where('id', '<', before);
    if (f.action) q.where('action', f.action);
    if (f.actor) q.where('actor_name', f.actor);
    if (f.targetType) q.where('target_type', f.targetType);
    if (f.targetId) q.where('target_id', f.targetId);
    if (f.from) q.where('at', '>=', f.from);
    if (f.to) q.where('at', '<', f.to);
    if (f.departmentId !== undefined) q.where('department_id', f.departmentId);
    const rows = ((await q) as Row[]).map(fromRow);
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    return { items, nextCursor: more && items.length ? encodeCursor(items[items.length - 1]!.id) : null };
  }
}
