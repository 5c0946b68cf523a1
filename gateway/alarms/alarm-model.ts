// Alarms: their states and legal transitions (new → acknowledged → handled → closed, closed → new by reopening), and shape.
import { z } from 'zod';

export const ALARM_STATES = ['new', 'acknowledged', 'handled', 'closed'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export const ALARM_STEPS = ['ack', 'handle', 'close', 'reopen'] as const;
export type AlarmStep = (typeof ALARM_STEPS)[number];

/** The states a step may start from, and where it leads. Closing is allowed from any open state (a false alarm). */
export const TRANSITIONS: Record<AlarmStep, { from: readonly AlarmState[]; to: AlarmState }> = {
  ack: { from: ['new'], to: 'acknowledged' },
  handle: { from: ['acknowledged'], to: 'handled' },
  close: { from: ['new', 'acknowledged', 'handled'], to: 'closed' },
  reopen: { from: ['closed'], to: 'new' },
};

/** Why `step` may not be taken from `state`; null when it may. */
export function refusal(step: AlarmStep, state: AlarmState): string | null {
  const t = TRANSITIONS[step];
  if (t.from.includes(state)) return null;
  return `may not ${step} an alarm that is ${state} (allowed from ${t.from.join(' or ')})`;
}

/** A camera chosen for an alarm, nearest first; `recording`: whether event recording was started on it. */
export interface AlarmCamera {
  id: string;
  distanceM: number;
  covering: boolean;
  recording: boolean;
}

export interface AlarmNote {
  at: string;
  userId: number;
  userName: string;
  text: string;
}

/** How the cameras were chosen: their view sectors hold the event ('covering'), the nearest in the radius, or none found. */
export type Selection = 'covering' | 'nearest' | 'none';

export interface Alarm {
  id: string;
  departmentId: number;
  ruleId: number | null;
  ruleName: string;
  eventId: string;
  eventAt: string;
  kind: string;
  type: string;
  severity: number;
  lng: number;
  lat: number;
  state: AlarmState;
  escalated: boolean;
  ackDueAt: string;
  /** Seconds the alarm may stay new before it is escalated (the rule's, when it was raised). */
  ackTimeoutS: number;
  assigneeId: number | null;
  cameras: AlarmCamera[];
  selection: Selection;
  preRollS: number;
  postRollS: number;
  notes: AlarmNote[];
  createdAt: string;
  updatedAt: string;
}

export const alarmCameraSchema = z.object({
  id: z.string(),
  distanceM: z.number(),
  covering: z.boolean(),
  recording: z.boolean(),
});

export const alarmSchema = z.object({
  id: z.string(),
  departmentId: z.number(),
  ruleId: z.number().nullable(),
  ruleName: z.string(),
  eventId: z.string(),
  eventAt: z.string(),
  kind: z.string(),
  type: z.string(),
  severity: z.number(),
  lng: z.number(),
  lat: z.number(),
  state: z.enum(ALARM_STATES),
  escalated: z.boolean(),
  ackDueAt: z.string(),
  ackTimeoutS: z.number(),
  assigneeId: z.number().nullable(),
  cameras: z.array(alarmCameraSchema),
  selection: z.enum(['covering', 'nearest', 'none']),
  preRollS: z.number(),
  postRollS: z.number(),
  notes: z.array(z.object({ at: z.string(), userId: z.number(), userName: z.string(), text: z.string() })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
