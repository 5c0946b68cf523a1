// The GeoJSON the vector base map reads: feature types, road classes and line geometries.
import type * as L from 'leaflet';

export type RoadClass = 'primary' | 'secondary' | 'minor';

export type Props = { kind?: string; class?: string; name?: string; nameEn?: string };
export type Position = number[];
/** The GeoJSON the layer reads (RFC 7946; only what it uses is typed here). */
export interface Feature {
  type: 'Feature';
  geometry: { type: string; coordinates?: unknown };
  properties: Props | null;
}
export interface FeatureCollection {
  type: 'FeatureCollection';
  features: Feature[];
}
export type GeoJsonInput = Parameters<typeof L.geoJSON>[0];

export const roadClass = (p: Props): RoadClass =>
  p.class === 'primary' || p.class === 'secondary' ? p.class : 'minor';

/** The polylines of a line geometry (LineString or MultiLineString); none for other types. */
export function lines(g: Feature['geometry']): Position[][] {
  if (g.type === 'LineString') return [g.coordinates as Position[]];
  if (g.type === 'MultiLineString') return g.coordinates as Position[][];
  return [];
}
