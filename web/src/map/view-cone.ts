// A camera's view sector (bearing, field of view, range) as a WGS-84 ring, for drawing cones on the map.

const R = 6371008.8;
const rad = (d: number): number => (d * Math.PI) / 180;
const deg = (r: number): number => (r * 180) / Math.PI;

/** The point `metres` away from (lng, lat) along `bearing` degrees (clockwise from north), great-circle. */
export function destination(lng: number, lat: number, bearing: number, metres: number): [number, number] {
  const d = metres / R;
  const b = rad(bearing);
  const p1 = rad(lat);
  const l1 = rad(lng);
  const p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
  const l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
  return [deg(l2), deg(p2)];
}

/**
 * The sector ring [lng, lat][] of a camera: apex at the camera, arc at `rangeM` metres from
 * bearing − fov/2 to bearing + fov/2 (fov ≥ 360 gives a full circle without the apex).
 */
export function sectorRing(
  lng: number,
  lat: number,
  bearing: number,
  fov: number,
  rangeM: number,
  stepDeg = 5,
): Array<[number, number]> {
  const full = fov >= 360;
  const span = full ? 360 : fov;
  const start = bearing - span / 2;
  const n = Math.max(2, Math.ceil(span / stepDeg));
  const ring: Array<[number, number]> = full ? [] : [[lng, lat]];
  for (let i = 0; i <= n; i++) ring.push(destination(lng, lat, start + (span * i) / n, rangeM));
  return ring;
}
