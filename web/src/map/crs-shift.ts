// WGS-84 ↔ GCJ-02 for drawing on Chinese (Gaode/Tianditu-style) tiles; the identity for WGS-84 tiles and outside China.
// gis/ has no CRS module yet when this was written: switch these two functions to gis/'s exports when they land.

export type TileCrs = 'wgs84' | 'gcj02';

const A = 6378245.0;
const EE = 0.00669342162296594323;

function outsideChina(lng: number, lat: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function dLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function dLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS-84 [lng, lat] → GCJ-02 [lng, lat] (degrees). */
export function wgsToGcj(lng: number, lat: number): [number, number] {
  if (outsideChina(lng, lat)) return [lng, lat];
  const radLat = (lat / 180) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  const la = (dLat(lng - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const ln = (dLng(lng - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lng + ln, lat + la];
}

/** GCJ-02 [lng, lat] → WGS-84 [lng, lat], by fixed-point iteration (≈1 mm after a few steps). */
export function gcjToWgs(lng: number, lat: number): [number, number] {
  if (outsideChina(lng, lat)) return [lng, lat];
  let x = lng;
  let y = lat;
  for (let i = 0; i < 6; i++) {
    const [gx, gy] = wgsToGcj(x, y);
    x += lng - gx;
    y += lat - gy;
  }
  return [x, y];
}

/** Stored (WGS-84) → displayed position for the current tile CRS, as Leaflet [lat, lng]. */
export function toDisplay(crs: TileCrs, lng: number, lat: number): [number, number] {
  if (crs === 'wgs84') return [lat, lng];
  const [x, y] = wgsToGcj(lng, lat);
  return [y, x];
}

/** Displayed (Leaflet lat/lng on the current tiles) → stored WGS-84 [lng, lat]. */
export function fromDisplay(crs: TileCrs, lat: number, lng: number): [number, number] {
  return crs === 'wgs84' ? [lng, lat] : gcjToWgs(lng, lat);
}

/** BD-09 (Baidu) [lng, lat] → GCJ-02 [lng, lat]. */
export function bdToGcj(lng: number, lat: number): [number, number] {
  const xPi = (Math.PI * 3000) / 180;
  const x = lng - 0.0065;
  const y = lat - 0.006;
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * xPi);
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * xPi);
  return [z * Math.cos(theta), z * Math.sin(theta)];
}

/** Any input datum → WGS-84 [lng, lat]. */
export function toWgs84(crs: 'wgs84' | 'gcj02' | 'bd09', lng: number, lat: number): [number, number] {
  if (crs === 'wgs84') return [lng, lat];
  const [gx, gy] = crs === 'bd09' ? bdToGcj(lng, lat) : [lng, lat];
  return gcjToWgs(gx, gy);
}
