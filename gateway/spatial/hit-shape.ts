// The shapes spatial answers take: a camera's summary and a hit, in the caller's CRS; geometries brought to WGS-84.
import { convert, type CameraHit, type Crs, type GisCamera, type RouteHit } from '../../gis/index';
import type { CameraSummary, SpatialHit } from '../contract';

const round = (v: number, d = 1): number => Math.round(v * 10 ** d) / 10 ** d;

/** A camera as spatial answers show it, its position in `crs`. */
export function cameraSummary(c: GisCamera, crs: Crs): CameraSummary {
  let lng = c.lng,
    lat = c.lat;
  if (crs !== 'wgs84') [lng, lat] = convert(lng, lat, 'wgs84', crs);
  return {
    id: String(c.id),
    name: c.name ?? '',
    departmentId: Number(c.departmentId),
    status: c.status,
    lng,
    lat,
    bearing: c.bearing ?? null,
    fov: c.fovDeg ?? null,
    rangeM: c.rangeM ?? null,
    tags: c.tags,
    gridId: c.gridId == null ? null : Number(c.gridId),
  };
}

/** One hit, built in one shape per query kind (no spreads: JSON.stringify walks them on its fast path). */
export function spatialHit(h: CameraHit | RouteHit, crs: Crs, covering?: boolean): SpatialHit {
  const out: SpatialHit = {
    camera: cameraSummary(h.camera, crs),
    distanceM: round(h.distanceM),
    bearingDeg: round(h.bearingDeg),
  };
  if ('alongM' in h) out.alongM = round(h.alongM);
  if (covering !== undefined) out.covering = covering;
  return out;
}

/** A GeoJSON geometry given in `crs`, in WGS-84 (anything else passes unchanged, for validation to refuse). */
export function toWgs84Geometry(g: unknown, crs: Crs): unknown {
  const conv = (v: unknown): unknown =>
    Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number'
      ? convert(v[0], v[1], crs, 'wgs84')
      : Array.isArray(v)
        ? v.map(conv)
        : v;
  return g && typeof g === 'object' && 'coordinates' in g
    ? { ...(g as object), coordinates: conv((g as { coordinates: unknown }).coordinates) }
    : g;
}
