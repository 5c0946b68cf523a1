// Linkage rules of departments: list, read, create, update and remove rows of alarm_rules.
import type { Knex } from 'knex';
import type { EventKind } from '../events/event-model';
import type { AlarmRule } from '../alarms/rule-model';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

/** What a rule write carries (every field but the ids and times). */
export type RuleWrite = Omit<AlarmRule, 'id' | 'createdAt' | 'updatedAt'>;

const fromRow = (r: Row): AlarmRule => ({
  id: Number(r.id),
  departmentId: Number(r.department_id),
  name: String(r.name),
  enabled: Boolean(r.enabled),
  kinds: r.kinds as EventKind[],
  area: (r.area as Record<string, unknown> | null) ?? null,
  windows: r.windows as AlarmRule['windows'],
  timeZone: String(r.time_zone),
  minSeverity: Number(r.min_severity),
  cameraCount: Number(r.camera_count),
  radiusM: Number(r.radius_m),
  preRollS: Number(r.pre_roll_s),
  postRollS: Number(r.post_roll_s),
  ackTimeoutS: Number(r.ack_timeout_s),
  screenId: r.screen_id === null || r.screen_id === undefined ? null : Number(r.screen_id),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

const toRow = (w: Partial<RuleWrite>): Row => {
  const row: Row = {};
  if (w.departmentId !== undefined) row.department_id = w.departmentId;
  if (w.name !== undefined) row.name = w.name;
  if (w.enabled !== undefined) row.enabled = w.enabled;
  if (w.kinds !== undefined) row.kinds = w.kinds;
  if (w.area !== undefined) row.area = w.area === null ? null : JSON.stringify(w.area);
  if (w.windows !== undefined) row.windows = JSON.stringify(w.windows);
  if (w.timeZone !== undefined) row.time_zone = w.timeZone;
  if (w.minSeverity !== undefined) row.min_severity = w.minSeverity;
  if (w.cameraCount !== undefined) row.camera_count = w.cameraCount;
  if (w.radiusM !== undefined) row.radius_m = w.radiusM;
  if (w.preRollS !== undefined) row.pre_roll_s = w.preRollS;
  if (w.postRollS !== undefined) row.post_roll_s = w.postRollS;
  if (w.ackTimeoutS !== undefined) row.ack_timeout_s = w.ackTimeoutS;
  if (w.screenId !== undefined) row.screen_id = w.screenId;
  return row;
};

const UNIQUE = '23505';

export class AlarmRulesRepo {
  constructor(private readonly knex: Knex) {}

  /** Rules of the departments (null: every department), by id. */
  async list(departmentIds: number[] | null): Promise<AlarmRule[]> {
    const q = this.knex('alarm_rules').select('*').orderBy('id');
    if (departmentIds) q.whereIn('department_id', departmentIds);
    return (await q).map(fromRow);
  }

  async get(id: number): Promise<AlarmRule | null> {
    const r = await this.knex('alarm_rules').where({ id }).first();
    return r ? fromRow(r) : null;
  }

  /** Inserts a rule; null when the department already has a rule of that name. */
  async create(w: RuleWrite): Promise<AlarmRule | null> {
    try {
      const [r] = await this.knex('alarm_rules').insert(toRow(w)).returning('*');
      return fromRow(r);
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE) return null;
      throw err;
    }
  }

  /** Updates the given fields; 'duplicate' when the new name is taken, null when there is no such rule. */
  async update(id: number, w: Partial<RuleWrite>): Promise<AlarmRule | 'duplicate' | null> {
    try {
      const [r] = await this.knex('alarm_rules')
        .where({ id })
        .update({ ...toRow(w), updated_at: this.knex.fn.now() })
        .returning('*');
      return r ? fromRow(r) : null;
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE) return 'duplicate';
      throw err;
    }
  }

  async remove(id: number): Promise<boolean> {
    return (await this.knex('alarm_rules').where({ id }).delete()) > 0;
  }
}
