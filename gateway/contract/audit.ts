// The audit log in the API contract: its entries and the query that reads them.
import { z } from 'zod';
import { pageQuery, queryNumber, text } from './fields';

export const auditEntry = z.object({
  id: z.string(),
  at: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string(),
  departmentId: z.number().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  outcome: z.string(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  /** The name of what the row names (camera, user, network, API key, grid), when the reader may be shown it; null otherwise. */
  targetName: z.string().nullable(),
  /** The acting user's display name (actorName is the login name). */
  actorDisplayName: z.string().nullable(),
});
export const auditQuery = z.strictObject({
  action: text(64).optional(),
  actor: text(120).optional(),
  targetType: text(32).optional(),
  targetId: text(64).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  ...pageQuery,
});

export type AuditEntry = z.infer<typeof auditEntry>;
