// Shared value types of the GIS engine: camera records, query options, results, GeoJSON shapes.

/** A camera identifier as stored by the gateway (database id or external code). */
export type CameraId = number | string;

/**
 * One camera as the spatial engine sees it. Positions are WGS-84 degrees.
 * `bearing` is where the lens points (degrees, 0 = north, clockwise); `fovDeg` the horizontal
 * field of view (degrees); `rangeM` how far it usefully sees (metres). `null`/absent = unknown.
 */
export interface GisCamera {
  id: CameraId;
  lng: number;
  lat: number;
  bearing?: number | null;
  fovDeg?: number | null;
  rangeM?: number | null;
  status: string;
  departmentId: CameraId;
  tags: string[];
  /** Display name, carried for result lists (not used by any query). */
  name?: string;
  /**
   * The grid (a polygon of the caller's PolygonLayer) the camera lies in, null = none; carried for
   * result lists (not used by any query; the caller keeps it current).
   */
  gridId?: CameraId | null;
}

/** Visibility decision of the caller's access policy, evaluated inside the index scan. */
export type CameraPredicate = (cam: GisCamera) => boolean;

/** Attribute filters, all optional and AND-ed; an empty or absent list means "any". */
export interface CameraFilters {
  /** Camera status must be one of these. */
  status?: readonly string[];
  /**
   * Camera department must be one of these. Checked on a dense column before a camera's record is
   * read or the predicate runs: a caller whose predicate can only accept some departments should
   * name them here too (the gateway passes the departments a principal can see any camera of).
   */
  departmentIds?: readonly CameraId[];
  /** Camera must carry at least one of these tags. */
  tagsAny?: readonly string[];
}

/** Options common to every query: the visibility predicate plus attribute filters. */
export interface QueryOptions extends CameraFilters {
  /** Applied inside the scan; a camera failing it is never counted nor returned. Default: all visible. */
  predicate?: CameraPredicate;
}

/** A query hit: the camera plus great-circle distance (metres) and initial bearing (degrees, 0..360) from the query point to the camera. */
export interface CameraHit {
  camera: GisCamera;
  distanceM: number;
  bearingDeg: number;
}

/**
 * A hit of an along-route query: `alongM` is the position (metres from the route start) of the camera's nearest route
 * point; `distanceM` the distance to the route.
 */
export interface RouteHit extends CameraHit {
  alongM: number;
}

/** [minLng, minLat, maxLng, maxLat] in degrees; minLng > maxLng means the box crosses the antimeridian. */
export type Bbox = [number, number, number, number];

export type Position = [number, number] | number[];

export interface PolygonGeometry {
  type: 'Polygon';
  coordinates: Position[][];
}

export interface MultiPolygonGeometry {
  type: 'MultiPolygon';
  coordinates: Position[][][];
}

export interface LineStringGeometry {
  type: 'LineString';
  coordinates: Position[];
}

export type AreaGeometry = PolygonGeometry | MultiPolygonGeometry;
