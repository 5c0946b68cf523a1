// /cameras: CRUD, filtered pages, import and export.
import { z } from 'zod';
import { camera, cameraCreate, cameraListQuery, cameraUpdate, page } from '../../contract';
import type { CameraService } from '../../cameras/camera-service';
import { expressOf, type ApiRouter } from '../api-router';

const idParam = z.strictObject({ id: z.string().regex(/^\d{1,19}$/, 'camera ids are decimal integers') });
const exportQuery = cameraListQuery.omit({ limit: true, cursor: true });

export function registerCameraRoutes(api: ApiRouter, cameras: CameraService): void {
  api.add({
    method: 'get',
    path: '/cameras',
    tag: 'cameras',
    action: 'camera-list',
    summary: 'List visible cameras with filters (department, network, status, tag, bbox, q) and cursor pagination',
    query: cameraListQuery,
    response: page(camera),
    handler: ({ principal, query }) => cameras.list(principal, query),
  });
  api.add({
    method: 'post',
    path: '/cameras',
    tag: 'cameras',
    action: 'camera-register',
    status: 201,
    summary: 'Register a camera (credentials are write-only)',
    body: cameraCreate,
    response: camera,
    handler: ({ principal, body, ip }) => cameras.create(principal, body, ip),
  });
  api.add({
    method: 'post',
    path: '/cameras/import',
    tag: 'cameras',
    action: 'camera-register',
    status: 201,
    summary:
      'Bulk import from CSV (text/csv) or GeoJSON (application/geo+json): all rows or none; errors name line and field',
    body: z.string(),
    consumes: ['text/csv', 'application/geo+json'],
    response: z.object({ imported: z.number(), ids: z.array(z.string()) }),
    handler: (ctx) =>
      cameras.import(ctx.principal, expressOf(ctx).req.is('text/csv') ? 'csv' : 'geojson', ctx.body, ctx.ip),
  });
  api.add({
    method: 'get',
    path: '/cameras/export.geojson',
    tag: 'cameras',
    action: 'camera-list',
    summary: 'Export visible cameras as a GeoJSON FeatureCollection',
    query: exportQuery,
    produces: 'application/geo+json',
    response: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }),
    handler: async (ctx) => {
      const { principal, query } = ctx;
      expressOf(ctx)
        .res.type('application/geo+json')
        .attachment('cameras.geojson')
        .send(JSON.stringify(await cameras.exportGeoJson(principal, query)));
    },
  });
  api.add({
    method: 'get',
    path: '/cameras/export.csv',
    tag: 'cameras',
    action: 'camera-list',
    summary: 'Export visible cameras as CSV (formula-injection safe)',
    query: exportQuery,
    produces: 'text/csv',
    handler: async (ctx) => {
      const { principal, query } = ctx;
      expressOf(ctx)
        .res.type('text/csv; charset=utf-8')
        .attachment('cameras.csv')
        .send(`\ufeff${await cameras.exportCsv(principal, query)}`);
    },
  });
  // after the fixed paths above: '/cameras/{id}' would otherwise swallow 'export.csv'
  api.add({
    method: 'get',
    path: '/cameras/{id}',
    tag: 'cameras',
    action: 'view',
    summary: 'One camera',
    params: idParam,
    response: camera,
    handler: ({ principal, params }) => cameras.get(principal, params.id),
  });
  api.add({
    method: 'patch',
    path: '/cameras/{id}',
    tag: 'cameras',
    action: 'edit',
    summary: 'Change a camera (owner department admins)',
    params: idParam,
    body: cameraUpdate,
    response: camera,
    handler: ({ principal, params, body, ip }) => cameras.update(principal, params.id, body, ip),
  });
  api.add({
    method: 'delete',
    path: '/cameras/{id}',
    tag: 'cameras',
    action: 'delete',
    summary: 'Remove a camera',
    params: idParam,
    handler: async ({ principal, params, ip }) => {
      await cameras.delete(principal, params.id, ip);
      return undefined;
    },
  });
}
