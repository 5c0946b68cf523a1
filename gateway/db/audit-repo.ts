// The append-only audit log: write one entry, query pages newest first.
import type { Knex } from 'knex';
import type { AuditEntry } from '../contract';
import { decodeCursor, encodeCursor } from './cameras-repo';

export interface AuditWrite {
  actorType: 'user' | 'apikey' | 'system' | 'anonymous';
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

  async query(f: { action?: string; actor?: string; targetType?: string; targetId?: string; from?: string; to?: string; departmentId?: number }, limit: number, cursor?: string): Promise<{ items: AuditEntry[]; nextCursor: string | null }> {
    const q = this.knex('audit_log').orderBy('id', 'desc').limit(limit + 1);
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
