// Exact planar point-in-polygon on lng/lat degrees; points on any edge or vertex count as inside.
import type { CompiledArea, CompiledPolygon, FlatRing } from './geojson';

const OUTSIDE = 0;
const INSIDE = 1;
const BOUNDARY = 2;

/** 0 outside, 1 strictly inside, 2 on the ring (edge or vertex). Edges are straight in lng/lat. */
export function pointInRing(x: number, y: number, r: FlatRing): 0 | 1 | 2 {
  let inside = false;
  for (let i = 0; i < r.length - 2; i += 2) {
    const xi = r[i] as number,
      yi = r[i + 1] as number;
    const xj = r[i + 2] as number,
      yj = r[i + 3] as number;
    const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj))
      return BOUNDARY;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside ? INSIDE : OUTSIDE;
}

/** True when (x, y) is inside the polygon or on any of its edges (outer ring or hole edges); false inside a hole. */
export function pointInPolygon(x: number, y: number, p: CompiledPolygon): boolean {
  const b = p.bbox;
  if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) return false;
  const outer = pointInRing(x, y, p.rings[0] as FlatRing);
  if (outer === OUTSIDE) return false;
  if (outer === BOUNDARY) return true;
  for (let h = 1; h < p.rings.length; h++) {
    const inHole = pointInRing(x, y, p.rings[h] as FlatRing);
    if (inHole === BOUNDARY) return true;
    if (inHole === INSIDE) return false;
  }
  return true;
}

/** True when (x, y) lies in any polygon of the area (boundary included). */
export function pointInArea(x: number, y: number, area: CompiledArea): boolean {
  for (const p of area.polygons) if (pointInPolygon(x, y, p)) return true;
  return false;
}
