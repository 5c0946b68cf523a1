// Alarms: insert once per (rule, event), read, page by filters, guarded state changes, notes appended, escalation sweep.
import type { Knex } from 'knex';
import type { Alarm, AlarmCamera, AlarmNote, AlarmState, Selection } from '../alarms/alarm-model';

type Row = Record<string, unknown>;
const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

export type AlarmWrite = Omit<Alarm, 'id' | 'state' | 'escalated' | 'assigneeId' | 'notes' | 'createdAt' | 'updatedAt'>;

export interface AlarmFilters {
  /** null: every department. */
  departmentIds: number[] | null;
  states?: AlarmState[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  limit: number;
}

const fromRow = (r: Row): Alarm => ({
  id: String(r.id),
  departmentId: Number(r.department_id),
  ruleId: r.rule_id == null ? null : Number(r.rule_id),
  ruleName: String(r.rule_name),
  eventId: String(r.event_id),
  eventAt: iso(r.event_at),
  kind: String(r.kind),
  type: String(r.type),
  severity: Number(r.severity),
  lng: Number(r.lng),
  lat: Number(r.lat),
  state: r.state as AlarmState,
  escalated: Boolean(r.escalated),
  ackDueAt: iso(r.ack_due_at),
  ackTimeoutS: Number(r.ack_timeout_s),
  assigneeId: r.assignee_id == null ? null : Number(r.assignee_id),
  cameras: r.cameras as AlarmCamera[],
  selection: r.selection as Selection,
  preRollS: Number(r.pre_roll_s),
  postRollS: Number(r.post_roll_s),
  notes: r.notes as AlarmNote[],
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

export class AlarmsRepo {
  constructor(private readonly knex: Knex) {}

  /** Alarms not closed, by state (new, acknowledged, handled), over every department. */
  async openCounts(): Promise<Record<'new' | 'acknowledged' | 'handled', number>> {
    const rows = (await this.knex('alarms')
      .select('state')
      .count<Array<{ state: string; n: string }>>({ n: '*' })
      .whereNot('state', 'closed')
      .groupBy('state')) as Array<{ state: string; n: string }>;
    const out = { new: 0, acknowledged: 0, handled: 0 };
    for (const r of rows) if (r.state in out) out[r.state as keyof typeof out] = Number(r.n);
    return out;
  }

  /** Stores a new alarm; null when this rule already raised one for this event (a replayed event). */
  async insert(a: AlarmWrite): Promise<Alarm | null> {
    const [r] = await this.knex('alarms')
      .insert({
        department_id: a.departmentId,
        rule_id: a.ruleId,
        rule_name: a.ruleName,
        event_id: a.eventId,
        event_at: a.eventAt,
        kind: a.kind,
        type: a.type,
        severity: a.severity,
        lng: a.lng,
        lat: a.lat,
        ack_due_at: a.ackDueAt,
        ack_timeout_s: a.ackTimeoutS,
        cameras: JSON.stringify(a.cameras),
        selection: a.selection,
        pre_roll_s: a.preRollS,
        post_roll_s: a.postRollS,
      })
      .onConflict(['rule_id', 'event_id'])
      .ignore()
      .returning('*');
    return r ? fromRow(r) : null;
  }

  async get(id: string): Promise<Alarm | null> {
    const r = await this.knex('alarms').where({ id }).first();
    return r ? fromRow(r) : null;
  }

  /** Newest first. */
  async list(f: AlarmFilters): Promise<Alarm[]> {
    const q = this.knex('alarms')
      .select('*')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    if (f.departmentIds) q.whereIn('department_id', f.departmentIds);
    if (f.states?.length) q.whereIn('state', f.states);
    if (f.from) q.where('created_at', '>=', f.from);
    if (f.to) q.where('created_at', '<', f.to);
    return (await q.limit(f.limit)).map(fromRow);
  }

  /**
   * Moves the alarm to `to` only while it is in one of `from` (a concurrent step loses cleanly); null when it was not.
   * Reopening clears the escalation and sets a new acknowledgement deadline (`ackDueAt`).
   */
  async transition(id: string, from: readonly AlarmState[], to: AlarmState, ackDueAt?: Date): Promise<Alarm | null> {
    const set: Row = { state: to, updated_at: this.knex.fn.now() };
    if (ackDueAt) Object.assign(set, { ack_due_at: ackDueAt, escalated: false });
    const [r] = await this.knex('alarms')
      .where({ id })
      .whereIn('state', [...from])
      .update(set)
      .returning('*');
    return r ? fromRow(r) : null;
  }

  async assign(id: string, userId: number): Promise<Alarm | null> {
    const [r] = await this.knex('alarms')
      .where({ id })
      .update({ assignee_id: userId, updated_at: this.knex.fn.now() })
      .returning('*');
    return r ? fromRow(r) : null;
  }

  /** Appends one note (the list is only ever appended to). */
  async addNote(id: string, note: AlarmNote): Promise<Alarm | null> {
    const [r] = await this.knex('alarms')
      .where({ id })
      .update({
        notes: this.knex.raw('notes || ?::jsonb', [JSON.stringify([note])]),
        updated_at: this.knex.fn.now(),
      })
      .returning('*');
    return r ? fromRow(r) : null;
  }

  /** Marks every new alarm past its acknowledgement deadline as escalated; returns them. */
  async escalateDue(now: Date): Promise<Alarm[]> {
    const rows = await this.knex('alarms')
      .where({ state: 'new', escalated: false })
      .where('ack_due_at', '<=', now)
      .update({ escalated: true, updated_at: this.knex.fn.now() })
      .returning('*');
    return rows.map(fromRow);
  }
}
