// Clip exports: rows of who exported what and why, their status, files, evidence holds and expiry.
import type { Knex } from 'knex';

export type ExportStatus = 'pending' | 'running' | 'done' | 'failed' | 'expired';

export interface ExportFile {
  name: string;
  cameraId: string | null;
  bytes: number;
  sha256: string;
}

export interface ExportRecord {
  id: string;
  status: ExportStatus;
  cameraIds: string[];
  fromMs: number;
  toMs: number;
  reason: string;
  actorType: 'user' | 'apikey' | 'screen' | 'embed';
  actorId: string;
  actorName: string;
  departmentId: number | null;
  volume: string;
  files: ExportFile[];
  holdIds: string[];
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string;
}

type Row = Record<string, unknown>;
const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : new Date(String(v)).getTime());
const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : String(v));

const fromRow = (r: Row): ExportRecord => ({
  id: String(r.id),
  status: r.status as ExportStatus,
  cameraIds: ((r.camera_ids as unknown[]) ?? []).map(String),
  fromMs: ms(r.from_at),
  toMs: ms(r.to_at),
  reason: String(r.reason),
  actorType: r.actor_type as 'user' | 'apikey' | 'screen' | 'embed',
  actorId: String(r.actor_id),
  actorName: String(r.actor_name ?? ''),
  departmentId: r.department_id == null ? null : Number(r.department_id),
  volume: String(r.volume),
  files: (r.files as ExportFile[]) ?? [],
  holdIds: ((r.hold_ids as unknown[]) ?? []).map(String),
  error: (r.error as string | null) ?? null,
  createdAt: iso(r.created_at)!,
  finishedAt: iso(r.finished_at),
  expiresAt: iso(r.expires_at)!,
});

export class ExportsRepo {
  constructor(private readonly knex: Knex) {}

  async create(e: {
    cameraIds: string[];
    fromMs: number;
    toMs: number;
    reason: string;
    actorType: 'user' | 'apikey' | 'screen' | 'embed';
    actorId: string;
    actorName: string;
    departmentId: number | null;
    volume: string;
    expiresAt: Date;
  }): Promise<ExportRecord> {
    const [r] = (await this.knex('recording_exports')
      .insert({
        camera_ids: e.cameraIds,
        from_at: new Date(e.fromMs),
        to_at: new Date(e.toMs),
        reason: e.reason,
        actor_type: e.actorType,
        actor_id: e.actorId,
        actor_name: e.actorName,
        department_id: e.departmentId,
        volume: e.volume,
        expires_at: e.expiresAt,
      })
      .returning('*')) as Row[];
    return fromRow(r!);
  }

  async get(id: string): Promise<ExportRecord | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const r = (await this.knex('recording_exports').where('id', id).first()) as Row | undefined;
    return r ? fromRow(r) : null;
  }

  async update(
    id: string,
    u: Partial<{
      status: ExportStatus;
      files: ExportFile[];
      holdIds: string[];
      error: string | null;
      finished: boolean;
    }>,
  ): Promise<void> {
    await this.knex('recording_exports')
      .where('id', id)
      .update({
        ...(u.status ? { status: u.status } : {}),
        ...(u.files ? { files: JSON.stringify(u.files) } : {}),
        ...(u.holdIds ? { hold_ids: u.holdIds } : {}),
        ...(u.error !== undefined ? { error: u.error?.slice(0, 1000) ?? null } : {}),
        ...(u.finished ? { finished_at: this.knex.fn.now() } : {}),
      });
  }

  /** Exports whose time is up (not yet expired), oldest first. */
  async due(nowMs: number, limit: number): Promise<ExportRecord[]> {
    const rows = (await this.knex('recording_exports')
      .whereNot('status', 'expired')
      .where('expires_at', '<=', new Date(nowMs))
      .orderBy('expires_at')
      .limit(limit)) as Row[];
    return rows.map(fromRow);
  }

  /** Exports left pending or running by a gateway that stopped (they are failed at start). */
  async unfinished(): Promise<ExportRecord[]> {
    return ((await this.knex('recording_exports').whereIn('status', ['pending', 'running'])) as Row[]).map(fromRow);
  }
}
