// The /map/clusters wire shapes: cluster and camera point features, and the filters sent with the query.

export interface ClusterProps {
  cluster: true;
  count: number;
  statusCounts: Record<string, number>;
  clusterId: number;
  expansionZoom: number;
}
export interface PointProps {
  cluster: false;
  id: string;
  name: string;
  status: string;
  departmentId: number;
  bearing: number | null;
  fov: number | null;
  rangeM: number | null;
}
export interface ClusterFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: ClusterProps | PointProps;
}

export interface CameraFilters {
  status?: string;
  department?: string;
  tag?: string;
  q?: string;
}
