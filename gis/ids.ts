// Deterministic ordering of camera ids and hits: the tie-break every query uses.
import type { CameraId, CameraHit, RouteHit } from './types';

/** Numbers ascending, then strings by UTF-16 code units; numbers sort before strings. */
export function compareIds(a: CameraId, b: CameraId): number {
  if (typeof a === 'number') return typeof b === 'number' ? a - b : -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Distance ascending, then id. */
export function compareHits(a: CameraHit, b: CameraHit): number {
  return a.distanceM - b.distanceM || compareIds(a.camera.id, b.camera.id);
}

/** Position along the route, then distance to it, then id. */
export function compareRouteHits(a: RouteHit, b: RouteHit): number {
  return a.alongM - b.alongM || a.distanceM - b.distanceM || compareIds(a.camera.id, b.camera.id);
}
