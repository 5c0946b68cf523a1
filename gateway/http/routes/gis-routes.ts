// /gis and /map: policy-filtered spatial queries, map clusters, grid lookups; GCJ-02/BD-09 on request.
import { z } from 'zod';
import { bboxParam, bboxTuple, CAMERA_STATUS, queryNumber, polygonGeometry, spatialHit } from '../../contract';
import type { AccessControl } from '../../auth/access';
import type { SpatialQueries } from '../../spatial/spatial-queries';
import type { ApiRouter } from '../api-router';

const csv = <T extends z.ZodType<string>>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(inner).max(50)).optional();
const crs = z.enum(['wgs84', 'gcj02', 'bd09']).default('wgs84');
const filters = {
  status: csv(CAMERA_STATUS),
  department: csv(z.string().regex(/^\d+$/)),
  tag: csv(z.string().min(1).max(64)),
  q: z.string().max(100).optional(),
};
const lng = queryNumber(z.number().min(-180).max(180));
const lat = queryNumber(z.number().min(-90).max(90));

const hits = z.object({ items: z.array(spatialHit) });
const lineString = z.strictObject({
  type: z.literal('LineString'),
  coordinates: z.array(z.array(z.number()).min(2).max(3)).min(2).max(10000),
});

export function registerGisRoutes(
  api: ApiRouter,
  spatial: SpatialQueries,
  access: AccessControl,
  limits: { maxRadiusM: number; maxResults: number },
): void {
  const limit = queryNumber(z.number().int().min(1).max(limits.maxResults)).default(20);
  const radius = queryNumber(z.number().min(0).max(limits.maxRadiusM));

  api.add({
    method: 'get',
    path: '/gis/nearby',
    tag: 'gis',
    action: 'spatial-query',
    summary:
      'The nearest visible cameras to a point within a radius (metres); cameras whose view sector covers the point first unless order=distance',
    query: z.strictObject({
      lng,
      lat,
      radius: radius.default(500),
      limit,
      crs,
      order: z.enum(['covering-first', 'distance']).default('covering-first'),
      ...filters,
    }),
    response: hits,
    handler: ({ principal, query: q }) => {
      return {
        items: spatial.nearby(
          principal,
          { lng: q.lng, lat: q.lat, crs: q.crs },
          q.radius,
          q.limit,
          q,
          q.order === 'covering-first',
        ),
      };
    },
  });
  api.add({
    method: 'get',
    path: '/gis/covering',
    tag: 'gis',
    action: 'spatial-query',
    summary: 'Visible cameras whose view sector (bearing, field of view, range) contains the point, nearest first',
    query: z.strictObject({ lng, lat, limit, crs, ...filters }),
    response: hits,
    handler: ({ principal, query: q }) => {
      return { items: spatial.covering(principal, { lng: q.lng, lat: q.lat, crs: q.crs }, q.limit, q) };
    },
  });
  api.add({
    method: 'post',
    path: '/gis/within',
    tag: 'gis',
    action: 'spatial-query',
    summary: 'Visible cameras inside a circle, a bbox or a GeoJSON Polygon/MultiPolygon (holes respected)',
    body: z
      .strictObject({
        circle: z
          .strictObject({
            lng: z.number().min(-180).max(180),
            lat: z.number().min(-90).max(90),
            radiusM: z.number().min(0).max(limits.maxRadiusM),
          })
          .optional(),
        bbox: bboxTuple.optional(),
        polygon: polygonGeometry.optional(),
        crs,
        limit: z.number().int().min(1).max(limits.maxResults).default(limits.maxResults),
        status: z.array(CAMERA_STATUS).optional(),
        department: z.array(z.string().regex(/^\d+$/)).optional(),
        tag: z.array(z.string()).optional(),
      })
      .refine((b) => [b.circle, b.bbox, b.polygon].filter(Boolean).length === 1, {
        message: 'give exactly one of circle, bbox, polygon',
      }),
    response: hits,
    handler: ({ principal, body: b }) => {
      const items = b.circle
        ? spatial.withinCircle(principal, b.circle, b.crs, b.limit, b)
        : b.bbox
          ? spatial.withinBbox(principal, b.bbox, b.crs, b.limit, b)
          : spatial.withinPolygon(principal, b.polygon, b.crs, b.limit, b);
      return { items };
    },
  });
  api.add({
    method: 'post',
    path: '/gis/along',
    tag: 'gis',
    action: 'spatial-query',
    summary: 'Visible cameras within distanceM of a route (GeoJSON LineString), in order along the route',
    body: z.strictObject({
      line: lineString,
      distanceM: z.number().min(0).max(5000),
      crs,
      limit: z.number().int().min(1).max(limits.maxResults).default(limits.maxResults),
      status: z.array(CAMERA_STATUS).optional(),
      department: z.array(z.string().regex(/^\d+$/)).optional(),
      tag: z.array(z.string()).optional(),
    }),
    response: hits,
    handler: ({ principal, body: b }) => {
      return { items: spatial.along(principal, b.line, b.distanceM, b.crs, b.limit, b) };
    },
  });
  api.add({
    method: 'get',
    path: '/gis/locate',
    tag: 'gis',
    action: 'grid-read',
    summary: 'Grids, districts and key places containing a point (smallest first)',
    query: z.strictObject({ lng, lat, crs }),
    response: z.object({ items: z.array(z.object({ id: z.number(), name: z.string(), kind: z.string() })) }),
    handler: ({ query: q }) => ({ items: spatial.locate(...convertPoint(q.lng, q.lat, q.crs)) }),
  });
  api.add({
    method: 'get',
    path: '/grids/{id}/cameras',
    tag: 'grids',
    action: 'spatial-query',
    summary: 'Visible cameras inside one grid or key place',
    params: z.strictObject({ id: queryNumber(z.number().int().positive()) }),
    query: z.strictObject({ limit: limit.default(limits.maxResults), crs, ...filters }),
    response: hits,
    handler: ({ principal, params, query: q }) => {
      return { items: spatial.gridCameras(principal, params.id, q.limit, q, q.crs) };
    },
  });
  api.add({
    method: 'get',
    path: '/map/clusters',
    tag: 'gis',
    action: 'camera-list',
    summary: "Clusters and single cameras of the caller's visible set inside a viewport at a zoom level",
    query: z.strictObject({ bbox: bboxParam, zoom: queryNumber(z.number().min(0).max(24)), crs, ...filters }),
    response: z.object({
      features: z.array(
        z.object({
          type: z.literal('Feature'),
          geometry: z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) }),
          properties: z.record(z.string(), z.unknown()),
        }),
      ),
    }),
    handler: async ({ principal, query: q }) => ({
      features: access.canDo(principal, 'spatial-query')
        ? await spatial.mapClusters(principal, q.bbox, q.zoom, q, q.crs)
        : [],
    }),
  });

  function convertPoint(x: number, y: number, from: 'wgs84' | 'gcj02' | 'bd09'): [number, number] {
    return from === 'wgs84' ? [x, y] : spatial.toWgs84(x, y, from);
  }
}
