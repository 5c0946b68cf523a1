// Recording plans as rules: which plan applies to a camera (camera > tag > department > default), whether a schedule is open now, input checks.
import { ValidationError, type FieldIssue } from '../errors';
import type { PlanMode, PlanRecord, PlanScope, PlanWindow, PlanWrite } from '../db/recording-plans-repo';

/** The plan in force for one camera. */
export interface EffectivePlan {
  mode: PlanMode;
  profile: 'main' | 'sub';
  windows: PlanWindow[];
  timeZone: string;
  preRollS: number;
  postRollS: number;
  retentionDays: number;
  eventRetentionDays: number;
  /** Where it came from: 'camera', 'tag:<tag>', 'department', 'default'. */
  source: string;
}

export interface PlanDefaults {
  mode: 'off' | 'continuous' | 'event';
  profile: 'main' | 'sub';
  preRollS: number;
  postRollS: number;
  retentionDays: number;
  eventRetentionDays: number;
}

/** What a recorder should do now: nothing, write everything, or stay attached on standby for events. */
export type Desired = 'off' | 'continuous' | 'standby';

// with several tag plans matching, the one recording the most wins
const STRENGTH: Record<PlanMode, number> = { continuous: 3, scheduled: 2, event: 1, off: 0 };

/**
 * The plan of camera `cam`: its own, else the strongest of its tags' (a tag plan within its department
 * first, then one for every department), else its department's, else the defaults. Retention days not
 * set on the chosen plan fall back along the same chain.
 */
