// Finding cameras by text and browsing them as a tree (department, then network or grid), in the API contract.
import { z } from 'zod';
import { queryNumber } from './fields';

/** GET /cameras/search: a text (name, id, tag or address) and how many hits at most. */
export const cameraSearchQuery = z.strictObject({
  q: z.string().trim().min(1, 'type at least one character').max(200),
  limit: queryNumber(z.number().int().min(1).max(100)).default(20),
});
/** One search hit: the camera's summary, its address, and which of its fields matched first (id, name, tag, address). */
export const cameraSearchHit = z.object({
  id: z.string(),
  name: z.string(),
  departmentId: z.number(),
  status: z.string(),
  lng: z.number(),
  lat: z.number(),
  address: z.string(),
  tags: z.array(z.string()),
  match: z.enum(['id', 'name', 'tag', 'address']),
});
const treeBy = z.enum(['network', 'grid']).default('network');
/** GET /cameras/tree: the visible cameras counted by department, then by camera network or by grid. */
export const cameraTreeQuery = z.strictObject({ by: treeBy });
export const cameraTree = z.object({
  by: z.enum(['network', 'grid']),
  departments: z.array(
    z.object({
      id: z.number(),
      count: z.number(),
      groups: z.array(
        z.object({
          id: z.number().nullable().meta({ description: 'null: cameras of no network / in no grid' }),
          name: z.string(),
          count: z.number(),
        }),
      ),
    }),
  ),
});
/** GET /cameras/tree/cameras: the visible cameras of one department's group (group "none" = of no network / grid), by name. */
export const cameraTreeLeavesQuery = z.strictObject({
  by: treeBy,
  department: queryNumber(z.number().int().positive()),
  group: z.union([z.literal('none'), z.string().regex(/^\d{1,9}$/, 'a group id is a decimal integer or "none"')]),
  limit: queryNumber(z.number().int().min(1).max(1000)).default(500),
});
export const cameraTreeLeaves = z.object({ items: z.array(cameraSearchHit.omit({ match: true })), total: z.number() });

export type CameraSearchHit = z.infer<typeof cameraSearchHit>;
export type CameraTree = z.infer<typeof cameraTree>;
export type CameraTreeLeaves = z.infer<typeof cameraTreeLeaves>;
