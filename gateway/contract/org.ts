// Departments, their camera networks, and grids (districts, grids, key places) in the API contract.
import { z } from 'zod';
import { id, text } from './fields';
import { polygonGeometry } from './geometry';

export const department = z.object({
  id: z.number(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string(),
  settings: z.object({ requireStreamReason: z.boolean().optional() }),
});
export const departmentCreate = z.strictObject({
  code: z
    .string()
    .min(1)
    .max(32)
    .regex(/^[a-z0-9_-]+$/),
  name: z.string().min(1).max(120),
  nameEn: text(120).default(''),
  settings: z.strictObject({ requireStreamReason: z.boolean().optional() }).default({}),
});

export const network = z.object({
  id: z.number(),
  departmentId: z.number(),
  name: z.string(),
  interface: z.string(),
  cidrs: z.array(z.string()),
  hosts: z.array(z.string()),
  hasDefaultCredentials: z.boolean(),
});
export const networkCreate = z.strictObject({
  departmentId: id.optional(),
  name: z.string().min(1).max(120),
  interface: text(64).default(''),
  cidrs: z
    .array(z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, 'must be an IPv4 CIDR like 10.1.0.0/24'))
    .max(64)
    .default([]),
  hosts: z
    .array(z.string().regex(/^[A-Za-z0-9.-]+(:\d{1,5})?$/, 'must be host or host:port'))
    .max(4096)
    .default([]),
  username: text(128).optional(),
  password: text(256).optional(),
});

export const grid = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.string(),
  geometry: polygonGeometry,
  properties: z.record(z.string(), z.unknown()),
});
export const gridCreate = z.strictObject({
  name: z.string().min(1).max(200),
  kind: z.enum(['district', 'grid', 'place']),
  geometry: polygonGeometry,
  properties: z.record(z.string(), z.unknown()).default({}),
});

export type Department = z.infer<typeof department>;
export type Network = z.infer<typeof network>;
export type Grid = z.infer<typeof grid>;
