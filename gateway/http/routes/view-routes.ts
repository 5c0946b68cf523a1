// /wall/views: saved views of the wall (a named layout with its cameras), per user, optionally shared in the department.
import { z } from 'zod';
import type { ViewService } from '../../wall/view-service';
import { viewCreateSchema, viewSchema, viewUpdateSchema } from '../../wall/wall-model';
import type { ApiRouter } from '../api-router';

const params = z.strictObject({ id: z.string().regex(/^\d{1,9}$/, 'a numeric id') });

export function registerViewRoutes(api: ApiRouter, views: ViewService): void {
  api.add({
    method: 'get',
    path: '/wall/views',
    tag: 'wall',
    action: 'wall-read',
    summary: "The caller's saved views and those shared in its department (cameras it may not see: null)",
    response: z.object({ items: z.array(viewSchema) }),
    handler: async ({ principal }) => ({ items: await views.list(principal) }),
  });
  api.add({
    method: 'post',
    path: '/wall/views',
    tag: 'wall',
    action: 'wall-drive',
    status: 201,
    summary: 'Save a view (every camera named must be one the caller may see)',
    body: viewCreateSchema,
    response: viewSchema,
    handler: async ({ principal, body }) => views.create(principal, body),
  });
  api.add({
    method: 'get',
    path: '/wall/views/{id}',
    tag: 'wall',
    action: 'wall-read',
    summary: 'One saved view',
    params,
    response: viewSchema,
    handler: async ({ principal, params }) => views.get(principal, Number(params.id)),
  });
  api.add({
    method: 'patch',
    path: '/wall/views/{id}',
    tag: 'wall',
    action: 'wall-drive',
    summary: "Change a saved view (its owner, or an admin of the wall's department)",
    params,
    body: viewUpdateSchema,
    response: viewSchema,
    handler: async ({ principal, params, body }) => views.update(principal, Number(params.id), body),
  });
  api.add({
    method: 'delete',
    path: '/wall/views/{id}',
    tag: 'wall',
    action: 'wall-drive',
    summary: 'Remove a saved view',
    params,
    handler: async ({ principal, params }) => {
      await views.remove(principal, Number(params.id));
    },
  });
}
