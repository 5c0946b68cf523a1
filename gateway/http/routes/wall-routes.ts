// /wall/screens: a department's wall screens (register, change, remove, pair), their panes and layouts, and /wall/screen,
// what a paired screen shows.
import { z } from 'zod';
import type { ScreenCredentials } from '../../wall/screen-credentials';
import type { ViewService } from '../../wall/view-service';
import type { WallService } from '../../wall/wall-service';
import {
  layoutSchema,
  pairingSchema,
  pairSchema,
  paneSetSchema,
  screenCreateSchema,
  screenSchema,
  screenTokenSchema,
  screenUpdateSchema,
} from '../../wall/wall-model';
import type { ApiRouter } from '../api-router';

const id = z.string().regex(/^\d{1,9}$/, 'a numeric id');
const params = z.strictObject({ id });
const paneParams = z.strictObject({ id, pane: z.string().regex(/^\d{1,3}$/, 'a pane number (0-based)') });
const TAG = 'wall';

export function registerWallRoutes(
  api: ApiRouter,
  wall: WallService,
  views: ViewService,
  credentials: ScreenCredentials,
): void {
  api.add({
    method: 'get',
    path: '/wall/screens',
    tag: TAG,
    action: 'wall-read',
    summary: "The screens of the caller's department's wall (every department for a city-wide admin), with their panes",
    response: z.object({ items: z.array(screenSchema) }),
    handler: async ({ principal }) => ({ items: await wall.list(principal) }),
  });
  api.add({
    method: 'post',
    path: '/wall/screens',
    tag: TAG,
    action: 'wall-manage',
    status: 201,
    summary: 'Register a wall screen; the answer holds its one-time pairing secret (shown once) for the screen page',
    body: screenCreateSchema,
    response: z.object({ screen: screenSchema, pairing: z.object({ secret: z.string(), expiresAt: z.string() }) }),
    handler: async ({ principal, body }) => wall.create(principal, body),
  });
  api.add({
    method: 'get',
    path: '/wall/screen',
    tag: TAG,
    action: 'wall-show',
    summary: 'What the calling screen shows (screen token only): its layout and the cameras on its panes',
    response: screenSchema,
    handler: async ({ principal }) => wall.own(principal),
  });
  api.add({
    method: 'get',
    path: '/wall/screens/{id}',
    tag: TAG,
    action: 'wall-read',
    summary: 'One screen',
    params,
    response: screenSchema,
    handler: async ({ principal, params }) => wall.get(principal, Number(params.id)),
  });
  api.add({
    method: 'patch',
    path: '/wall/screens/{id}',
    tag: TAG,
    action: 'wall-manage',
    summary: "Change a screen's name, place in the wall or layout (panes beyond a smaller layout are emptied)",
    params,
    body: screenUpdateSchema,
    response: screenSchema,
    handler: async ({ principal, params, body }) => wall.update(principal, Number(params.id), body),
  });
  api.add({
    method: 'delete',
    path: '/wall/screens/{id}',
    tag: TAG,
    action: 'wall-manage',
    summary: 'Remove a screen (its page is told and closed)',
    params,
    handler: async ({ principal, params }) => {
      await wall.remove(principal, Number(params.id));
    },
  });
  api.add({
    method: 'post',
    path: '/wall/screens/{id}/pairing',
    tag: TAG,
    action: 'wall-manage',
    status: 201,
    summary: 'A new one-time pairing secret for a screen (the token in use stays valid until the secret is used)',
    params,
    response: pairingSchema,
    handler: async ({ principal, params }) => wall.repair(principal, Number(params.id)),
  });
  api.add({
    method: 'post',
    path: '/wall/screens/{id}/pair',
    tag: TAG,
    action: 'screen-pair',
    summary: "The screen page exchanges the pairing secret (once) for the screen's long-lived token",
    params,
    body: pairSchema,
    response: screenTokenSchema,
    handler: async ({ params, body }) => ({
      screenId: Number(params.id),
      token: await credentials.pair(Number(params.id), body.secret),
    }),
  });
  api.add({
    method: 'put',
    path: '/wall/screens/{id}/panes/{pane}',
    tag: TAG,
    action: 'wall-drive',
    summary: 'Put a camera on a pane (a camera the caller may not see: 404; one the screen may not show: 403)',
    params: paneParams,
    body: paneSetSchema,
    response: screenSchema,
    handler: async ({ principal, params, body }) =>
      wall.setPane(principal, Number(params.id), Number(params.pane), body.cameraId),
  });
  api.add({
    method: 'delete',
    path: '/wall/screens/{id}/panes/{pane}',
    tag: TAG,
    action: 'wall-drive',
    summary: 'Clear a pane',
    params: paneParams,
    response: screenSchema,
    handler: async ({ principal, params }) => wall.clearPane(principal, Number(params.id), Number(params.pane)),
  });
  api.add({
    method: 'put',
    path: '/wall/screens/{id}/layout',
    tag: TAG,
    action: 'wall-drive',
    summary: "Set a screen's layout (panes beyond a smaller layout are emptied)",
    params,
    body: z.strictObject({ layout: layoutSchema }),
    response: screenSchema,
    handler: async ({ principal, params, body }) => wall.setLayout(principal, Number(params.id), body.layout),
  });
  api.add({
    method: 'post',
    path: '/wall/screens/{id}/view',
    tag: TAG,
    action: 'wall-drive',
    summary: 'Show a saved view on a screen (cameras the caller or the screen may not see are left empty)',
    params,
    body: z.strictObject({ viewId: z.number().int().positive() }),
    response: screenSchema,
    handler: async ({ principal, params, body }) => views.apply(principal, Number(params.id), body.viewId),
  });
}
