// /alarms: alarms raised by linkage rules: list and read (policy-filtered), and the workflow steps.
import { z } from 'zod';
import { ALARM_STATES, alarmSchema } from '../../alarms/alarm-model';
import type { AlarmService } from '../../alarms/alarm-service';
import { queryNumber } from '../../contract';
import { storedEventSchema } from '../../events/event-model';
import type { ApiRouter } from '../api-router';

const params = z.strictObject({ id: z.string().regex(/^\d{1,18}$/, 'a numeric id') });
const clip = z.object({
  cameraId: z.string(),
  distanceM: z.number(),
  covering: z.boolean(),
  recording: z.boolean(),
  from: z.string(),
  to: z.string(),
});

export function registerAlarmRoutes(api: ApiRouter, alarms: AlarmService): void {
  api.add({
    method: 'get',
    path: '/alarms',
    tag: 'alarms',
    action: 'alarm-read',
    summary: 'Alarms the caller may read, newest first; filters: state (comma-separated), raised from/to, department',
    query: z.strictObject({
      state: z
        .string()
        .max(64)
        .transform((s) => s.split(','))
        .pipe(z.array(z.enum(ALARM_STATES)))
        .optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      department: queryNumber(z.number().int().min(1)).optional(),
      limit: queryNumber(z.number().int().min(1).max(1000)).default(100),
    }),
    response: z.object({ items: z.array(alarmSchema) }),
    handler: async ({ principal, query }) => ({
      items: await alarms.list(principal, {
        states: query.state,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
        departmentId: query.department,
        limit: query.limit,
      }),
    }),
  });
  api.add({
    method: 'get',
    path: '/alarms/{id}',
    tag: 'alarms',
    action: 'alarm-read',
    summary:
      'One alarm with its event and cameras (those the caller may view), each with the time range of its clip: ' +
      'the event time minus the pre-roll to plus the post-roll',
    params,
    response: z.object({ alarm: alarmSchema, event: storedEventSchema.nullable(), cameras: z.array(clip) }),
    handler: async ({ principal, params }) => alarms.get(principal, params.id),
  });
  const steps = [
    ['ack', 'Acknowledge a new alarm'],
    ['handle', 'Mark an acknowledged alarm handled'],
    ['close', 'Close an alarm (from new, acknowledged or handled)'],
    ['reopen', 'Reopen a closed alarm: new again, with a new acknowledgement deadline'],
  ] as const;
  for (const [step, summary] of steps)
    api.add({
      method: 'post',
      path: `/alarms/{id}/${step}`,
      tag: 'alarms',
      action: 'alarm-handle',
      summary: `${summary}; 409 when the alarm's state does not allow it`,
      params,
      response: alarmSchema,
      handler: async ({ principal, params }) => alarms.step(principal, params.id, step),
    });
  api.add({
    method: 'post',
    path: '/alarms/{id}/assign',
    tag: 'alarms',
    action: 'alarm-handle',
    summary: "Assign an open alarm to a user who may handle the alarm's department's alarms",
    params,
    body: z.strictObject({ userId: z.number().int().positive() }),
    response: alarmSchema,
    handler: async ({ principal, params, body }) => alarms.assign(principal, params.id, body.userId),
  });
  api.add({
    method: 'get',
    path: '/alarms/{id}/assignees',
    tag: 'alarms',
    action: 'alarm-handle',
    summary: "The users an alarm may be assigned to: its department's users who may handle its alarms, by name",
    params,
    response: z.object({ items: z.array(z.object({ id: z.number(), name: z.string(), role: z.string() })) }),
    handler: async ({ principal, params }) => ({ items: await alarms.assignees(principal, params.id) }),
  });
  api.add({
    method: 'post',
    path: '/alarms/{id}/notes',
    tag: 'alarms',
    action: 'alarm-handle',
    status: 201,
    summary: 'Append a note to an alarm (notes are never changed or removed)',
    params,
    body: z.strictObject({ text: z.string().trim().min(1).max(2000) }),
    response: alarmSchema,
    handler: async ({ principal, params, body }) => alarms.note(principal, params.id, body.text),
  });
}
