// /events: callers post per-camera events; everyone searches the events they may see (kind, time, area, plate).
import { z } from 'zod';
import { pageQuery, queryNumber } from '../../contract';
import type { CameraService } from '../../cameras/camera-service';
import { EVENT_KINDS, storedEventSchema } from '../../events/event-model';
import type { EventIngest } from '../../events/event-ingest';
import type { EventArea, EventSearch } from '../../events/event-search';
import { SourceService } from '../../events/source-service';
import { ValidationError } from '../../errors';
import type { ApiRouter } from '../api-router';

const id = z.string().regex(/^\d{1,19}$/);
const nums = (n: number, what: string) =>
  z
    .string()
    .max(120)
    .transform((s, ctx) => {
      const v = s.split(',').map(Number);
      if (v.length !== n || v.some((x) => !Number.isFinite(x))) {
        ctx.addIssue({ code: 'custom', message: `${n} comma-separated numbers: ${what}` });
        return z.NEVER;
      }
      return v;
    });

function areaOf(q: {
  bbox?: number[] | undefined;
  near?: number[] | undefined;
  polygon?: string | undefined;
}): EventArea | undefined {
  const given = [q.bbox, q.near, q.polygon].filter((x) => x !== undefined).length;
  if (given > 1)
    throw new ValidationError('events: one of bbox, near and polygon', [{ path: 'query', message: 'one area only' }]);
  if (q.bbox) {
    const [w, s, e, n] = q.bbox as [number, number, number, number];
    if (w > e || s > n || s < -90 || n > 90 || w < -180 || e > 180)
      throw new ValidationError('events: bbox must be west,south,east,north in WGS-84', [
        { path: 'query.bbox', message: 'bad box' },
      ]);
    return { bbox: [w, s, e, n] };
  }
  if (q.near) {
    const [lng, lat, radiusM] = q.near as [number, number, number];
    if (Math.abs(lng) > 180 || Math.abs(lat) > 90 || !(radiusM > 0 && radiusM <= 100_000))
      throw new ValidationError('events: near must be lng,lat,radiusM (radius up to 100 km)', [
        { path: 'query.near', message: 'bad circle' },
      ]);
    return { circle: { lng, lat, radiusM } };
  }
  if (q.polygon) {
    try {
      return { polygon: JSON.parse(q.polygon) as unknown };
    } catch {
      throw new ValidationError('events: polygon must be a GeoJSON Polygon or MultiPolygon', [
        { path: 'query.polygon', message: 'not JSON' },
      ]);
    }
  }
  return undefined;
}

export function registerEventRoutes(
  api: ApiRouter,
  ingest: EventIngest,
  search: EventSearch,
  cameras: CameraService,
): void {
  api.add({
    method: 'post',
    path: '/events',
    tag: 'events',
    action: 'post-event',
    status: 201,
    summary: 'Post a custom event for a camera (integrator keys need the "events" scope)',
    body: z.strictObject({
      cameraId: id,
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
    response: storedEventSchema,
    handler: async ({ principal, body }) => {
      // the camera as the caller may post for it (404 when it may not see it)
      const cam = await cameras.record(principal, body.cameraId, 'post-event');
      const [r] = await ingest.ingest(SourceService.callerSender(principal), [
        {
          kind: 'custom',
          type: body.type,
          ...(body.at ? { at: body.at } : {}),
          location: { cameraId: cam.id },
          data: body.data,
        },
      ]);
      return r!.event;
    },
  });
  api.add({
    method: 'get',
    path: '/events',
    tag: 'events',
    action: 'event-read',
    summary:
      'Events the caller may see (of cameras it may see; of points and positions of departments it sees), newest first. ' +
      'plate: exact ("湘J12345") or a pattern, * any run and ? one character ("湘J*8*"). Area: bbox=w,s,e,n | ' +
      'near=lng,lat,radiusM | polygon=<GeoJSON>.',
    query: z.strictObject({
      camera: id.optional(),
      point: z
        .string()
        .regex(/^\d{1,9}$/)
        .optional(),
      kind: z
        .string()
        .max(64)
        .transform((s) => s.split(','))
        .pipe(z.array(z.enum(EVENT_KINDS)))
        .optional(),
      type: z.string().max(64).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      plate: z.string().max(32).optional(),
      bbox: nums(4, 'west,south,east,north').optional(),
      near: nums(3, 'lng,lat,radiusM').optional(),
      polygon: z.string().max(20_000).optional(),
      ...pageQuery,
    }),
    response: z.object({ items: z.array(storedEventSchema), nextCursor: z.string().nullable() }),
    handler: async ({ principal, query }) => {
      if (query.camera) await cameras.record(principal, query.camera, 'view');
      return search.search(principal, {
        kinds: query.kind,
        type: query.type,
        from: query.from,
        to: query.to,
        cameraId: query.camera,
        pointId: query.point ? Number(query.point) : undefined,
        plate: query.plate,
        area: areaOf(query),
        limit: query.limit,
        cursor: query.cursor,
      });
    },
  });
}
