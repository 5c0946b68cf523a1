// Map clusters of one visible set: the points gathered from the index in slices, clustered by supercluster.
import Supercluster, { type PointFeature } from 'supercluster';
import type { CameraIndex } from './camera-index';
import { GisInputError } from './errors';
import { checkBbox } from './validate';
import type { Bbox, CameraFilters, CameraId, CameraPredicate, GisCamera } from './types';

/**
 * The points of one visible set in typed arrays (transferable to a worker thread as they are):
 * point i is at (lngs[i], lats[i]) with status statuses[status[i]].
 */
export interface ClusterPoints {
  lngs: Float64Array;
  lats: Float64Array;
  status: Uint8Array;
  statuses: string[];
}

/** A cluster marker: how many cameras, how many per status, and the zoom at which it breaks apart. */
export interface ClusterMarker {
  cluster: true;
  lng: number;
  lat: number;
  clusterId: number;
  count: number;
  statusCounts: Record<string, number>;
  expansionZoom: number;
}

/** A single camera: `point` is its position in the ClusterPoints (the caller maps it to its camera). */
export interface PointMarker {
  cluster: false;
  lng: number;
  lat: number;
  point: number;
}

export type Marker = ClusterMarker | PointMarker;

/**
 * The markers of one query in typed arrays, so they cross to another thread as a copy of a few
 * buffers rather than hundreds of objects (see unpackMarkers). Marker i is at (lngLat[2i],
 * lngLat[2i+1]); clusterId[i] is -1 for a single camera, whose point index is value[i]; for a
 * cluster, value[i] is its size and statusCounts[i·S + k] its count of statuses[k] (S statuses).
 */
export interface PackedMarkers {
  count: number;
  lngLat: Float64Array;
  clusterId: Int32Array;
  value: Int32Array;
  expansionZoom: Uint8Array;
  statusCounts: Uint32Array;
  statuses: string[];
}

/** The buffers of a ClusterPoints (to transfer with postMessage). */
export const pointBuffers = (p: ClusterPoints): ArrayBuffer[] =>
  [p.lngs.buffer, p.lats.buffer, p.status.buffer] as ArrayBuffer[];

/** The buffers of a PackedMarkers (to transfer with postMessage). */
export const packedBuffers = (p: PackedMarkers): ArrayBuffer[] =>
  [p.lngLat.buffer, p.clusterId.buffer, p.value.buffer, p.expansionZoom.buffer, p.statusCounts.buffer] as ArrayBuffer[];

/** PackedMarkers as objects. */
export function unpackMarkers(p: PackedMarkers): Marker[] {
  const out: Marker[] = new Array(p.count);
  const S = p.statuses.length;
  for (let i = 0; i < p.count; i++) {
    const lng = p.lngLat[2 * i] as number,
      lat = p.lngLat[2 * i + 1] as number;
    const id = p.clusterId[i] as number;
    if (id < 0) {
      out[i] = { cluster: false, lng, lat, point: p.value[i] as number };
      continue;
    }
    const statusCounts: Record<string, number> = Object.create(null) as Record<string, number>;
    for (let k = 0; k < S; k++) {
      const v = p.statusCounts[i * S + k] as number;
      if (v > 0) statusCounts[p.statuses[k] as string] = v;
    }
    out[i] = {
      cluster: true,
      lng,
      lat,
      clusterId: id,
      count: p.value[i] as number,
      statusCounts,
      expansionZoom: p.expansionZoom[i] as number,
    };
  }
  return out;
}

export interface ClusterOptions {
  /** Cluster radius in pixels (512-px tiles). Default 60. */
  radius?: number;
  /** Highest zoom that clusters; above it every camera is its own marker. Default 17. */
  maxZoom?: number;
}

/** Checks a map viewport: a bbox (see checkBbox) and a zoom in [0, 24]; returns the bbox. */
export function checkViewport(bbox: Bbox, zoom: number): Bbox {
  const b = checkBbox(bbox);
  if (typeof zoom !== 'number' || !Number.isFinite(zoom) || zoom < 0 || zoom > 24)
    throw new GisInputError('zoom', 'must be a number in [0, 24]', zoom);
  return b;
}

