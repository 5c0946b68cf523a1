// Recording plans: one per camera, per tag (optionally within a department) and per department; list, upsert, remove.
import type { Knex } from 'knex';

export type PlanMode = 'off' | 'continuous' | 'scheduled' | 'event';
export type PlanScope = 'camera' | 'tag' | 'department';

/** A weekly window: on these days (0 = Sunday), from start to end ('HH:MM', end after start; '24:00' ends the day). */
export interface PlanWindow {
  days: number[];
  start: string;
  end: string;
}

export interface PlanWrite {
  scope: PlanScope;
  cameraId?: string | null;
  tag?: string | null;
  departmentId?: number | null;
  mode: PlanMode;
  profile: 'main' | 'sub';
  windows: PlanWindow[];
  timeZone: string;
  preRollS: number;
  postRollS: number;
  retentionDays: number | null;
  eventRetentionDays: number | null;
  updatedBy: string;
}

export interface PlanRecord extends Required<PlanWrite> {
  id: number;
  updatedAt: string;
}

type Row = Record<string, unknown>;
const fromRow = (r: Row): PlanRecord => ({
  id: Number(r.id),
  scope: r.scope as PlanScope,
  cameraId: r.camera_id == null ? null : String(r.camera_id),
  tag: r.tag == null ? null : String(r.tag),
  departmentId: r.department_id == null ? null : Number(r.department_id),
  mode: r.mode as PlanMode,
  profile: r.profile as 'main' | 'sub',
  windows: (r.windows as PlanWindow[]) ?? [],
  timeZone: String(r.time_zone),
  preRollS: Number(r.pre_roll_s),
  postRollS: Number(r.post_roll_s),
  retentionDays: r.retention_days == null ? null : Number(r.retention_days),
  eventRetentionDays: r.event_retention_days == null ? null : Number(r.event_retention_days),
  updatedBy: String(r.updated_by),
  updatedAt: r.updated_at instanceof Date ? r.updated_at.toISOString() : String(r.updated_at),
});

export class RecordingPlansRepo {
  constructor(private readonly knex: Knex) {}

  async all(): Promise<PlanRecord[]> {
    return ((await this.knex('recording_plans').orderBy('id')) as Row[]).map(fromRow);
  }

  /** Creates or replaces the plan of the scope's target (camera, tag + department, department). */
  async upsert(p: PlanWrite): Promise<PlanRecord> {
    const row = {
      scope: p.scope,
      camera_id: p.scope === 'camera' ? p.cameraId : null,
      tag: p.scope === 'tag' ? p.tag : null,
      department_id: p.scope === 'camera' ? null : (p.departmentId ?? null),
      mode: p.mode,
      profile: p.profile,
      windows: JSON.stringify(p.windows),
      time_zone: p.timeZone,
      pre_roll_s: p.preRollS,
      post_roll_s: p.postRollS,
      retention_days: p.retentionDays,
      event_retention_days: p.eventRetentionDays,
      updated_by: p.updatedBy,
      updated_at: this.knex.fn.now(),
    };
    return this.knex.transaction(async (trx) => {
      const q = trx('recording_plans').where('scope', p.scope);
      if (p.scope === 'camera') q.where('camera_id', p.cameraId!);
      else if (p.scope === 'tag')
        q.where('tag', p.tag!).whereRaw('COALESCE(department_id, 0) = ?', [p.departmentId ?? 0]);
      else q.where('department_id', p.departmentId!);
      const existing = (await q.first()) as Row | undefined;
      const [r] = existing
        ? ((await trx('recording_plans')
            .where('id', existing.id as number)
            .update(row)
            .returning('*')) as Row[])
        : ((await trx('recording_plans').insert(row).returning('*')) as Row[]);
      return fromRow(r!);
    });
  }

  async remove(id: number): Promise<boolean> {
    return (await this.knex('recording_plans').where('id', id).del()) > 0;
  }
}
