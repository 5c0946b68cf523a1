// Access policy, areas: whether a point lies in a Polygon / MultiPolygon (share polygons, area-scoped keys). Pure, no I/O.
import type { Geometry } from 'geojson';

/** Ray casting over one ring; points on an edge count as inside. */
function inRing(ring: number[][], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    const cross = (x - xi) * (yj - yi) - (y - yi) * (xj - xi);
    if (cross === 0 && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj))
      return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygonRings(rings: number[][][], x: number, y: number): boolean {
  const [outer, ...holes] = rings;
  if (!outer || !inRing(outer, x, y)) return false;
  return !holes.some((h) => inRing(h, x, y) && !onRingEdge(h, x, y));
}

function onRingEdge(ring: number[][], x: number, y: number): boolean {
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (
      (x - xi) * (yj - yi) - (y - yi) * (xj - xi) === 0 &&
      x >= Math.min(xi, xj) &&
      x <= Math.max(xi, xj) &&
      y >= Math.min(yi, yj) &&
      y <= Math.max(yi, yj)
    )
      return true;
  }
  return false;
}

/** True when (lng, lat) lies inside the Polygon / MultiPolygon (holes excluded, edges included). */
export function inArea(g: Geometry, lng: number, lat: number): boolean {
  if (g.type === 'Polygon') return inPolygonRings(g.coordinates, lng, lat);
  if (g.type === 'MultiPolygon') return g.coordinates.some((rings) => inPolygonRings(rings, lng, lat));
  return false;
}
