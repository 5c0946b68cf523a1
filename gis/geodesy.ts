// Spherical geodesy on WGS-84 degrees: haversine distance, initial bearing, search bounds.

/** Mean Earth radius in metres (IUGG; the same value Turf uses, so results agree bit for bit). */
export const EARTH_RADIUS_M = 6371008.8;

const D2R = Math.PI / 180;

/** Degrees to radians, computed exactly like Turf (`(deg % 360) * PI / 180`). */
export function toRad(deg: number): number {
  // `%` is an fmod call in V8; skip it where it is the identity.
  return ((deg > -360 && deg < 360 ? deg : deg % 360) * Math.PI) / 180;
}

/**
 * Haversine term `a` (0..1) between two points: monotone in distance, cheap to compare.
 * `distanceM = haversineToMetres(a)`.
 */
export function haversineA(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const sLat = Math.sin(toRad(lat2 - lat1) / 2);
  const sLng = Math.sin(toRad(lng2 - lng1) / 2);
  return sLat * sLat + sLng * sLng * Math.cos(toRad(lat1)) * Math.cos(toRad(lat2));
}

/** Converts a haversine term to a great-circle distance in metres. */
export function haversineToMetres(a: number): number {
  return 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a)) * EARTH_RADIUS_M;
}

/** Great-circle (haversine) distance in metres between two WGS-84 points. */
export function distanceM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  return haversineToMetres(haversineA(lng1, lat1, lng2, lat2));
}

/** Largest haversine term of a distance of `metres`, padded so boundary points are never pruned. */
export function metresToHaversineBound(metres: number): number {
  const s = Math.sin(metres / EARTH_RADIUS_M / 2);
  return Math.min(1, s * s * (1 + 1e-9) + 1e-18);
}

/** Initial great-circle bearing from point 1 to point 2, degrees in [0, 360), 0 = north, clockwise. */
export function bearingDeg(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const l1 = toRad(lng1);
  const l2 = toRad(lng2);
  const p1 = toRad(lat1);
  const p2 = toRad(lat2);
  const a = Math.sin(l2 - l1) * Math.cos(p2);
  const b = Math.cos(p1) * Math.sin(p2) - Math.sin(p1) * Math.cos(p2) * Math.cos(l2 - l1);
  const deg = (Math.atan2(a, b) * 180) / Math.PI; // atan2 is within ±π: Turf's `% 2π` is the identity
  return deg < 0 ? deg + 360 : deg;
}

/**
 * A lng/lat box that contains every point within `metres` of (lng, lat), slightly padded.
 * When the circle reaches a pole or wraps the antimeridian the longitude range is widened to
 * [-180, 180] (conservative, never misses).
 */
export function circleBounds(lng: number, lat: number, metres: number): [number, number, number, number] {
  const dLat = (metres / EARTH_RADIUS_M / D2R) * (1 + 1e-9) + 1e-9;
  const minLat = Math.max(-90, lat - dLat);
  const maxLat = Math.min(90, lat + dLat);
  const worstLat = Math.max(Math.abs(minLat), Math.abs(maxLat));
  if (worstLat >= 89.999) return [-180, minLat, 180, maxLat];
  const ratio = Math.sin(metres / EARTH_RADIUS_M) / Math.cos(worstLat * D2R);
  if (ratio >= 1) return [-180, minLat, 180, maxLat];
  const dLng = (Math.asin(ratio) / D2R) * (1 + 1e-9) + 1e-9;
  if (lng - dLng < -180 || lng + dLng > 180) return [-180, minLat, 180, maxLat];
  return [lng - dLng, minLat, lng + dLng, maxLat];
}
