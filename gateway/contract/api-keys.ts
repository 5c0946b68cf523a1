// API keys and the embed tokens they issue (camera scope, actions, browser origins), in the API contract.
import { z } from 'zod';
import { EMBED_ACTIONS } from '../auth/policy';
import { id, tag } from './fields';
import { polygonGeometry } from './geometry';

/** A browser origin as a browser sends it: scheme, host and optional port, nothing after. */
export const webOrigin = z
  .string()
  .max(200)
  .regex(
    /^https?:\/\/([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/,
    'an origin: scheme://host[:port], no path',
  );
export const EMBED_ACTION = z.enum(EMBED_ACTIONS);

/** Which cameras an API key or an embed token may reach: every criterion given must hold (empty: no limit). */
export const cameraScope = z.strictObject({
  departments: z.array(id).max(100).optional(),
  tags: z.array(tag).max(100).optional(),
  cameraIds: z
    .array(z.string().regex(/^\d{1,19}$/, 'a camera id'))
    .max(10_000)
    .optional(),
  area: polygonGeometry.nullable().optional(),
});

export const apiKey = z.object({
  id: z.number(),
  departmentId: z.number(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  cameraScope: cameraScope.describe('narrows the key and every embed token it issues'),
  embedActions: z.array(EMBED_ACTION).describe('what its embed tokens may be given'),
  origins: z.array(z.string()).describe('browser origins its embed tokens may be used from'),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
});
export const apiKeyCreate = z.strictObject({
  name: z.string().min(1).max(120),
  departmentId: id.optional(),
  // 'playback' (recorded footage) is never a default: a key is given it explicitly
  scopes: z.array(z.enum(['view', 'spatial', 'events', 'playback'])).default(['view', 'spatial', 'events']),
  cameraScope: cameraScope.default({}),
  embedActions: z.array(EMBED_ACTION).max(3).default([]),
  origins: z.array(webOrigin).max(50).default([]),
});

/** An API key's embed settings changed by an admin; its tokens are narrowed at once (they never exceed their key). */
export const apiKeyEmbedUpdate = z
  .strictObject({
    cameraScope: cameraScope.optional(),
    embedActions: z.array(EMBED_ACTION).max(3).optional(),
    origins: z.array(webOrigin).max(50).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'give cameraScope, embedActions or origins');

/** An integrator's server asks for an embed token for one end user (X-API-Key; never from a browser). */
export const embedTokenCreate = z.strictObject({
  label: z.string().trim().min(1).max(200).describe('the end user, as the audit log names them'),
  ttlS: z.number().int().min(30).max(86_400).default(900),
  cameraScope: cameraScope.default({}).describe("intersected with the key's scope"),
  actions: z.array(EMBED_ACTION).min(1).max(3).default(['live']).describe("a subset of the key's embedActions"),
  origins: z
    .array(webOrigin)
    .min(1)
    .max(50)
    .optional()
    .describe("a subset of the key's origins (default: all of them)"),
});
export const embedToken = z.object({
  id: z.number(),
  apiKeyId: z.number(),
  label: z.string(),
  cameraScope,
  actions: z.array(EMBED_ACTION),
  origins: z.array(z.string()),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
/** What an embed token is, for the widget that holds it (GET /embed/session). */
export const embedSession = z.object({
  label: z.string(),
  actions: z.array(EMBED_ACTION),
  origins: z.array(z.string()),
  expiresAt: z.string(),
});

export type ApiKey = z.infer<typeof apiKey>;
export type CameraScopeInput = z.infer<typeof cameraScope>;
export type EmbedToken = z.infer<typeof embedToken>;
export type EmbedSession = z.infer<typeof embedSession>;
