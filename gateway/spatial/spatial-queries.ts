// Policy-filtered spatial queries for the API: nearby, within, along, covering, clusters, grids; CRS at the edge.
import {
  CameraIndex,
  PolygonLayer,
  compileArea,
  convert,
  sectorContains,
  type Crs,
  type GisCamera,
  type CameraFilters,
  type NearestOptions,
  type QueryOptions,
} from '../../gis/index';
import type { AccessControl } from '../auth/access';
import type { Principal, PolicyCamera } from '../auth/policy';
import type { Grid, SpatialHit } from '../contract';
import { NotFoundError } from '../errors';
import { MapClusters } from './map-clusters';
import { cameraSummary, spatialHit, toWgs84Geometry } from './hit-shape';
import type { CameraDirectory, IndexedCamera } from './camera-directory';

export type { CameraSummary, SpatialHit } from '../contract';

export interface Filters {
  status?: string[] | undefined;
  department?: string[] | undefined;
  tag?: string[] | undefined;
  q?: string | undefined;
}

/** Where the queries of a principal who can see no camera run: the same validation, nothing to scan. */
const NO_CAMERAS = new CameraIndex();

export class SpatialQueries {
  private readonly clusters: MapClusters;
  private readonly grids = new PolygonLayer();

  constructor(
    private readonly dir: CameraDirectory,
    private readonly access: AccessControl,
    private readonly opts: {
      defaultRangeM: number;
      maxResults: number;
      onError?: (what: string, err: unknown) => void;
    },
  ) {
    // 80-px clusters: a full-HD viewport holds at most ~300 features, so a zoom redraws in well under 100 ms
    this.clusters = new MapClusters(dir.index, {
      radius: 80,
      maxSignatures: 32,
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  /** Ends the clusters' worker thread. */
  close(): Promise<void> {
    return this.clusters.close();
  }

  /**
   * Replaces the grid layer (after grid changes). A grid whose stored geometry is invalid (written
   * before validation was tightened, or behind the gateway's back) is left out and returned, so one
   * bad row cannot take the whole layer, or the gateway's start, down with it.
   */
  loadGrids(grids: Grid[]): Array<{ id: number; error: string }> {
    const bad: Array<{ id: number; error: string }> = [];
    const good = grids.filter((g) => {
      try {
        compileArea(g.geometry, 'geometry');
        return true;
      } catch (err) {
        bad.push({ id: g.id, error: (err as Error).message });
        return false;
      }
    });
    this.grids.load({
      type: 'FeatureCollection',
      features: good.map((g) => ({
        type: 'Feature',
        id: g.id,
        geometry: g.geometry,
        properties: { name: g.name, kind: g.kind },
      })),
    });
    return bad;
  }

  /** The smallest grid (kind "grid") containing the point, or null. */
  gridOf(lng: number, lat: number): number | null {
    const id = this.grids.smallestContaining(lng, lat, 'grid');
    return id === undefined ? null : Number(id);
  }

  locate(lng: number, lat: number): Array<{ id: number; name: string; kind: string }> {
    return this.grids.locate(lng, lat).map((p) => ({ id: Number(p.id), name: p.name, kind: p.kind }));
  }

  private predicate(p: Principal, f: Filters): (c: GisCamera) => boolean {
    const visible = this.access.predicate(p);
    const q = f.q?.toLowerCase();
    return q
      ? (c) => visible(c as unknown as PolicyCamera) && (c.name ?? '').toLowerCase().includes(q)
      : (c) => visible(c as unknown as PolicyCamera);
  }

  /**
   * The index and options of one query: the visibility predicate, the caller's filters, and the
   * departments that can be visible at all (intersected with a department filter) so the index
   * skips every other camera on its dense department column. When no department can be, the query
   * runs on an empty index: its input is still validated (a bad polygon is a 400 for everyone).
   */
  private scope(p: Principal, f: Filters): { index: CameraIndex; q: QueryOptions & NearestOptions } {
    let depts = this.access.departments(p);
    if (f.department?.length) {
      const want = f.department.map(Number);
      depts = depts === null ? want : depts.filter((d) => want.includes(d));
    }
    const q: QueryOptions & NearestOptions = { predicate: this.predicate(p, f) };
    if (depts !== null) q.departmentIds = depts;
    if (f.status?.length) q.status = f.status;
    if (f.tag?.length) q.tagsAny = f.tag;
    return { index: depts !== null && depts.length === 0 ? NO_CAMERAS : this.dir.index, q };
  }

  private filters(f: Filters): CameraFilters {
    return {
      ...(f.status?.length ? { status: f.status } : {}),
      ...(f.department?.length ? { departmentIds: f.department.map(Number) } : {}),
      ...(f.tag?.length ? { tagsAny: f.tag } : {}),
    };
  }

  private covers(c: GisCamera, lng: number, lat: number): boolean {
    return sectorContains(c, lng, lat, { defaultRangeM: this.opts.defaultRangeM });
  }

  /** The `limit` nearest visible cameras within `radiusM`; `coveringFirst` lists those whose view sector holds the point first. */
  nearby(
    p: Principal,
    at: { lng: number; lat: number; crs: Crs },
    radiusM: number,
    limit: number,
    f: Filters,
    coveringFirst: boolean,
  ): SpatialHit[] {
    const [lng, lat] = convert(at.lng, at.lat, at.crs, 'wgs84');
    const { index, q } = this.scope(p, f);
    q.n = Math.min(limit, this.opts.maxResults);
    q.radiusM = radiusM;
    const hits = index.nearest(lng, lat, q);
    const out: SpatialHit[] = [];
    const later: SpatialHit[] = [];
    for (const h of hits) {
      const covering = this.covers(h.camera, lng, lat);
      (covering || !coveringFirst ? out : later).push(spatialHit(h, at.crs, covering));
    }
    for (const h of later) out.push(h);
    return out;
  }

  covering(p: Principal, at: { lng: number; lat: number; crs: Crs }, limit: number, f: Filters): SpatialHit[] {
    const [lng, lat] = convert(at.lng, at.lat, at.crs, 'wgs84');
    const { index, q } = this.scope(p, f);
    return index
      .covering(lng, lat, { ...q, defaultRangeM: this.opts.defaultRangeM })
      .slice(0, limit)
      .map((h) => spatialHit(h, at.crs, true));
  }

  withinCircle(
    p: Principal,
    c: { lng: number; lat: number; radiusM: number },
    crs: Crs,
    limit: number,
    f: Filters,
  ): SpatialHit[] {
    const [lng, lat] = convert(c.lng, c.lat, crs, 'wgs84');
    const { index, q } = this.scope(p, f);
    return index
      .withinCircle(lng, lat, c.radiusM, q)
      .slice(0, limit)
      .map((h) => spatialHit(h, crs));
  }

  withinBbox(p: Principal, bbox: [number, number, number, number], crs: Crs, limit: number, f: Filters): SpatialHit[] {
    const [w, s] = convert(bbox[0], bbox[1], crs, 'wgs84');
    const [e, n] = convert(bbox[2], bbox[3], crs, 'wgs84');
    const { index, q } = this.scope(p, f);
    return index
      .withinBbox([w, s, e, n], q)
      .slice(0, limit)
      .map((h) => spatialHit(h, crs));
  }

  withinPolygon(
    p: Principal,
    geometry: unknown,
    crs: Crs,
    limit: number,
    f: Filters,
    path = 'body.polygon',
  ): SpatialHit[] {
    const g = crs === 'wgs84' ? geometry : toWgs84Geometry(geometry, crs);
    const { index, q } = this.scope(p, f);
    return index
      .withinPolygon(g, { ...q, path })
      .slice(0, limit)
      .map((h) => spatialHit(h, crs));
  }

  along(p: Principal, line: unknown, distanceM: number, crs: Crs, limit: number, f: Filters): SpatialHit[] {
    const g = crs === 'wgs84' ? line : toWgs84Geometry(line, crs);
    const { index, q } = this.scope(p, f);
    return index
      .along(g, distanceM, { ...q, path: 'body.line' })
      .slice(0, limit)
      .map((h) => spatialHit(h, crs));
  }

  gridCameras(p: Principal, gridId: number, limit: number, f: Filters, crs: Crs = 'wgs84'): SpatialHit[] {
    if (!this.grids.get(gridId)) throw new NotFoundError(`grid ${gridId} not found`);
    const { index, q } = this.scope(p, f);
    return this.grids
      .camerasIn(gridId, index, q)
      .slice(0, limit)
      .map((h) => spatialHit(h, crs));
  }

  /**
   * Map clusters for the caller's visible set, built on a worker thread (the first call of a
   * visibility signature waits for its build; later ones get the previous set while a changed index
   * is rebuilt). `crs` applies to the viewport given and to the feature coordinates returned.
   * Single cameras carry their current attributes; one removed since the build, or no longer
   * visible to the caller, is left out.
   */
  async mapClusters(
    p: Principal,
    viewport: [number, number, number, number],
    zoom: number,
    f: Filters,
    crs: Crs = 'wgs84',
  ): Promise<Array<Record<string, unknown>>> {
    let bbox = viewport;
    if (crs !== 'wgs84') {
      const [w, s] = convert(viewport[0], viewport[1], crs, 'wgs84');
      const [e, n] = convert(viewport[2], viewport[3], crs, 'wgs84');
      bbox = [w, s, e, n];
    }
    const signature = `${this.access.signature(p)}|${JSON.stringify([f.status, f.department, f.tag, f.q])}`;
    const predicate = this.predicate(p, f);
    const { markers } = await this.clusters.query(signature, predicate, this.filters(f), bbox, zoom);
    const out: Array<Record<string, unknown>> = [];
    for (const m of markers) {
      const coordinates = crs === 'wgs84' ? [m.lng, m.lat] : convert(m.lng, m.lat, 'wgs84', crs);
      const geometry = { type: 'Point', coordinates };
      if (m.cluster) {
        out.push({
          type: 'Feature',
          geometry,
          properties: {
            cluster: true,
            clusterId: m.clusterId,
            count: m.count,
            statusCounts: m.statusCounts,
            expansionZoom: m.expansionZoom,
          },
        });
        continue;
      }
      // a set served stale may hold a camera the caller can no longer see (moved to another
      // department, say): single cameras are checked again, so none is ever named to the wrong caller
      const cam = this.dir.lookup(String(m.id)) as IndexedCamera | undefined;
      if (!cam || !predicate(cam)) continue;
      out.push({
        type: 'Feature',
        geometry,
        properties: {
          cluster: false,
          id: String(cam.id),
          name: cam.name ?? '',
          status: cam.status,
          departmentId: Number(cam.departmentId),
          bearing: cam.bearing ?? null,
          fov: cam.fovDeg ?? null,
          rangeM: cam.rangeM ?? null,
        },
      });
    }
    return out;
  }

  toWgs84(lng: number, lat: number, from: Crs): [number, number] {
    return convert(lng, lat, from, 'wgs84');
  }
}
