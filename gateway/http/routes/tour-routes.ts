// /wall/tours: a department's tours (cameras or saved views with a dwell time each); /wall/screens/{id}/tour starts one
// on a screen (the server runs it, across console closes and gateway restarts) and stops it.
import { z } from 'zod';
import type { TourService } from '../../wall/tour-service';
import { tourCreateSchema, tourSchema, tourStartSchema, tourUpdateSchema } from '../../wall/tour-model';
import { screenSchema } from '../../wall/wall-model';
import type { ApiRouter } from '../api-router';

const params = z.strictObject({ id: z.string().regex(/^\d{1,9}$/, 'a numeric id') });
const TAG = 'wall';

export function registerTourRoutes(api: ApiRouter, tours: TourService): void {
  api.add({
    method: 'get',
    path: '/wall/tours',
    tag: TAG,
    action: 'wall-read',
    summary: "The tours of the caller's department (cameras it may not see: null)",
    response: z.object({ items: z.array(tourSchema) }),
    handler: async ({ principal }) => ({ items: await tours.list(principal) }),
  });
  api.add({
    method: 'post',
    path: '/wall/tours',
    tag: TAG,
    action: 'wall-drive',
    status: 201,
    summary: 'Create a tour (every camera and view named must be one the caller may see; dwell 3–3600 s)',
    body: tourCreateSchema,
    response: tourSchema,
    handler: async ({ principal, body }) => tours.create(principal, body),
  });
  api.add({
    method: 'get',
    path: '/wall/tours/{id}',
    tag: TAG,
    action: 'wall-read',
    summary: 'One tour',
    params,
    response: tourSchema,
    handler: async ({ principal, params }) => tours.get(principal, Number(params.id)),
  });
  api.add({
    method: 'patch',
    path: '/wall/tours/{id}',
    tag: TAG,
    action: 'wall-drive',
    summary: 'Change a tour (screens running it go on with the new steps)',
    params,
    body: tourUpdateSchema,
    response: tourSchema,
    handler: async ({ principal, params, body }) => tours.update(principal, Number(params.id), body),
  });
  api.add({
    method: 'delete',
    path: '/wall/tours/{id}',
    tag: TAG,
    action: 'wall-drive',
    summary: 'Remove a tour (screens running it stop)',
    params,
    handler: async ({ principal, params }) => {
      await tours.remove(principal, Number(params.id));
    },
  });
  api.add({
    method: 'post',
    path: '/wall/screens/{id}/tour',
    tag: TAG,
    action: 'wall-drive',
    summary: "Start a tour of the screen's department on the screen, at its first step",
    params,
    body: tourStartSchema,
    response: screenSchema,
    handler: async ({ principal, params, body }) => tours.start(principal, Number(params.id), body.tourId),
  });
  api.add({
    method: 'delete',
    path: '/wall/screens/{id}/tour',
    tag: TAG,
    action: 'wall-drive',
    summary: 'Stop the tour running on the screen (its last step stays shown)',
    params,
    response: screenSchema,
    handler: async ({ principal, params }) => tours.stop(principal, Number(params.id)),
  });
}