/** Slots of the index read per collection step (a few ms with a policy predicate). */
const COLLECT_SLICE = 1 << 16;
/** More distinct statuses than a Uint8Array can code are a caller's bug, not a city. */
const MAX_STATUSES = 255;

/**
 * Gathers the cameras of one visible set from the index, a slice of slots per `step()`, into
 * ClusterPoints plus the camera id of every point. The set is the index's content at the version
 * `version` (read at the start) as far as the walk goes: a camera changed while it runs may be
 * seen before or after its change (never twice), so a caller rebuilds when the version moved on.
 * A compaction landing mid-walk renumbers the slots: the walk then starts over.
 */
export class PointCollector {
  readonly version: number;
  private layout: number;
  private next = 0;
  private end: number;
  // typed from the start: converting a million-element array at the end would be one long step
  private lngs = new Float64Array(1024);
  private lats = new Float64Array(1024);
  private codes = new Uint8Array(1024);
  private count = 0;
  private ids: CameraId[] = [];
  private readonly statusCode = new Map<string, number>();
  private readonly accept: (c: GisCamera) => boolean;

  constructor(
    private readonly index: CameraIndex,
    predicate: CameraPredicate = () => true,
    filters: CameraFilters = {},
  ) {
    if (typeof predicate !== 'function') throw new GisInputError('predicate', 'must be a function', predicate);
    const status = filters.status?.length ? new Set(filters.status) : null;
    const depts = filters.departmentIds?.length ? new Set(filters.departmentIds) : null;
    const tags = filters.tagsAny?.length ? new Set(filters.tagsAny) : null;
    this.accept = (c) =>
      (!status || status.has(c.status)) &&
      (!depts || depts.has(c.departmentId)) &&
      (!tags || c.tags.some((t) => tags.has(t))) &&
      predicate(c);
    this.version = index.version;
    this.layout = index.layout;
    this.end = index.slotCount;
  }

  /** Reads the next slice; true when every slot has been read. */
  step(): boolean {
    if (this.index.layout !== this.layout) {
      // renumbered under the walk: what was read may now be anywhere
      this.layout = this.index.layout;
      this.end = this.index.slotCount;
      this.next = 0;
      this.count = 0;
      this.ids = [];
    }
    const to = Math.min(this.end, this.next + COLLECT_SLICE);
    this.index.forEachIn(this.next, to, (c) => {
      if (!this.accept(c)) return;
      let code = this.statusCode.get(c.status);
      if (code === undefined) {
        if (this.statusCode.size >= MAX_STATUSES)
          throw new GisInputError('status', `more than ${MAX_STATUSES} distinct statuses`, c.status);
        this.statusCode.set(c.status, (code = this.statusCode.size));
      }
      if (this.count === this.lngs.length) this.grow();
      this.lngs[this.count] = c.lng;
      this.lats[this.count] = c.lat;
      this.codes[this.count] = code;
      this.count++;
      this.ids.push(c.id);
    });
    this.next = to;
    return to >= this.end;
  }

  private grow(): void {
    const cap = this.lngs.length * 2;
    const lngs = new Float64Array(cap),
      lats = new Float64Array(cap),
      codes = new Uint8Array(cap);
    lngs.set(this.lngs);
    lats.set(this.lats);
    codes.set(this.codes);
    this.lngs = lngs;
    this.lats = lats;
    this.codes = codes;
  }

  /** Reads all remaining slices now. */
  finish(): this {
    while (!this.step());
    return this;
  }

  /**
   * The points gathered (call after the last step) and the camera id of each. The arrays are views
   * on the collector's buffers: transfer them (pointBuffers), the collector is done with them.
   */
  result(): { points: ClusterPoints; ids: CameraId[] } {
    const n = this.count;
    return {
      points: {
        lngs: this.lngs.subarray(0, n),
        lats: this.lats.subarray(0, n),
        status: this.codes.subarray(0, n),
        statuses: [...this.statusCode.keys()],
      },
      ids: this.ids,
    };
  }
}

