// Linkage rules: their input schema (kinds, area, weekly windows, severity, cameras, rolls, ack timeout) and stored shape.
import { z } from 'zod';
import { EVENT_KINDS, type EventKind } from '../events/event-model';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'HH:MM between 00:00 and 24:00');

/** A weekly window: days 0 (Sunday) … 6, from `start` to `end` (exclusive) in the rule's time zone. */
export const windowSchema = z
  .strictObject({
    days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    start: hhmm,
    end: hhmm,
  })
  .refine((w) => w.start < w.end, { message: 'start must be before end', path: ['end'] });

const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone name');

/**
 * A rule as written. The area is checked by the GIS engine (compileArea) when the rule is saved:
 * zod checks only that it is an object.
 */
export const ruleFields = {
  name: z.string().min(1).max(120),
  enabled: z.boolean(),
  kinds: z.array(z.enum(EVENT_KINDS)).min(1).max(EVENT_KINDS.length),
  area: z.record(z.string(), z.unknown()).nullable(),
  windows: z.array(windowSchema).max(28),
  timeZone,
  /** Events below this severity (1 … 5) raise nothing. */
  minSeverity: z.number().int().min(1).max(5),
  /** Cameras chosen per alarm (1 … 16). */
  cameraCount: z.number().int().min(1).max(16),
  /** Metres around the event within which cameras are looked for (10 … 5000). */
  radiusM: z.number().int().min(10).max(5000),
  preRollS: z.number().int().min(0).max(300),
  postRollS: z.number().int().min(0).max(3600),
  /** Seconds an alarm may stay unacknowledged before it is escalated (1 … 86400). */
  ackTimeoutS: z.number().int().min(1).max(86_400),
  /** A wall screen of the rule's department its alarms' cameras are shown on (null: none). */
  screenId: z.number().int().positive().nullable(),
};

export const RULE_DEFAULTS = {
  enabled: true,
  area: null,
  windows: [],
  timeZone: 'UTC',
  minSeverity: 1,
  cameraCount: 4,
  radiusM: 300,
  preRollS: 10,
  postRollS: 20,
  ackTimeoutS: 120,
  screenId: null,
} as const;

export const ruleCreateSchema = z.strictObject({
  departmentId: z.number().int().positive().optional(),
  name: ruleFields.name,
  kinds: ruleFields.kinds,
  enabled: ruleFields.enabled.optional(),
  area: ruleFields.area.optional(),
  windows: ruleFields.windows.optional(),
  timeZone: ruleFields.timeZone.optional(),
  minSeverity: ruleFields.minSeverity.optional(),
  cameraCount: ruleFields.cameraCount.optional(),
  radiusM: ruleFields.radiusM.optional(),
  preRollS: ruleFields.preRollS.optional(),
  postRollS: ruleFields.postRollS.optional(),
  ackTimeoutS: ruleFields.ackTimeoutS.optional(),
  screenId: ruleFields.screenId.optional(),
});
export type RuleCreate = z.infer<typeof ruleCreateSchema>;

export const ruleUpdateSchema = ruleCreateSchema.omit({ departmentId: true }).partial();
export type RuleUpdate = z.infer<typeof ruleUpdateSchema>;

export interface RuleWindow {
  days: number[];
  start: string;
  end: string;
}

/** A stored rule. */
export interface AlarmRule {
  id: number;
  departmentId: number;
  name: string;
  enabled: boolean;
  kinds: EventKind[];
  area: Record<string, unknown> | null;
  windows: RuleWindow[];
  timeZone: string;
  minSeverity: number;
  cameraCount: number;
  radiusM: number;
  preRollS: number;
  postRollS: number;
  ackTimeoutS: number;
  screenId: number | null;
  createdAt: string;
  updatedAt: string;
}

export const alarmRuleSchema = z.object({
  id: z.number(),
  departmentId: z.number(),
  ...ruleFields,
  kinds: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
