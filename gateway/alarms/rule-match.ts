// Whether an accepted event raises an alarm under a rule: department, kind, severity, area and weekly windows. Pure.
import { compileArea, type CompiledArea } from '../../gis/geojson';
import { pointInArea } from '../../gis/point-in-polygon';
import type { StoredEvent } from '../events/event-model';
import type { AlarmRule, RuleWindow } from './rule-model';

/** A rule ready to match: its area compiled once. */
export interface CompiledRule {
  rule: AlarmRule;
  area: CompiledArea | null;
}

export function compileRule(rule: AlarmRule): CompiledRule {
  return { rule, area: rule.area ? compileArea(rule.area, 'area') : null };
}

/** An event's severity 1 … 5: its own `severity` (alarms carry one), else 3. */
export function severityOf(e: Pick<StoredEvent, 'data'>): number {
  const s = e.data.severity;
  return typeof s === 'number' && Number.isInteger(s) && s >= 1 && s <= 5 ? s : 3;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Day of week (0 = Sunday) and minute of day of `atMs` in time zone `tz`. */
export function localTime(atMs: number, tz: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(atMs));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { day: WEEKDAYS[get('weekday')] ?? 0, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when `atMs` lies in one of the windows (none: always). */
export function inWindows(windows: readonly RuleWindow[], tz: string, atMs: number): boolean {
  if (windows.length === 0) return true;
  const { day, minute } = localTime(atMs, tz);
  return windows.some((w) => w.days.includes(day) && minute >= minutes(w.start) && minute < minutes(w.end));
}

/**
 * Why `e` raises no alarm under `r` (null: it raises one). A cleared alarm (`data.state` "cleared") raises
 * nothing; the event's own time, not its arrival, is held against the windows.
 */
export function mismatch(r: CompiledRule, e: StoredEvent): string | null {
  const rule = r.rule;
  if (!rule.enabled) return 'rule disabled';
  if (e.departmentId !== rule.departmentId) return 'another department';
  if (!rule.kinds.includes(e.kind)) return `kind ${e.kind} not in the rule`;
  if (e.data.state === 'cleared') return 'a cleared alarm';
  if (severityOf(e) < rule.minSeverity) return `severity ${severityOf(e)} below ${rule.minSeverity}`;
  if (r.area && !pointInArea(e.lng, e.lat, r.area)) return 'outside the area';
  if (!inWindows(rule.windows, rule.timeZone, Date.parse(e.at))) return 'outside the time windows';
  return null;
}

/** The rules `e` matches, in rule id order. */
export function matchingRules(rules: readonly CompiledRule[], e: StoredEvent): AlarmRule[] {
  return rules.filter((r) => mismatch(r, e) === null).map((r) => r.rule);
}
