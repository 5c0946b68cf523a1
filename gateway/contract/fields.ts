// Fields the contract's domains share: roles, ids, query numbers, coordinates, tags, URIs, pages, problem details.
import { z } from 'zod';
import { ROLES } from '../auth/policy';

/** The roles of the access policy (auth/policy.ts owns the list). */
export const ROLE = z.enum(ROLES);
/** A role and an action of the access policy, as types the console may import. */
export type Role = z.infer<typeof ROLE>;
export type { Action } from '../auth/policy';
export const CAMERA_STATUS = z.enum(['unknown', 'online', 'offline', 'unauthorized', 'degraded']);
export const PROFILE = z.enum(['main', 'sub']);

export const id = z.coerce.number().int().positive();

/**
 * A number in a query string or path segment: its plain decimal spelling only. z.coerce.number()
 * reads '' and ' ' as 0 and '0x1f' as 31; here they are 400s.
 */
export const queryNumber = <T extends z.ZodType<number, number>>(inner: T) => {
  const n = inner as unknown as { minValue?: number | null; maxValue?: number | null; isInt?: boolean };
  const range = [
    n.minValue != null && Number.isFinite(n.minValue) ? `>= ${n.minValue}` : '',
    n.maxValue != null && Number.isFinite(n.maxValue) ? `<= ${n.maxValue}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return z
    .string()
    .regex(/^-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/, 'must be a decimal number')
    .transform(Number)
    .pipe(inner)
    .meta({ description: `${n.isInt ? 'an integer' : 'a decimal number'}${range ? ` ${range}` : ''}` });
};
export const lng = z.number().min(-180).max(180);
export const lat = z.number().min(-90).max(90);
export const text = (max: number) => z.string().max(max);
export const tag = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^,\s][^,]*$/, 'a tag has no commas and does not start with a space');

export const streamUri = z
  .string()
  .max(2048)
  .regex(/^rtsps?:\/\/[^\s]+$/i, 'must be an rtsp:// or rtsps:// URL without spaces');
export const httpUri = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s]+$/i, 'must be an http:// or https:// URL without spaces');

export const csv = (inner: z.ZodType<string>) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(inner).max(100));

/** The paging fields of a list query: at most 1000 a page (100 by default), an opaque cursor from the last page. */
export const pageQuery = {
  limit: queryNumber(z.number().int().min(1).max(1000)).default(100),
  cursor: z
    .string()
    .max(64)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional(),
};

export const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export type Problem = z.infer<typeof problem>;