// Flat keys "s:<status>": supercluster copies cluster properties shallowly, so nested objects would be shared.
type Reduced = Record<string, number>;
/**
 * A point's properties are its index, a number (supercluster keeps every point's properties, so a
 * million points cost one array of small integers); its types want an object, hence the casts.
 */
type PointIndex = Record<string, never>;
const asIndex = (i: number): PointIndex => i as unknown as PointIndex;

/**
 * Clusters of one set of points at every zoom (supercluster, minPoints 2). Building a million points takes
 * seconds: the gateway does it on a worker thread. A query per viewport is well under 1 ms.
 */
export class ClusterSet {
  private readonly sc: Supercluster<PointIndex, Reduced>;
  private readonly keys: string[];
  private readonly statuses: string[];
  readonly size: number;

  constructor(points: ClusterPoints, options: ClusterOptions = {}) {
    const { lngs, lats, status, statuses } = points;
    const n = lngs.length;
    if (lats.length !== n || status.length !== n)
      throw new GisInputError('points', 'lngs, lats and status must have the same length', [
        n,
        lats.length,
        status.length,
      ]);
    const keys = statuses.map((s) => `s:${s}`);
    this.keys = keys;
    this.statuses = [...statuses];
    this.size = n;
    this.sc = new Supercluster<PointIndex, Reduced>({
      radius: options.radius ?? 60,
      maxZoom: options.maxZoom ?? 17,
      map: (i) => ({ [keys[status[i as unknown as number] as number] as string]: 1 }),
      reduce: (acc, p) => {
        for (const k in p) acc[k] = (acc[k] ?? 0) + (p[k] as number);
      },
    });
    const features: Array<PointFeature<PointIndex>> = new Array(n);
    for (let i = 0; i < n; i++) {
      features[i] = {
        type: 'Feature',
        properties: asIndex(i),
        geometry: { type: 'Point', coordinates: [lngs[i] as number, lats[i] as number] },
      };
    }
    this.sc.load(features);
  }

  /** Markers inside `bbox` at `zoom` (0..24; fractional zooms use the zoom below). */
  query(bbox: Bbox, zoom: number): Marker[] {
    return unpackMarkers(this.queryPacked(bbox, zoom));
  }

  /** query() as PackedMarkers. */
  queryPacked(bbox: Bbox, zoom: number): PackedMarkers {
    const [w, s, e, n] = checkViewport(bbox, zoom);
    const found = this.sc.getClusters([w, s, e, n], Math.floor(zoom));
    const count = found.length,
      S = this.statuses.length;
    const out: PackedMarkers = {
      count,
      statuses: this.statuses,
      lngLat: new Float64Array(2 * count),
      clusterId: new Int32Array(count),
      value: new Int32Array(count),
      expansionZoom: new Uint8Array(count),
      statusCounts: new Uint32Array(count * S),
    };
    for (let i = 0; i < count; i++) {
      const f = found[i] as (typeof found)[number];
      const [lng, lat] = f.geometry.coordinates as [number, number];
      out.lngLat[2 * i] = lng;
      out.lngLat[2 * i + 1] = lat;
      const p = f.properties as unknown as
        number | (Record<string, number> & { cluster: true; cluster_id: number; point_count: number });
      if (typeof p === 'number') {
        out.clusterId[i] = -1;
        out.value[i] = p;
        continue;
      }
      out.clusterId[i] = p.cluster_id;
      out.value[i] = p.point_count;
      out.expansionZoom[i] = this.expansionZoom(p.cluster_id);
      for (let k = 0; k < S; k++) out.statusCounts[i * S + k] = p[this.keys[k] as string] ?? 0;
    }
    return out;
  }

  /**
   * The zoom at which a cluster breaks apart: the zoom of its children. supercluster codes it in
   * the id ((id - points) mod 32), and every cluster has at least two children there (a cluster is
   * only made of two or more), which is where getClusterExpansionZoom's walk stops after its first
   * getChildren search, the cost of the whole call. A test checks this against that walk.
   */
  expansionZoom(clusterId: number): number {
    return (clusterId - this.size) % 32;
  }
}
