// Users, logging in and refreshing tokens, in the API contract.
import { z } from 'zod';
import { id, ROLE, text } from './fields';

export const user = z.object({
  id: z.number(),
  username: z.string(),
  displayName: z.string(),
  role: ROLE,
  departmentId: z.number().nullable(),
  areaGridId: z.number().nullable(),
  locale: z.string(),
  disabled: z.boolean(),
});
export const userCreate = z.strictObject({
  username: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[\p{L}\p{N}._-]+$/u, 'letters, digits, . _ - only'),
  password: z.string().min(8).max(256),
  displayName: text(120).default(''),
  role: ROLE,
  departmentId: id.nullable().optional(),
  areaGridId: id.nullable().optional(),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
});
export const userUpdate = userCreate.partial().omit({ username: true }).extend({ disabled: z.boolean().optional() });

export const loginRequest = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const loginResponse = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number(),
  user,
});
export const refreshRequest = z.strictObject({ refreshToken: z.string().min(10).max(512) });

export type User = z.infer<typeof user>;
export type LoginResponse = z.infer<typeof loginResponse>;
