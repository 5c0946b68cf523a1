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

/**
 * Sorts in place; a short list (a k-nearest answer: ~10 hits, nearly in order already) by insertion,
 * without the scratch array Array.prototype.sort allocates on every call. Stable, as that is.
 */
export function sortShort<T>(a: T[], cmp: (x: T, y: T) => number): void {
  if (a.length > 32) {
    a.sort(cmp);
    return;
  }
  for (let i = 1; i < a.length; i++) {
    const v = a[i] as T;
    let j = i - 1;
    for (; j >= 0 && cmp(a[j] as T, v) > 0; j--) a[j + 1] = a[j] as T;
    a[j + 1] = v;
  }
}
