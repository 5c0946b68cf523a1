// /alarm-rules: a department's linkage rules (event kinds, area, windows, severity → cameras, rolls, ack timeout).
import { z } from 'zod';
import type { RuleService } from '../../alarms/rule-service';
import { alarmRuleSchema, ruleCreateSchema, ruleUpdateSchema } from '../../alarms/rule-model';
import type { ApiRouter } from '../api-router';

const params = z.strictObject({ id: z.string().regex(/^\d{1,9}$/, 'a numeric id') });

export function registerAlarmRuleRoutes(api: ApiRouter, rules: RuleService): void {
  api.add({
    method: 'post',
    path: '/alarm-rules',
    tag: 'alarms',
    action: 'alarm-rule-manage',
    status: 201,
    summary:
      "Create a linkage rule of the caller's department: events of the given kinds (in the area, in the weekly windows, " +
      'at least the severity) raise an alarm, record the nearest covering cameras and notify the operators',
    body: ruleCreateSchema,
    response: alarmRuleSchema,
    handler: async ({ principal, body }) => rules.create(principal, body),
  });
  api.add({
    method: 'get',
    path: '/alarm-rules',
    tag: 'alarms',
    action: 'alarm-rule-manage',
    summary: "The linkage rules of the caller's department (every department for a city-wide admin)",
    response: z.object({ items: z.array(alarmRuleSchema) }),
    handler: async ({ principal }) => ({ items: await rules.list(principal) }),
  });
  api.add({
    method: 'get',
    path: '/alarm-rules/{id}',
    tag: 'alarms',
    action: 'alarm-rule-manage',
    summary: 'One linkage rule',
    params,
    response: alarmRuleSchema,
    handler: async ({ principal, params }) => rules.get(principal, Number(params.id)),
  });
  api.add({
    method: 'patch',
    path: '/alarm-rules/{id}',
    tag: 'alarms',
    action: 'alarm-rule-manage',
    summary: 'Change fields of a linkage rule (alarms already raised keep what they were raised with)',
    params,
    body: ruleUpdateSchema,
    response: alarmRuleSchema,
    handler: async ({ principal, params, body }) => rules.update(principal, Number(params.id), body),
  });
  api.add({
    method: 'delete',
    path: '/alarm-rules/{id}',
    tag: 'alarms',
    action: 'alarm-rule-manage',
    summary: 'Remove a linkage rule (its alarms stay, naming it)',
    params,
    handler: async ({ principal, params }) => {
      await rules.remove(principal, Number(params.id));
    },
  });
}
