// Stored WGS-84 ↔ what the current tiles are drawn in (GCJ-02 for Gaode/Tianditu-style tiles), on top of gis/crs.
import { convert, gcj02ToWgs84, wgs84ToGcj02, type Crs } from '../../../gis/crs';

export type TileCrs = 'wgs84' | 'gcj02';

/** WGS-84 [lng, lat] → GCJ-02 [lng, lat] (identity outside China). */
export function wgsToGcj(lng: number, lat: number): [number, number] {
  return wgs84ToGcj02(lng, lat);
}

/** GCJ-02 [lng, lat] → WGS-84 [lng, lat]. */
export function gcjToWgs(lng: number, lat: number): [number, number] {
  return gcj02ToWgs84(lng, lat);
}

/** Stored (WGS-84) → displayed position for the current tile CRS, as Leaflet [lat, lng]. */
export function toDisplay(crs: TileCrs, lng: number, lat: number): [number, number] {
  if (crs === 'wgs84') return [lat, lng];
  const [x, y] = wgs84ToGcj02(lng, lat);
  return [y, x];
}

/** Displayed (Leaflet lat/lng on the current tiles) → stored WGS-84 [lng, lat]. */
export function fromDisplay(crs: TileCrs, lat: number, lng: number): [number, number] {
  if (crs === 'wgs84') return [lng, lat];
  // the view can reach past the antimeridian or the poles at low zoom: convert a valid point
  const x = ((((lng + 180) % 360) + 360) % 360) - 180;
  return gcj02ToWgs84(x, Math.max(-89.9, Math.min(89.9, lat)));
}

/** Any input datum (WGS-84, GCJ-02, BD-09) → WGS-84 [lng, lat]. */
export function toWgs84(crs: Crs, lng: number, lat: number): [number, number] {
  return convert(lng, lat, crs, 'wgs84');
}
