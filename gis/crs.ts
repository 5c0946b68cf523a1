// WGS-84 ↔ GCJ-02 ↔ BD-09 coordinate conversion, applied only inside mainland China.
import { isInMainlandChina } from './china-boundary';
import { checkLngLat } from './validate';

/** [lng, lat] in degrees. */
export type LngLat = [number, number];

/** Conversion options. */
export interface CrsOptions {
  /** Apply the offsets even outside the mainland outline (e.g. to match an app that shifts Taiwan). Default false. */
  force?: boolean;
}

// Krasovsky 1940 ellipsoid, as used by the GCJ-02 algorithm.
const A = 6378245.0;
const EE = 0.00669342162296594323;
const X_PI = (Math.PI * 3000.0) / 180.0;
/** Inverse iterations stop once the forward image is this close (degrees, ≈ 1 mm). */
const INVERSE_EPS = 1e-8;

function transformLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function transformLng(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

/** The raw GCJ-02 forward formula, no boundary test. */
function gcjShift(lng: number, lat: number): LngLat {
  let dLat = transformLat(lng - 105.0, lat - 35.0);
  let dLng = transformLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + dLng, lat + dLat];
}

function bdShift(lng: number, lat: number): LngLat {
  const z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
  const theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

/** Inverts `forward` by fixed-point iteration from `start` (converges in a few steps: the shift varies slowly). */
function invert(forward: (x: number, y: number) => LngLat, lng: number, lat: number, start: LngLat): LngLat {
  let [x, y] = start;
  for (let i = 0; i < 30; i++) {
    const [fx, fy] = forward(x, y);
    const ex = fx - lng,
      ey = fy - lat;
    x -= ex;
    y -= ey;
    if (Math.abs(ex) < INVERSE_EPS && Math.abs(ey) < INVERSE_EPS) break;
  }
  return [x, y];
}

function bdUnshiftApprox(lng: number, lat: number): LngLat {
  const x = lng - 0.0065,
    y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

/** WGS-84 → GCJ-02 (Mars coordinates). Unchanged outside mainland China unless `force`. Throws GisInputError on bad input. */
export function wgs84ToGcj02(lng: number, lat: number, o: CrsOptions = {}): LngLat {
  checkLngLat(lng, lat);
  return o.force || isInMainlandChina(lng, lat) ? gcjShift(lng, lat) : [lng, lat];
}

/**
 * Inverse conversions decide "inside" on their result (the point the forward conversion would
 * have seen), so forward-then-inverse is exact everywhere; within the offset distance (< 1 km) of
 * the outline an outside input may therefore be un-shifted. That ambiguity is inherent.
 */
function insideOrSame(result: LngLat, lng: number, lat: number, o: CrsOptions): LngLat {
  return o.force || isInMainlandChina(result[0], result[1]) ? result : [lng, lat];
}

/** GCJ-02 → WGS-84, iterative inverse (error < 1 mm). Unchanged outside mainland China unless `force`. */
export function gcj02ToWgs84(lng: number, lat: number, o: CrsOptions = {}): LngLat {
  checkLngLat(lng, lat);
  const [fx, fy] = gcjShift(lng, lat);
  return insideOrSame(invert(gcjShift, lng, lat, [2 * lng - fx, 2 * lat - fy]), lng, lat, o);
}

/** GCJ-02 → BD-09 (Baidu). Unchanged outside mainland China unless `force`. */
export function gcj02ToBd09(lng: number, lat: number, o: CrsOptions = {}): LngLat {
  checkLngLat(lng, lat);
  return o.force || isInMainlandChina(lng, lat) ? bdShift(lng, lat) : [lng, lat];
}

/** BD-09 → GCJ-02, Baidu's closed form refined iteratively (error < 1 mm). Unchanged outside mainland China unless `force`. */
export function bd09ToGcj02(lng: number, lat: number, o: CrsOptions = {}): LngLat {
  checkLngLat(lng, lat);
  return insideOrSame(invert(bdShift, lng, lat, bdUnshiftApprox(lng, lat)), lng, lat, o);
}

/** WGS-84 → BD-09 (through GCJ-02). */
export function wgs84ToBd09(lng: number, lat: number, o: CrsOptions = {}): LngLat {
  checkLngLat(lng, lat);
  if (!o.force && !isInMainlandChina(lng, lat)) return [lng, lat];
  const [gx, gy] = gcjShift(lng, lat);
  return bdShift(gx, gy);
}

/** BD-09 → WGS-84 (through GCJ-02, both inverses iterative). */
export function bd09ToWgs84(lng: number, lat: number, o: CrsOptions = {}): LngLat {
  checkLngLat(lng, lat);
  const [gx, gy] = invert(bdShift, lng, lat, bdUnshiftApprox(lng, lat));
  return insideOrSame(gcj02ToWgs84(gx, gy, { force: true }), lng, lat, o);
}

/** A coordinate reference system name accepted by `convert`. */
export type Crs = 'wgs84' | 'gcj02' | 'bd09';

/** Converts between any two of the three systems (identity when `from === to`). */
export function convert(lng: number, lat: number, from: Crs, to: Crs, o: CrsOptions = {}): LngLat {
  if (from === to) {
    checkLngLat(lng, lat);
    return [lng, lat];
  }
  const key = `${from}>${to}`;
  switch (key) {
    case 'wgs84>gcj02':
      return wgs84ToGcj02(lng, lat, o);
    case 'gcj02>wgs84':
      return gcj02ToWgs84(lng, lat, o);
    case 'gcj02>bd09':
      return gcj02ToBd09(lng, lat, o);
    case 'bd09>gcj02':
      return bd09ToGcj02(lng, lat, o);
    case 'wgs84>bd09':
      return wgs84ToBd09(lng, lat, o);
    default:
      return bd09ToWgs84(lng, lat, o);
  }
}
