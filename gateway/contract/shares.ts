// Shares of cameras from one department to another (all, tags, listed cameras or a polygon), in the API contract.
import { z } from 'zod';
import { SHARE_GRANTS } from '../auth/policy';
import { id, tag, text } from './fields';
import { polygonGeometry } from './geometry';

export const share = z.object({
  id: z.number(),
  fromDepartmentId: z.number(),
  toDepartmentId: z.number(),
  kind: z.enum(['all', 'tags', 'cameras', 'polygon']),
  tags: z.array(z.string()),
  cameraIds: z.array(z.string()),
  polygon: polygonGeometry.nullable(),
  grants: z
    .enum(SHARE_GRANTS)
    .describe("'live': live viewing only; 'live+playback': also recorded footage (playback, export)"),
  note: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
});
export const shareCreate = z
  .strictObject({
    fromDepartmentId: id.optional(),
    toDepartmentId: id,
    kind: z.enum(['all', 'tags', 'cameras', 'polygon']),
    tags: z.array(tag).max(50).default([]),
    cameraIds: z.array(z.string().regex(/^\d+$/)).max(10000).default([]),
    polygon: polygonGeometry.nullable().default(null),
    grants: z.enum(SHARE_GRANTS).default('live'),
    note: text(400).default(''),
    expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
  })
  .superRefine((s, ctx) => {
    if (s.kind === 'tags' && s.tags.length === 0)
      ctx.addIssue({ code: 'custom', path: ['tags'], message: 'a tags share needs at least one tag' });
    if (s.kind === 'cameras' && s.cameraIds.length === 0)
      ctx.addIssue({ code: 'custom', path: ['cameraIds'], message: 'a cameras share needs at least one camera id' });
    if (s.kind === 'polygon' && !s.polygon)
      ctx.addIssue({ code: 'custom', path: ['polygon'], message: 'a polygon share needs a polygon' });
  });

export type Share = z.infer<typeof share>;
export type ShareCreate = z.infer<typeof shareCreate>;
