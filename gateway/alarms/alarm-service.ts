// The alarm workflow: list and read through the policy, acknowledge/assign/note/handle/close/reopen (each audited),
// and the escalation sweep that marks alarms not acknowledged in time and notifies their department again.
import type { GlobalAction, PolicyCamera, Principal } from '../auth/policy';
import type { AlarmFilters, AlarmsRepo } from '../db/alarms-repo';
import { NotFoundError, ValidationError } from '../errors';
import type { StoredEvent } from '../events/event-model';
import type { AlarmMessage } from '../realtime/messages';
import { refusal, TRANSITIONS, type Alarm, type AlarmState, type AlarmStep } from './alarm-model';
import { AlarmStateError } from './errors';
import type { RuleAudit } from './rule-service';

/** What the workflow asks of the access policy (auth/access.ts AccessControl answers). */
export interface AlarmPolicy {
  departmentScope(p: Principal, action: GlobalAction): 'all' | number | null;
  inDepartment(p: Principal, action: GlobalAction, departmentId: number | null): boolean;
  can(p: Principal, action: 'view', cam: PolicyCamera): boolean;
}

export interface AlarmServiceDeps {
  repo: AlarmsRepo;
  policy: AlarmPolicy;
  audit: RuleAudit;
  event(id: string): Promise<StoredEvent | null>;
  camera(id: string): PolicyCamera | undefined;
  /** The principal of an enabled user; null when there is none. */
  user(id: number): Promise<Principal | null>;
  /** The enabled users of a department as principals (the candidates an alarm may be assigned to). */
  departmentUsers(departmentId: number): Promise<Principal[]>;
  notify(departmentId: number, m: AlarmMessage): void;
  log(level: 'warn' | 'error', msg: string): void;
}

export interface AlarmOptions {
  /** Milliseconds between escalation sweeps. */
  sweepIntervalMs: number;
}

/** A camera of an alarm as its reader sees it: where its recorded clip lies (event time −pre-roll … +post-roll). */
export interface AlarmClip {
  cameraId: string;
  distanceM: number;
  covering: boolean;
  recording: boolean;
  from: string;
  to: string;
}

/** A user an alarm may be assigned to. */
export interface Assignee {
  id: number;
  name: string;
  role: string;
}

export class AlarmService {
  private timer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> = Promise.resolve();

  constructor(
    private readonly d: AlarmServiceDeps,
    private readonly o: AlarmOptions,
  ) {}

  /** Starts the escalation sweep. */
  start(): void {
    this.timer = setInterval(() => void this.sweep(), this.o.sweepIntervalMs);
    this.timer.unref();
  }

  /** Escalates every alarm past its acknowledgement deadline once, audits and re-notifies it. */
  sweep(now = new Date()): Promise<void> {
    this.sweeping = this.sweeping.then(async () => {
      try {
        for (const a of await this.d.repo.escalateDue(now)) {
          this.d.notify(a.departmentId, {
            reason: 'escalated',
            alarm: a,
            event: await this.d.event(a.eventId),
            cameras: [],
          });
          await this.system(a, 'alarm.escalate', { ackDueAt: a.ackDueAt });
        }
      } catch (err) {
        this.d.log('error', `alarms: escalation sweep failed: ${String(err)}`);
      }
    });
    return this.sweeping;
  }

  async list(
    p: Principal,
    f: Omit<AlarmFilters, 'departmentIds'> & { departmentId?: number | undefined },
  ): Promise<Alarm[]> {
    const scope = this.d.policy.departmentScope(p, 'alarm-read');
    let depts: number[] | null = scope === 'all' ? null : scope === null ? [] : [scope];
    if (f.departmentId !== undefined) depts = depts === null || depts.includes(f.departmentId) ? [f.departmentId] : [];
    if (depts?.length === 0) return [];
    return this.d.repo.list({ departmentIds: depts, states: f.states, from: f.from, to: f.to, limit: f.limit });
  }

  /** The alarm when p may read it; NotFound otherwise (another department's alarms are not revealed). */
  private async readable(p: Principal, id: string): Promise<Alarm> {
    const a = /^\d{1,18}$/.test(id) ? await this.d.repo.get(id) : null;
    if (!a || !this.d.policy.inDepartment(p, 'alarm-read', a.departmentId))
      throw new NotFoundError(`alarms: no alarm ${id}`);
    return a;
  }

