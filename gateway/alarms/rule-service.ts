// Linkage rules of departments: CRUD through the policy (alarm-rule-manage), audited, and the compiled set events match.
import { compileArea } from '../../gis/geojson';
import type { Principal } from '../auth/policy';
import type { AlarmRulesRepo, RuleWrite } from '../db/alarm-rules-repo';
import type { AuditWrite } from '../db/audit-repo';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { compileRule, type CompiledRule } from './rule-match';
import { RULE_DEFAULTS, type AlarmRule, type RuleCreate, type RuleUpdate } from './rule-model';

/** What the rule service asks of the access policy (auth/access.ts AccessControl answers). */
export interface RulePolicy {
  departmentScope(p: Principal, action: 'alarm-rule-manage'): 'all' | number | null;
  actingDepartment(p: Principal, requested: number | undefined | null): number;
}

export interface RuleAudit {
  append(e: AuditWrite): Promise<void>;
}

const FOREIGN_KEY = '23503';

export class RuleService {
  private compiled: CompiledRule[] = [];
  private readonly changed = new Set<() => void>();

  constructor(
    private readonly repo: AlarmRulesRepo,
    private readonly policy: RulePolicy,
    private readonly audit: RuleAudit,
    /** The department of a wall screen (null: no such screen). */
    private readonly screenDepartment: (id: number) => Promise<number | null> = async () => null,
  ) {}

  /** Loads every rule for matching. */
  async start(): Promise<void> {
    await this.reload();
  }

  /** The rules events are matched against (enabled or not: the matcher says why one does not apply). */
  get rules(): readonly CompiledRule[] {
    return this.compiled;
  }

  private async reload(): Promise<void> {
    this.compiled = (await this.repo.list(null)).map(compileRule);
  }

  /** Re-reads the rules (changed on another node of a cluster). */
  refresh(): Promise<void> {
    return this.reload();
  }

  /** A rule created, changed or removed here (a cluster tells the other nodes). Returns the unsubscribe. */
  onChanged(fn: () => void): () => void {
    this.changed.add(fn);
    return () => void this.changed.delete(fn);
  }

  private async reloadAndTell(): Promise<void> {
    await this.reload();
    for (const fn of this.changed) fn();
  }

  private scope(p: Principal): number[] | null {
    const s = this.policy.departmentScope(p, 'alarm-rule-manage');
    return s === 'all' ? null : s === null ? [] : [s];
  }

  /** The rule when p may manage it; NotFound otherwise (another department's rules are not revealed). */
  private async mine(p: Principal, id: number): Promise<AlarmRule> {
    const rule = await this.repo.get(id);
    const scope = this.scope(p);
    if (!rule || (scope && !scope.includes(rule.departmentId))) throw new NotFoundError(`alarms: no rule ${id}`);
    return rule;
  }

  async list(p: Principal): Promise<AlarmRule[]> {
    return this.repo.list(this.scope(p));
  }

  async get(p: Principal, id: number): Promise<AlarmRule> {
    return this.mine(p, id);
  }

  async create(p: Principal, input: RuleCreate): Promise<AlarmRule> {
    const departmentId = this.policy.actingDepartment(p, input.departmentId);
    const w: RuleWrite = { ...RULE_DEFAULTS, ...stripUndefined(input), departmentId } as RuleWrite;
    checkArea(w.area);
    await this.checkScreen(w.screenId, departmentId);
    let rule: AlarmRule | null;
    try {
      rule = await this.repo.create(w);
    } catch (err) {
      if ((err as { code?: string }).code === FOREIGN_KEY)
        throw new ValidationError(`alarms: no department ${departmentId}`, [
          { path: 'body.departmentId', message: `no department ${departmentId}` },
        ]);
      throw err;
    }
    if (!rule) throw new ConflictError(`alarms: department ${departmentId} already has a rule named "${w.name}"`);
    await this.reloadAndTell();
    await this.write(p, 'alarm.rule.create', rule, { name: rule.name, kinds: rule.kinds });
    return rule;
  }

  async update(p: Principal, id: number, input: RuleUpdate): Promise<AlarmRule> {
    const old = await this.mine(p, id);
    const w = stripUndefined(input) as Partial<RuleWrite>;
    if (w.area !== undefined) checkArea(w.area);
    await this.checkScreen(w.screenId, old.departmentId);
    const rule = await this.repo.update(id, w);
    if (rule === 'duplicate') throw new ConflictError(`alarms: the department already has a rule named "${w.name}"`);
    if (!rule) throw new NotFoundError(`alarms: no rule ${id}`);
    await this.reloadAndTell();
    await this.write(p, 'alarm.rule.update', rule, { fields: Object.keys(w) });
    return rule;
  }

  async remove(p: Principal, id: number): Promise<void> {
    const rule = await this.mine(p, id);
    if (!(await this.repo.remove(id))) throw new NotFoundError(`alarms: no rule ${id}`);
    await this.reloadAndTell();
    await this.write(p, 'alarm.rule.remove', rule, { name: rule.name });
  }

  /** A rule's screen must be one of its department's wall (not revealed otherwise). */
  private async checkScreen(screenId: number | null | undefined, departmentId: number): Promise<void> {
    if (screenId === null || screenId === undefined) return;
    if ((await this.screenDepartment(screenId)) !== departmentId)
      throw new ValidationError(`alarms: no screen ${screenId} in the wall of department ${departmentId}`, [
        { path: 'body.screenId', message: `no screen ${screenId} of the rule's department` },
      ]);
  }

  private write(p: Principal, action: string, rule: AlarmRule, detail: Record<string, unknown>): Promise<void> {
    return this.audit.append({
      actorType: p.kind,
      actorId: p.id,
      actorName: p.name,
      departmentId: rule.departmentId,
      action,
      targetType: 'alarm_rule',
      targetId: rule.id,
      detail,
    });
  }
}

/** A rule's area must be a valid Polygon or MultiPolygon (GisInputError, HTTP 400, naming the fault). */
function checkArea(area: Record<string, unknown> | null | undefined): void {
  if (area) compileArea(area, 'body.area');
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
