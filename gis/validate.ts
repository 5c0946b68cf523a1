// Input checks for query parameters: points, radii, counts, boxes; each failure is a GisInputError.
import { GisInputError } from './errors';
import type { Bbox } from './types';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Checks a WGS-84 longitude (-180..180) and latitude (-90..90); `path` prefixes the field names. */
export function checkLngLat(lng: unknown, lat: unknown, path = ''): void {
  const p = path ? `${path}.` : '';
  if (!isNum(lng) || lng < -180 || lng > 180)
    throw new GisInputError(`${p}lng`, 'must be a number in [-180, 180]', lng);
  if (!isNum(lat) || lat < -90 || lat > 90) throw new GisInputError(`${p}lat`, 'must be a number in [-90, 90]', lat);
}

/** Checks a distance in metres: finite and >= 0 (or Infinity when `allowInfinity`). */
export function checkMetres(value: unknown, path: string, allowInfinity = false): number {
  if (allowInfinity && value === Infinity) return value;
  if (!isNum(value) || value < 0) throw new GisInputError(path, 'must be a finite number >= 0', value);
  return value;
}

/** Checks a result count: an integer >= 1 (Infinity allowed: "all"). */
export function checkCount(value: unknown, path: string): number {
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 1 ||
    (Number.isFinite(value) && !Number.isInteger(value))
  )
    throw new GisInputError(path, 'must be an integer >= 1', value);
  return value;
}

/** Checks a [minLng, minLat, maxLng, maxLat] box; minLng > maxLng is allowed (antimeridian crossing). */
export function checkBbox(box: unknown, path = 'bbox'): Bbox {
  if (!Array.isArray(box) || box.length !== 4)
    throw new GisInputError(path, 'must be [minLng, minLat, maxLng, maxLat]', box);
  const [w, s, e, n] = box as unknown[];
  checkLngLat(w, s, `${path}[min]`);
  checkLngLat(e, n, `${path}[max]`);
  if ((s as number) > (n as number)) throw new GisInputError(`${path}[1]`, 'must be <= maxLat', s);
  return [w as number, s as number, e as number, n as number];
}
