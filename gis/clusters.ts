// Map clusters per visibility signature: supercluster indexes cached per caller's visible set and index version.
import Supercluster, { type ClusterProperties } from 'supercluster';
import type { CameraIndex } from './camera-index';
import { GisInputError } from './errors';
import { checkBbox } from './validate';
import type { Bbox, CameraFilters, CameraId, CameraPredicate, GisCamera } from './types';

/** Properties of a single-camera marker. */
export interface CameraPointProps {
  cluster: false;
  id: CameraId;
  status: string;
  bearing: number | null;
  fovDeg: number | null;
  departmentId: CameraId;
}

/** Properties of a cluster marker: how many cameras, and how many per status. */
export interface ClusterProps {
  cluster: true;
  clusterId: number;
  count: number;
  statusCounts: Record<string, number>;
}

export interface MapFeature<P> {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: P;
}

export type ClusterFeature = MapFeature<ClusterProps> | MapFeature<CameraPointProps>;

export interface ClusterResult {
  features: ClusterFeature[];
  /** Index version the clusters were built from. */
  version: number;
  /** True when served from an older version because `allowStale` was set (call `prepare()` off the request path). */
  stale: boolean;
}

export interface ClusterCacheOptions {
  /** Cluster radius in pixels (512-px tiles). Default 60. */
  radius?: number;
  /** Highest zoom that clusters; above it every camera is its own marker. Default 17. */
  maxZoom?: number;
  /** Distinct signatures kept (least recently used dropped). Default 16. */
  maxSignatures?: number;
}

// Flat keys "s:<status>": supercluster copies cluster properties shallowly, so nested objects would be shared.
type Reduced = Record<string, number>;

interface Entry {
  version: number;
  sc: Supercluster<CameraPointProps, Reduced>;
}

/**
 * Clusters of the cameras a caller may see, cached per visibility signature (a string the caller
 * derives from what decides visibility, e.g. a hash of department + active shares + area scope).
 * An entry is rebuilt when the index version moved on. `prepare()` builds ahead (off the request
 * path); `query()` on a warm entry is a supercluster lookup (well under 1 ms per viewport).
 */
export class ClusterCache {
  private readonly entries = new Map<string, Entry>();
  private readonly radius: number;
  private readonly maxZoom: number;
  private readonly maxSignatures: number;

  constructor(private readonly index: CameraIndex, options: ClusterCacheOptions = {}) {
    this.radius = options.radius ?? 60;
    this.maxZoom = options.maxZoom ?? 17;
    this.maxSignatures = options.maxSignatures ?? 16;
  }

  /** Builds (or rebuilds, when stale) the clusters of one signature now. Returns the build time in ms. */
  prepare(signature: string, predicate: CameraPredicate = () => true, filters: CameraFilters = {}): number {
    const t0 = performance.now();
    const points: Array<MapFeature<CameraPointProps>> = [];
    const status = filters.status?.length ? new Set(filters.status) : null;
    const depts = filters.departmentIds?.length ? new Set(filters.departmentIds) : null;
    const tags = filters.tagsAny?.length ? new Set(filters.tagsAny) : null;
    this.index.forEach((c: GisCamera) => {
      if (status && !status.has(c.status)) return;
      if (depts && !depts.has(c.departmentId)) return;
      if (tags && !c.tags.some((t) => tags.has(t))) return;
      if (!predicate(c)) return;
      points.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [c.lng, c.lat] },
        properties: { cluster: false, id: c.id, status: c.status, bearing: c.bearing ?? null, fovDeg: c.fovDeg ?? null, departmentId: c.departmentId },
      });
    });
    const sc = new Supercluster<CameraPointProps, Reduced>({
      radius: this.radius,
      maxZoom: this.maxZoom,
      map: (p) => ({ [`s:${p.status}`]: 1 }),
      reduce: (acc, p) => {
        for (const k in p) acc[k] = (acc[k] ?? 0) + (p[k] as number);
      },
    });
    sc.load(points);
    this.entries.delete(signature);
    this.entries.set(signature, { version: this.index.version, sc });
    while (this.entries.size > this.maxSignatures) this.entries.delete(this.entries.keys().next().value as string);
    return performance.now() - t0;
  }

  /** True when the signature has clusters built from the current index version. */
  isWarm(signature: string): boolean {
    return this.entries.get(signature)?.version === this.index.version;
  }

  /**
   * Clusters and single cameras inside `bbox` at integer-or-fractional `zoom` (0..24).
   * Builds synchronously when cold or stale, unless `allowStale` and an older build exists.
   */
  query(
    signature: string, predicate: CameraPredicate, bbox: Bbox, zoom: number,
    options: { allowStale?: boolean; filters?: CameraFilters } = {},
  ): ClusterResult {
    const [w, s, e, n] = checkBbox(bbox);
    if (typeof zoom !== 'number' || !Number.isFinite(zoom) || zoom < 0 || zoom > 24) throw new GisInputError('zoom', 'must be a number in [0, 24]', zoom);
    let entry = this.entries.get(signature);
    let stale = false;
    if (!entry || (entry.version !== this.index.version && !options.allowStale)) {
      this.prepare(signature, predicate, options.filters);
      entry = this.entries.get(signature) as Entry;
    } else if (entry.version !== this.index.version) stale = true;
    else {
      this.entries.delete(signature);
      this.entries.set(signature, entry);
    }
    const raw = entry.sc.getClusters([w, s, e, n], Math.floor(zoom));
    const features: ClusterFeature[] = raw.map((f) => {
      const p = f.properties as Partial<ClusterProperties> & Partial<CameraPointProps> & Record<string, unknown>;
      const coordinates = f.geometry.coordinates as [number, number];
      if (p.cluster === true) {
        const statusCounts: Record<string, number> = {};
        for (const k in p) if (k.startsWith('s:')) statusCounts[k.slice(2)] = p[k] as number;
        return {
          type: 'Feature',
          geometry: { type: 'Point', coordinates },
          properties: { cluster: true, clusterId: p.cluster_id as number, count: p.point_count as number, statusCounts },
        };
      }
      return f as MapFeature<CameraPointProps>;
    });
    return { features, version: entry.version, stale };
  }

  /** Zoom at which a cluster breaks apart (for "click to zoom in"). */
  expansionZoom(signature: string, clusterId: number): number {
    const entry = this.entries.get(signature);
    if (!entry) throw new GisInputError('signature', 'has no clusters prepared', signature);
    return entry.sc.getClusterExpansionZoom(clusterId);
  }

  /** Drops one signature's clusters, or all. */
  invalidate(signature?: string): void {
    if (signature === undefined) this.entries.clear();
    else this.entries.delete(signature);
  }
}
