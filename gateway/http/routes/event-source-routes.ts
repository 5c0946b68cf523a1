// /event-sources and /event-points: a department's event senders (webhook, MQTT, ONVIF) and its checkpoints/alarm points.
import { z } from 'zod';
import type { SourceService } from '../../events/source-service';
import { SOURCE_FORMATS } from '../../events/vendor-adapters';
import type { ApiRouter } from '../api-router';

const name = z.string().min(1).max(120);
const code = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^\s<>"'\\]+$/, 'no spaces, quotes or angle brackets');
const locate = {
  point: code.optional(),
  cameraId: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
  utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
};
const topic = z
  .string()
  .min(1)
  .max(256)
  .refine((t) => !/[\u0000]/.test(t) && !/.#|#./.test(t.replace(/\/#$/, '')), 'an MQTT topic filter (# only last)');

const sourceBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('webhook'),
    name,
    format: z.enum(SOURCE_FORMATS).default('cloudeye'),
    departmentId: z.number().int().optional(),
    settings: z.strictObject(locate).default({}),
  }),
  z.strictObject({
    kind: z.literal('mqtt'),
    name,
    format: z.enum(SOURCE_FORMATS).default('cloudeye'),
    departmentId: z.number().int().optional(),
    settings: z.strictObject({
      url: z.url({ protocol: /^mqtts?$/ }).max(512),
      topics: z.array(topic).min(1).max(32),
      clientId: z
        .string()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9_.-]+$/)
        .optional(),
      ...locate,
    }),
    credentials: z.strictObject({ username: z.string().max(128), password: z.string().max(256) }).optional(),
  }),
  z.strictObject({
    kind: z.literal('onvif'),
    name,
    departmentId: z.number().int().optional(),
    settings: z
      .strictObject({
        cameraIds: z
          .array(z.string().regex(/^\d{1,19}$/))
          .max(1000)
          .default([]),
      })
      .default({ cameraIds: [] }),
  }),
]);

const source = z.object({
  id: z.number(),
  departmentId: z.number(),
  name: z.string(),
  kind: z.enum(['webhook', 'mqtt', 'onvif']),
  format: z.string(),
  settings: z.record(z.string(), z.unknown()),
  hasCredentials: z.boolean(),
  enabled: z.boolean(),
  createdAt: z.string(),
});
const point = z.object({
  id: z.number(),
  departmentId: z.number(),
  kind: z.enum(['checkpoint', 'alarm-point']),
  code: z.string(),
  name: z.string(),
  lng: z.number(),
  lat: z.number(),
});

export function registerEventSourceRoutes(api: ApiRouter, sources: SourceService): void {
  api.add({
    method: 'post',
    path: '/event-sources',
    tag: 'events',
    action: 'event-source-manage',
    status: 201,
    summary: "Register an event source of the caller's department; a webhook source's secret is returned here only",
    body: sourceBody,
    response: z.object({ source, secret: z.string().optional() }),
    handler: async ({ principal, body }) =>
      sources.create(principal, { format: 'cloudeye', ...body, settings: body.settings as Record<string, unknown> }),
  });
  api.add({
    method: 'get',
    path: '/event-sources',
    tag: 'events',
    action: 'event-source-manage',
    summary: "The event sources of the caller's department (every department for a city-wide admin)",
    response: z.object({ items: z.array(source) }),
    handler: async ({ principal }) => ({ items: await sources.list(principal) }),
  });
  api.add({
    method: 'delete',
    path: '/event-sources/{id}',
    tag: 'events',
    action: 'event-source-manage',
    summary: 'Remove an event source (its subscriptions stop; its stored events stay)',
    params: z.strictObject({ id: z.string().regex(/^\d{1,9}$/) }),
    handler: async ({ principal, params }) => {
      await sources.remove(principal, Number(params.id));
    },
  });
  api.add({
    method: 'post',
    path: '/event-points',
    tag: 'events',
    action: 'event-source-manage',
    status: 201,
    summary: 'Register a checkpoint (卡口) or alarm point with its position (WGS-84); events name it by code',
    body: z.strictObject({
      kind: z.enum(['checkpoint', 'alarm-point']),
      code,
      name,
      lng: z.number().min(-180).max(180),
      lat: z.number().min(-90).max(90),
      departmentId: z.number().int().optional(),
    }),
    response: point,
    handler: async ({ principal, body }) => sources.createPoint(principal, body),
  });
  api.add({
    method: 'get',
    path: '/event-points',
    tag: 'events',
    action: 'event-source-manage',
    summary: "The checkpoints and alarm points of the caller's department",
    response: z.object({ items: z.array(point) }),
    handler: async ({ principal }) => ({ items: await sources.listPoints(principal) }),
  });
}
