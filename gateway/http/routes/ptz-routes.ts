// PTZ: moves, click-to-centre, presets, control by priority, patrols, and the users' own PTZ priority.
import { z } from 'zod';
import type { PatrolService } from '../../ptz/patrol-service';
import type { PtzService } from '../../ptz/ptz-service';
import type { Principal } from '../../auth/policy-terms';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiRouter } from '../api-router';
import { forwardCall, wasForwarded, type StreamRouting } from '../node-proxy';

const camId = z.strictObject({ id: z.string().regex(/^\d{1,19}$/, 'camera ids are decimal integers') });
/** ONVIF preset tokens: what cameras use (digits, letters, _ - .), at most 64 characters. */
const presetToken = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'preset tokens are 1–64 letters, digits, _ - .');
const camPreset = z.strictObject({ id: camId.shape.id, token: presetToken });
const patrolId = z.strictObject({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const speed = z.number().min(-1, 'speeds are -1..1').max(1, 'speeds are -1..1');
const presetName = z.strictObject({ name: z.string().max(200) });
const holder = z.object({ name: z.string(), priority: z.number(), until: z.string() });
const preset = z.object({ token: z.string(), name: z.string() }).passthrough();
const step = z.strictObject({ preset: presetToken, dwellS: z.number().int().min(3).max(3600) });
const patrolBody = z.strictObject({ name: z.string().max(200), steps: z.array(step).min(1).max(32) });
const patrol = z.object({ id: z.number(), cameraId: z.string(), name: z.string(), steps: z.array(step) }).passthrough();

/** Sets a user's own PTZ priority (ptz-priorities.ts, bound by the wiring). */
export type SetPriority = (p: Principal, userId: number, priority: number | null, ip: string) => Promise<void>;

export function registerPtzRoutes(
  api: ApiRouter,
  ptz: PtzService,
  patrols: PatrolService,
  setPriority: SetPriority,
  routing?: StreamRouting,
): void {
  const cam = { tag: 'ptz', action: 'ptz' as const, params: camId };
  // cluster: a camera's moves and control are handled by one node, so one operator holds it cluster-wide
  const owned = (
    ctx: { req: IncomingMessage; res: ServerResponse; params: { id: string } },
    here: () => unknown,
  ): unknown => {
    const to = routing && !wasForwarded(ctx.req) ? routing.controlNode(ctx.params.id) : null;
    return to ? forwardCall(ctx.req, ctx.res, to, routing!) : here();
  };
  api.add({
    ...cam,
    method: 'post',
    path: '/cameras/{id}/ptz/move',
    summary: 'Continuous move at the given speeds (-1..1 each; stops by itself after ptz.moveTimeoutS); takes control',
    body: z.strictObject({ pan: speed.optional(), tilt: speed.optional(), zoom: speed.optional() }),
    handler: (c) => owned(c, () => ptz.move(c.principal, c.params.id, c.body, c.ip)),
  });
  api.add({
    ...cam,
    method: 'post',
    path: '/cameras/{id}/ptz/stop',
    summary: 'Stop pan, tilt and zoom',
    handler: (c) => owned(c, () => ptz.stop(c.principal, c.params.id, c.ip)),
  });
  api.add({
    ...cam,
    method: 'post',
    path: '/cameras/{id}/ptz/centre',
    summary:
      'Click-to-centre: turn towards (x, y), the offset from the picture centre as a fraction of its size (-0.5..0.5)',
    body: z.strictObject({
      x: z.number().min(-0.5).max(0.5),
      y: z.number().min(-0.5).max(0.5),
      zoom: speed.optional(),
    }),
    handler: (c) => owned(c, () => ptz.centre(c.principal, c.params.id, c.body, c.ip)),
  });
  api.add({
    ...cam,
    method: 'get',
    path: '/cameras/{id}/ptz/capabilities',
    summary: "What the camera's PTZ offers: relativeMove (click-to-centre) when its PTZ node lists a relative space",
    response: z.object({ relativeMove: z.boolean() }),
    handler: ({ principal, params }) => ptz.capabilities(principal, params.id),
  });
  api.add({
    ...cam,
    method: 'get',
    path: '/cameras/{id}/ptz/control',
    summary: "Who controls the camera's PTZ now (null: nobody)",
    response: holder.nullable(),
    handler: (c) => owned(c, async () => ({ holder: await ptz.holder(c.principal, c.params.id) })),
  });
  api.add({
    ...cam,
    method: 'post',
    path: '/cameras/{id}/ptz/control',
    summary: 'Take (or renew) control; 409 names the holder and until when if its priority is equal or higher',
    response: holder,
    handler: (c) => owned(c, () => ptz.take(c.principal, c.params.id, c.ip)),
  });
  api.add({
    ...cam,
    method: 'delete',
    path: '/cameras/{id}/ptz/control',
    summary: 'Give control back',
    handler: (c) => owned(c, () => ptz.release(c.principal, c.params.id)),
  });
  api.add({
    ...cam,
    method: 'get',
    path: '/cameras/{id}/ptz/presets',
    summary: 'The presets stored in the camera (ONVIF GetPresets)',
    response: z.array(preset),
    handler: ({ principal, params }) => ptz.presets(principal, params.id),
  });
  api.add({
    ...cam,
    method: 'post',
    path: '/cameras/{id}/ptz/presets',
    status: 201,
    summary: 'Store the current position as a new preset (ONVIF SetPreset)',
    body: presetName,
    response: preset,
    handler: (c) => owned(c, () => ptz.setPreset(c.principal, c.params.id, c.body.name, c.ip)),
  });
  api.add({
    ...cam,
    params: camPreset,
    method: 'put',
    path: '/cameras/{id}/ptz/presets/{token}',
    summary: 'Rename a preset (the camera goes there and stores it again under the new name)',
    body: presetName,
    response: preset,
    handler: (c) => owned(c, () => ptz.renamePreset(c.principal, c.params.id, c.params.token, c.body.name, c.ip)),
  });
  api.add({
    ...cam,
    params: camPreset,
    method: 'delete',
    path: '/cameras/{id}/ptz/presets/{token}',
    summary: 'Delete a preset (ONVIF RemovePreset)',
    handler: (c) => owned(c, () => ptz.removePreset(c.principal, c.params.id, c.params.token, c.ip)),
  });
  api.add({
    ...cam,
    params: camPreset,
    method: 'post',
    path: '/cameras/{id}/ptz/presets/{token}/goto',
    summary: 'Go to a preset (ONVIF GotoPreset); takes control',
    handler: (c) => owned(c, () => ptz.gotoPreset(c.principal, c.params.id, c.params.token, c.ip)),
  });
  api.add({
    ...cam,
    method: 'get',
    path: '/cameras/{id}/ptz/patrols',
    summary: "The camera's patrols (runningSince set while one runs)",
    response: z.array(patrol),
    handler: ({ principal, params }) => patrols.list(principal, params.id),
  });
  api.add({
    ...cam,
    method: 'post',
    path: '/cameras/{id}/ptz/patrols',
    status: 201,
    summary: 'Create a patrol: a name and its steps (a preset of this camera and a dwell of 3–3600 s each)',
    body: patrolBody,
    response: patrol,
    handler: ({ principal, params, body, ip }) => patrols.create(principal, params.id, body, ip),
  });
  const pat = { tag: 'ptz', action: 'ptz' as const, params: patrolId };
  api.add({
    ...pat,
    method: 'put',
    path: '/ptz/patrols/{id}',
    summary: 'Change a patrol (a running one goes on with the new steps)',
    body: patrolBody,
    response: patrol,
    handler: ({ principal, params, body, ip }) => patrols.update(principal, params.id, body, ip),
  });
  api.add({
    ...pat,
    method: 'delete',
    path: '/ptz/patrols/{id}',
    summary: 'Delete a patrol',
    handler: ({ principal, params, ip }) => patrols.remove(principal, params.id, ip),
  });
  api.add({
    ...pat,
    method: 'post',
    path: '/ptz/patrols/{id}/start',
    summary:
      "Start a patrol, run by the server; it needs the caller's priority to take control, and stops at manual control",
    response: patrol,
    handler: ({ principal, params, ip }) => patrols.start(principal, params.id, ip),
  });
  api.add({
    ...pat,
    method: 'post',
    path: '/ptz/patrols/{id}/stop',
    summary: 'Stop a patrol',
    response: patrol,
    handler: ({ principal, params, ip }) => patrols.stop(principal, params.id, ip),
  });
  api.add({
    method: 'put',
    path: '/users/{id}/ptz-priority',
    tag: 'ptz',
    action: 'user-manage',
    summary: "Set a user's own PTZ priority (0–32000), or null for its role's (config ptz.priorities)",
    params: patrolId,
    body: z.strictObject({ priority: z.number().int().min(0).max(32000).nullable() }),
    handler: ({ principal, params, body, ip }) => setPriority(principal, params.id, body.priority, ip),
  });
}