export function resolvePlan(
  cam: { id: string; departmentId: number | null; tags: readonly string[] },
  plans: readonly PlanRecord[],
  d: PlanDefaults,
): EffectivePlan {
  const own = plans.find((p) => p.scope === 'camera' && p.cameraId === cam.id);
  const tagged = plans
    .filter((p) => p.scope === 'tag' && p.tag && cam.tags.includes(p.tag))
    .filter((p) => p.departmentId === null || p.departmentId === cam.departmentId)
    .sort(
      (a, b) => STRENGTH[b.mode] - STRENGTH[a.mode] || (b.departmentId ?? 0) - (a.departmentId ?? 0) || a.id - b.id,
    );
  const dept = plans.find((p) => p.scope === 'department' && p.departmentId === cam.departmentId);
  const chain = [own, tagged[0], dept].filter((p): p is PlanRecord => !!p);
  const chosen = chain[0];
  const retentionDays = chain.find((p) => p.retentionDays !== null)?.retentionDays ?? d.retentionDays;
  const eventRetentionDays =
    chain.find((p) => p.eventRetentionDays !== null)?.eventRetentionDays ?? d.eventRetentionDays;
  if (!chosen) return { ...d, windows: [], timeZone: 'UTC', retentionDays, eventRetentionDays, source: 'default' };
  return {
    mode: chosen.mode,
    profile: chosen.profile,
    windows: chosen.windows,
    timeZone: chosen.timeZone,
    preRollS: chosen.preRollS,
    postRollS: chosen.postRollS,
    retentionDays,
    eventRetentionDays,
    source: chosen.scope === 'tag' ? `tag:${chosen.tag}` : chosen.scope,
  };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Day of week (0 = Sunday) and minute of the day at `atMs` in time zone `tz`. */
export function localTime(atMs: number, tz: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(atMs));
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return { day: WEEKDAYS.indexOf(get('weekday')), minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when `atMs` falls in one of the weekly windows (in `tz`). */
export function inWindows(windows: readonly PlanWindow[], tz: string, atMs: number): boolean {
  const { day, minute } = localTime(atMs, tz);
  return windows.some((w) => w.days.includes(day) && minute >= minutes(w.start) && minute < minutes(w.end));
}

/** What a recorder should do now under `plan`. */
export function desiredNow(plan: EffectivePlan, atMs: number): Desired {
  if (plan.mode === 'continuous') return 'continuous';
  if (plan.mode === 'scheduled') return inWindows(plan.windows, plan.timeZone, atMs) ? 'continuous' : 'off';
  if (plan.mode === 'event') return 'standby';
  return 'off';
}

/** True when `tz` is an IANA time zone name this runtime knows. */
export function isTimeZone(tz: unknown): tz is string {
  if (typeof tz !== 'string' || tz.length === 0 || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const TAG = /^[\p{L}\p{N}_.:-]{1,64}$/u;

/**
 * Checks a plan from outside (API, CLI) and returns it typed. Throws ValidationError with one issue per
 * bad field (path `plan.<field>`), e.g. a window ending before it starts, an unknown time zone, a pre-roll
 * longer than the pull keeps (`maxPreRollS`).
 */
export function checkPlan(input: Record<string, unknown>, maxPreRollS: number, updatedBy: string): PlanWrite {
  const issues: FieldIssue[] = [];
  const bad = (path: string, message: string): void => void issues.push({ path: `plan.${path}`, message });
  const scope = input.scope as PlanScope;
  if (!['camera', 'tag', 'department'].includes(scope)) bad('scope', 'must be camera, tag or department');
  const mode = input.mode as PlanMode;
  if (!['off', 'continuous', 'scheduled', 'event'].includes(mode))
    bad('mode', 'must be off, continuous, scheduled or event');
  const profile = (input.profile ?? 'main') as 'main' | 'sub';
  if (profile !== 'main' && profile !== 'sub') bad('profile', 'must be main or sub');
  const cameraId = input.cameraId == null ? null : String(input.cameraId);
  if (scope === 'camera' && !(cameraId && /^\d{1,18}$/.test(cameraId))) bad('cameraId', 'a camera id is required');
  const tag = input.tag == null ? null : String(input.tag);
  if (scope === 'tag' && !(tag && TAG.test(tag))) bad('tag', 'a tag (1–64 letters, digits, _ . : -) is required');
  const departmentId = input.departmentId == null ? null : Number(input.departmentId);
  if (departmentId !== null && !(Number.isInteger(departmentId) && departmentId > 0))
    bad('departmentId', 'must be a department id');
  if (scope === 'department' && departmentId === null) bad('departmentId', 'a department id is required');
  const timeZone = input.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) bad('timeZone', `unknown time zone ${JSON.stringify(String(timeZone)).slice(0, 80)}`);
  const windows = (input.windows ?? []) as PlanWindow[];
  if (!Array.isArray(windows) || windows.length > 50) bad('windows', 'must be a list of at most 50 windows');
  else
    windows.forEach((w, i) => {
      const days = (w as Partial<PlanWindow>)?.days;
      if (!Array.isArray(days) || !days.length || days.some((d) => !Number.isInteger(d) || d < 0 || d > 6))
        bad(`windows[${i}].days`, 'must list days 0 (Sunday) to 6');
      if (typeof w?.start !== 'string' || !HHMM.test(w.start) || w.start === '24:00')
        bad(`windows[${i}].start`, 'must be HH:MM');
      else if (typeof w?.end !== 'string' || !HHMM.test(w.end)) bad(`windows[${i}].end`, 'must be HH:MM or 24:00');
      else if (minutes(w.end) <= minutes(w.start)) bad(`windows[${i}].end`, `must be after start ${w.start}`);
    });
  if (mode === 'scheduled' && Array.isArray(windows) && windows.length === 0)
    bad('windows', 'a scheduled plan needs windows');
  const int = (name: string, v: unknown, min: number, max: number, dflt: number | null): number | null => {
    if (v == null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      bad(name, `must be a whole number ${min}–${max}`);
    return v as number;
  };
  const preRollS = int('preRollS', input.preRollS, 0, maxPreRollS, 5)!;
  const postRollS = int('postRollS', input.postRollS, 0, 3600, 10)!;
  const retentionDays = int('retentionDays', input.retentionDays, 1, 3650, null);
  const eventRetentionDays = int('eventRetentionDays', input.eventRetentionDays, 1, 3650, null);
  if (issues.length)
    throw new ValidationError(
      `recording: plan rejected: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  return {
    scope,
    cameraId: scope === 'camera' ? cameraId : null,
    tag: scope === 'tag' ? tag : null,
    departmentId: scope === 'camera' ? null : departmentId,
    mode,
    profile,
    windows: windows.map((w) => ({ days: [...new Set(w.days)].sort(), start: w.start, end: w.end })),
    timeZone: timeZone as string,
    preRollS,
    postRollS,
    retentionDays,
    eventRetentionDays,
    updatedBy,
  };
}
