// Public surface of the GIS engine: the camera index, clusters, polygon layer, CRS and geodesy helpers.
export { CameraIndex, IndexBuild } from './camera-index';
export type { CameraIndexOptions, NearestOptions, AreaOptions, RouteOptions, CoveringOptions } from './camera-index';
export { ClusterSet, PointCollector, checkViewport, packedBuffers, pointBuffers, unpackMarkers } from './clusters';
export type { ClusterMarker, ClusterOptions, ClusterPoints, Marker, PackedMarkers, PointMarker } from './clusters';
export { PolygonLayer } from './polygon-layer';
export type { Place } from './polygon-layer';
export { GisInputError } from './errors';
export { compareIds, compareHits, compareRouteHits } from './ids';
export { sectorContains, angleDiff, effectiveRange, DEFAULT_RANGE_M, DEFAULT_FOV_DEG } from './sector';
export type { SectorDefaults } from './sector';
export { distanceM, bearingDeg, EARTH_RADIUS_M } from './geodesy';
export { compileArea, compileLine } from './geojson';
export { pointInArea } from './point-in-polygon';
export { isInMainlandChina, CHINA_MAINLAND_GEOJSON } from './china-boundary';
export { wgs84ToGcj02, gcj02ToWgs84, gcj02ToBd09, bd09ToGcj02, wgs84ToBd09, bd09ToWgs84, convert } from './crs';
export type { Crs, CrsOptions, LngLat } from './crs';
export { checkCamera } from './camera-record';
export type * from './types';
