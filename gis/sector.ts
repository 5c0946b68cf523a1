// A camera's view sector (position, bearing, field of view, range) and whether it contains a point.
import { bearingDeg, distanceM } from './geodesy';
import type { GisCamera } from './types';

/** Defaults for cameras whose sector is partly unknown. */
export interface SectorDefaults {
  /** Range (metres) used when `rangeM` is null/absent. Default 80. */
  defaultRangeM?: number;
  /** Field of view (degrees) used when `bearing` is set but `fovDeg` is null/absent. Default 360 (unknown = could see anywhere). */
  defaultFovDeg?: number;
}

export const DEFAULT_RANGE_M = 80;
export const DEFAULT_FOV_DEG = 360;

/** Smallest absolute difference between two bearings, degrees in [0, 180]; wraps at 0/360. */
export function angleDiff(a: number, b: number): number {
  const d = ((((a - b) % 360) + 540) % 360) - 180;
  return Math.abs(d);
}

/** The camera's effective range in metres under `defaults`. */
export function effectiveRange(cam: GisCamera, defaults: SectorDefaults = {}): number {
  return cam.rangeM ?? defaults.defaultRangeM ?? DEFAULT_RANGE_M;
}

/**
 * True when the camera's sector contains the point (lng, lat): its great-circle distance
 * (measured from the point to the camera) is <= the range, and the initial bearing from the
 * camera to the point is within fov/2 of the camera bearing (edges inclusive). A camera with no
 * bearing, or a fov >= 360, sees all around; a point at the camera's own position is always seen.
 * `distM` may be passed when already known (point → camera distance).
 */
export function sectorContains(
  cam: GisCamera,
  lng: number,
  lat: number,
  defaults: SectorDefaults = {},
  distM: number = distanceM(lng, lat, cam.lng, cam.lat),
): boolean {
  if (distM > effectiveRange(cam, defaults)) return false;
  if (distM === 0 || cam.bearing == null) return true;
  const fov = cam.fovDeg ?? defaults.defaultFovDeg ?? DEFAULT_FOV_DEG;
  if (fov >= 360) return true;
  return angleDiff(bearingDeg(cam.lng, cam.lat, lng, lat), cam.bearing) <= fov / 2;
}