  /** The alarm with its event and, per camera p may still view, where its clip lies. */
  async get(p: Principal, id: string): Promise<{ alarm: Alarm; event: StoredEvent | null; cameras: AlarmClip[] }> {
    const alarm = await this.readable(p, id);
    const at = Date.parse(alarm.eventAt);
    const from = new Date(at - alarm.preRollS * 1000).toISOString();
    const to = new Date(at + alarm.postRollS * 1000).toISOString();
    const cameras = alarm.cameras
      .filter((c) => {
        const cam = this.d.camera(c.id);
        return cam !== undefined && this.d.policy.can(p, 'view', cam);
      })
      .map((c) => ({ cameraId: c.id, distanceM: c.distanceM, covering: c.covering, recording: c.recording, from, to }));
    return { alarm, event: await this.d.event(alarm.eventId), cameras };
  }

  /** The alarm when p may work on it (alarm-handle in its department); NotFound otherwise, as for reading. */
  private async workable(p: Principal, id: string): Promise<Alarm> {
    const a = await this.readable(p, id);
    if (!this.d.policy.inDepartment(p, 'alarm-handle', a.departmentId))
      throw new NotFoundError(`alarms: no alarm ${id}`);
    return a;
  }

  /** Takes a workflow step: AlarmStateError (HTTP 409) when the alarm's state does not allow it. */
  private readonly movedListeners: Array<(a: Alarm) => void> = [];

  /** Calls `l` with every alarm an operator moved (acknowledged, closed, reopened …), in its new state. */
  onMoved(l: (a: Alarm) => void): void {
    this.movedListeners.push(l);
  }

  async step(p: Principal, id: string, step: AlarmStep): Promise<Alarm> {
    const a = await this.workable(p, id);
    const why = refusal(step, a.state);
    if (why) throw new AlarmStateError(a.id, step, a.state, why);
    const t = TRANSITIONS[step];
    const due = step === 'reopen' ? new Date(Date.now() + a.ackTimeoutS * 1000) : undefined;
    const moved = await this.d.repo.transition(a.id, t.from, t.to, due);
    if (!moved) {
      // another operator moved it between the read and the write: answered as the state it is in now
      const now = (await this.d.repo.get(a.id))?.state ?? 'closed';
      throw new AlarmStateError(a.id, step, now, refusal(step, now as AlarmState) ?? `the alarm changed to ${now}`);
    }
    await this.actor(p, moved, `alarm.${step}`, { from: a.state, to: moved.state });
    for (const l of this.movedListeners) l(moved);
    if (step === 'reopen')
      this.d.notify(moved.departmentId, {
        reason: 'reopened',
        alarm: moved,
        event: await this.d.event(moved.eventId),
        cameras: [],
      });
    return moved;
  }

  /** Assigns the alarm to a user who may handle its department's alarms (ValidationError otherwise). */
  async assign(p: Principal, id: string, userId: number): Promise<Alarm> {
    const a = await this.workable(p, id);
    if (a.state === 'closed') throw new AlarmStateError(a.id, 'assign', a.state, 'may not assign a closed alarm');
    const who = await this.d.user(userId);
    if (!who || !this.d.policy.inDepartment(who, 'alarm-handle', a.departmentId))
      throw new ValidationError(`alarms: user ${userId} may not handle the alarms of department ${a.departmentId}`, [
        { path: 'body.userId', message: `user ${userId} may not handle these alarms` },
      ]);
    const out = (await this.d.repo.assign(a.id, userId))!;
    await this.actor(p, out, 'alarm.assign', { from: a.assigneeId, to: userId });
    return out;
  }

  /** The users the alarm may be assigned to: its department's users who may handle its alarms, by name. */
  async assignees(p: Principal, id: string): Promise<Assignee[]> {
    const a = await this.workable(p, id);
    return (await this.d.departmentUsers(a.departmentId))
      .filter((u) => this.d.policy.inDepartment(u, 'alarm-handle', a.departmentId))
      .map((u) => ({ id: u.id, name: u.name, role: u.role }))
      .sort((x, y) => x.name.localeCompare(y.name));
  }

  /** Appends a note (notes are never changed or removed). */
  async note(p: Principal, id: string, text: string): Promise<Alarm> {
    const a = await this.workable(p, id);
    const out = (await this.d.repo.addNote(a.id, {
      at: new Date().toISOString(),
      userId: p.id,
      userName: p.name,
      text,
    }))!;
    await this.actor(p, out, 'alarm.note', { length: text.length });
    return out;
  }

  private actor(p: Principal, a: Alarm, action: string, detail: Record<string, unknown>): Promise<void> {
    return this.d.audit.append({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: a.departmentId,
      action,
      targetType: 'alarm',
      targetId: a.id,
      detail,
    });
  }

  private system(a: Alarm, action: string, detail: Record<string, unknown>): Promise<void> {
    return this.d.audit.append({
      actorType: 'system',
      actorName: 'alarm-escalation',
      departmentId: a.departmentId,
      action,
      targetType: 'alarm',
      targetId: a.id,
      detail,
    });
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sweeping;
  }
}
