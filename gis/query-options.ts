// The options of the camera index and its queries.
import type { SectorDefaults } from './sector';
import type { QueryOptions } from './types';

export interface CameraIndexOptions extends SectorDefaults {
  /** Average cameras per grid cell (the grid adapts its edges to where cameras cluster). Default 8. */
  perCell?: number;
  /** Pending changes (delta slots + tombstones) above which `needsCompact` turns true. Default 20,000. */
  maxDelta?: number;
}

export interface NearestOptions extends QueryOptions {
  /** How many cameras at most (integer >= 1). Default 10. */
  n?: number;
  /** Search radius in metres (>= 0; 0 = only cameras exactly at the point). Default unlimited. */
  radiusM?: number;
}

export interface AreaOptions extends QueryOptions {
  /** Point the hits' distanceM/bearingDeg are measured from and sorted by. Default: centre of the area's bbox. */
  origin?: [number, number];
  /** Field path of the area in error messages. Default "polygon" (or "bbox"). */
  path?: string;
}

export interface RouteOptions extends QueryOptions {
  /** Field path of the line in error messages. Default "line". */
  path?: string;
}

export type CoveringOptions = QueryOptions & SectorDefaults;
