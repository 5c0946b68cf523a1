// Validates GeoJSON Polygon / MultiPolygon / LineString input and compiles it to flat typed arrays.
import { GisInputError } from './errors';
import { holesFault, ringBbox, ringFault } from './ring-validity';

export { ringBbox } from './ring-validity';
import type { Bbox } from './types';

/** A ring as [x0, y0, x1, y1, ..., x0, y0] (closed), degrees. */
export type FlatRing = Float64Array;

/** One polygon: outer ring first, then holes. */
export interface CompiledPolygon {
  rings: FlatRing[];
  bbox: Bbox;
}

/** A validated Polygon or MultiPolygon: its polygons and overall bbox (never antimeridian-crossing). */
export interface CompiledArea {
  polygons: CompiledPolygon[];
  bbox: Bbox;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function position(v: unknown, path: string): [number, number] {
  if (!Array.isArray(v) || v.length < 2) throw new GisInputError(path, 'must be a [lng, lat] position', v);
  const [x, y] = v as unknown[];
  if (typeof x !== 'number' || !Number.isFinite(x) || x < -180 || x > 180)
    throw new GisInputError(`${path}[0]`, 'must be a longitude number in [-180, 180]', x);
  if (typeof y !== 'number' || !Number.isFinite(y) || y < -90 || y > 90)
    throw new GisInputError(`${path}[1]`, 'must be a latitude number in [-90, 90]', y);
  return [x, y];
}

function ring(v: unknown, path: string): FlatRing {
  if (!Array.isArray(v)) throw new GisInputError(path, 'must be an array of positions', v);
  if (v.length < 4) throw new GisInputError(path, 'must have at least 4 positions', v.length);
  const out = new Float64Array(v.length * 2);
  v.forEach((p, i) => {
    const [x, y] = position(p, `${path}[${i}]`);
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  const n = out.length;
  if (out[0] !== out[n - 2] || out[1] !== out[n - 1])
    throw new GisInputError(path, 'must be closed (first position = last)', v[v.length - 1]);
  const fault = ringFault(out);
  if (fault !== null) throw new GisInputError(path, fault, `${v.length} positions`);
  return out;
}

function polygon(v: unknown, path: string): CompiledPolygon {
  if (!Array.isArray(v) || v.length === 0) throw new GisInputError(path, 'must be a non-empty array of rings', v);
  const rings = v.map((r, i) => ring(r, `${path}[${i}]`));
  const fault = holesFault(rings);
  if (fault !== null) throw new GisInputError(`${path}[${fault.ring}]`, fault.message, `${rings.length} rings`);
  return { rings, bbox: ringBbox(rings[0] as FlatRing) };
}

/**
 * Validates a GeoJSON Polygon or MultiPolygon geometry (a Feature is accepted and unwrapped).
 * Rings need >= 4 positions, must be closed and simple (ringFault); holes are every ring after the
 * first, and lie inside the outer ring, apart from it and from each other (holesFault).
 * Throws GisInputError whose `path` points into `path` (default "polygon"), e.g. "polygon.coordinates[0]".
 */
export function compileArea(geom: unknown, path = 'polygon'): CompiledArea {
  if (isObj(geom) && geom.type === 'Feature') return compileArea(geom.geometry, `${path}.geometry`);
  if (!isObj(geom)) throw new GisInputError(path, 'must be a GeoJSON Polygon or MultiPolygon', geom);
  const coords = geom.coordinates;
  const cpath = `${path}.coordinates`;
  let polygons: CompiledPolygon[];
  if (geom.type === 'Polygon') polygons = [polygon(coords, cpath)];
  else if (geom.type === 'MultiPolygon') {
    if (!Array.isArray(coords) || coords.length === 0)
      throw new GisInputError(cpath, 'must be a non-empty array of polygons', coords);
    polygons = coords.map((p, i) => polygon(p, `${cpath}[${i}]`));
  } else throw new GisInputError(`${path}.type`, 'must be "Polygon" or "MultiPolygon"', geom.type);
  const bbox: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const p of polygons) {
    bbox[0] = Math.min(bbox[0], p.bbox[0]);
    bbox[1] = Math.min(bbox[1], p.bbox[1]);
    bbox[2] = Math.max(bbox[2], p.bbox[2]);
    bbox[3] = Math.max(bbox[3], p.bbox[3]);
  }
  return { polygons, bbox };
}

/**
 * Validates a GeoJSON LineString (a Feature is accepted): >= 2 positions.
 * Returns the flat [x0, y0, x1, y1, ...] array. Errors carry paths under `path` (default "line").
 */
export function compileLine(geom: unknown, path = 'line'): Float64Array {
  if (isObj(geom) && geom.type === 'Feature') return compileLine(geom.geometry, `${path}.geometry`);
  if (!isObj(geom)) throw new GisInputError(path, 'must be a GeoJSON LineString', geom);
  if (geom.type !== 'LineString') throw new GisInputError(`${path}.type`, 'must be "LineString"', geom.type);
  const coords = geom.coordinates;
  const cpath = `${path}.coordinates`;
  if (!Array.isArray(coords) || coords.length < 2)
    throw new GisInputError(cpath, 'must have at least 2 positions', coords);
  const out = new Float64Array(coords.length * 2);
  coords.forEach((p, i) => {
    const [x, y] = position(p, `${cpath}[${i}]`);
    out[2 * i] = x;
    out[2 * i + 1] = y;
  });
  return out;
}
