// /events: integrators and operators post camera events; visible events are listed newest first.
import { z } from 'zod';
import { queryNumber } from '../../contract';
import type { CameraService } from '../../cameras/camera-service';
import type { EventsRepo, EventRecord } from '../../db/events-repo';
import type { ApiRouter } from '../api-router';

const event = z.object({
  id: z.string(),
  cameraId: z.string().nullable(),
  departmentId: z.number().nullable(),
  type: z.string(),
  at: z.string(),
  data: z.record(z.string(), z.unknown()),
  source: z.string(),
});

export function registerEventRoutes(
  api: ApiRouter,
  events: EventsRepo,
  cameras: CameraService,
  publish: (e: EventRecord) => void,
): void {
  api.add({
    method: 'post',
    path: '/events',
    tag: 'events',
    action: 'post-event',
    status: 201,
    summary: 'Post an event or alarm for a camera (integrator keys need the "events" scope)',
    body: z.strictObject({
      cameraId: z.string().regex(/^\d{1,19}$/),
      type: z
        .string()
        .min(1)
        .max(64)
        .regex(/^[A-Za-z0-9_.:-]+$/, 'letters, digits and _ . : - only'),
      at: z.iso.datetime({ offset: true }).optional(),
      data: z
        .record(z.string(), z.unknown())
        .default({})
        .refine((d) => JSON.stringify(d).length <= 16_384, 'data must serialise to at most 16 kB'),
    }),
    response: event,
    handler: async ({ principal, body }) => {
      const cam = await cameras.record(principal, body.cameraId, 'post-event');
      const e = await events.insert({
        cameraId: cam.id,
        departmentId: cam.departmentId,
        type: body.type,
        at: body.at,
        data: body.data,
        source: principal.kind === 'apikey' ? principal.name : `user:${principal.name}`,
      });
      publish(e);
      return e;
    },
  });
  api.add({
    method: 'get',
    path: '/events',
    tag: 'events',
    action: 'event-read',
    summary: 'Events of the cameras the caller can see, newest first',
    query: z.strictObject({
      camera: z
        .string()
        .regex(/^\d{1,19}$/)
        .optional(),
      type: z.string().max(64).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      limit: queryNumber(z.number().int().min(1).max(1000)).default(100),
      cursor: z
        .string()
        .max(64)
        .regex(/^[A-Za-z0-9_-]*$/)
        .optional(),
    }),
    response: z.object({ items: z.array(event), nextCursor: z.string().nullable() }),
    handler: async ({ principal, query }) => {
      const visible = query.camera
        ? [(await cameras.record(principal, query.camera, 'view')).id]
        : (await cameras.visibleAll(principal, {})).map((c) => c.id);
      return events.page(
        { cameraIds: visible, type: query.type, from: query.from, to: query.to },
        query.limit,
        query.cursor,
      );
    },
  });
}
