// What spatial queries answer: cameras as the in-memory index holds them, and hits with distance and bearing.
import { z } from 'zod';

/** A camera as spatial queries return it: what the in-memory index holds (no address or URIs). */
export const cameraSummary = z.object({
  id: z.string(),
  name: z.string(),
  departmentId: z.number(),
  status: z.string(),
  lng: z.number(),
  lat: z.number(),
  bearing: z.number().nullable(),
  fov: z.number().nullable(),
  rangeM: z.number().nullable(),
  tags: z.array(z.string()),
  gridId: z.number().nullable(),
});
/**
 * One hit of a spatial query: distance (m) and bearing (deg) from the query point; covering = its view sector holds
 * the point; alongM = position along a route.
 */
export const spatialHit = z.object({
  camera: cameraSummary,
  distanceM: z.number(),
  bearingDeg: z.number(),
  covering: z.boolean().optional(),
  alongM: z.number().optional(),
});

export type CameraSummary = z.infer<typeof cameraSummary>;
export type SpatialHit = z.infer<typeof spatialHit>;
