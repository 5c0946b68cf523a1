// CameraIndex: the in-memory spatial index of every camera and its queries (nearest, area, route, covering).
import { CameraStore, type Packed } from './camera-store';
import { GisInputError } from './errors';
import { compileArea, compileLine } from './geojson';
import { bearingDeg, circleBounds, distanceM, haversineA, haversineToMetres, metresToHaversineBound } from './geodesy';
import { compareHits, compareRouteHits, sortShort } from './ids';
import { knn, knnOut } from './knn';
import { pointInArea } from './point-in-polygon';
import { Route } from './route';
import { DEFAULT_FOV_DEG, DEFAULT_RANGE_M, sectorContains, type SectorDefaults } from './sector';
import { IndexBuild } from './index-build';
import type { AreaOptions, CameraIndexOptions, CoveringOptions, NearestOptions, RouteOptions } from './query-options';
import { acceptSlot, compileFilter } from './slot-filter';
import { checkBbox, checkCount, checkLngLat, checkMetres } from './validate';
import type { Bbox, CameraHit, CameraId, GisCamera, QueryOptions, RouteHit } from './types';

/**
 * In-memory index of all cameras. `load()` sorts them into a cell grid (1M cameras < 1 s);
 * `upsert()`/`remove()` touch only a small delta and tombstones, merged into every query;
 * `compact()` rebuilds and swaps when `needsCompact`, or `compactInSlices()` off the request path.
 * Every query takes a visibility predicate and filters applied inside the scan, and returns hits
 * ordered by distance then id (see compareIds) unless documented otherwise.
 * Hits (and predicates) see the index's own copy of each camera; its `tags` array is frozen and
 * shared by every camera with an equal tag list.
 */
export class CameraIndex {
  private readonly store: CameraStore;
  private readonly defaults: Required<SectorDefaults>;
  private readonly maxDelta: number;
  /** The stepped build in progress (its changed ids are replayed when it lands), or null. */
  private building: IndexBuild | null = null;
  /** Written by touch loops so the engine cannot drop them. */
  private touched = 0;

  constructor(options: CameraIndexOptions = {}) {
    this.store = new CameraStore(checkCount(options.perCell ?? 8, 'perCell'));
    this.defaults = {
      defaultRangeM: checkMetres(options.defaultRangeM ?? DEFAULT_RANGE_M, 'defaultRangeM'),
      defaultFovDeg: checkMetres(options.defaultFovDeg ?? DEFAULT_FOV_DEG, 'defaultFovDeg'),
    };
    this.maxDelta = options.maxDelta ?? 20_000;
  }

  /** Replaces the whole content (validated: GisInputError with path "cameras[i].field"). */
  load(cameras: readonly GisCamera[]): void {
    this.loadInSlices(cameras).finish();
  }

  /**
   * load() spread over many short steps (see IndexBuild): queries and changes go on against the
   * current content meanwhile, and the changes made meanwhile are replayed onto the new content when
   * it lands (they are newer than `cameras`). Invalid input throws from the step that reads it,
   * and the current content stays.
   */
  loadInSlices(cameras: readonly GisCamera[]): IndexBuild {
    return this.begin(this.store.loadSteps(cameras), true);
  }

  /** Adds a camera or replaces the one with the same id (moved, re-tagged, status change). */
  upsert(camera: GisCamera): void {
    this.store.upsert(camera);
    this.building?.record(camera.id);
  }

  /** Removes a camera; returns false when the id is unknown. */
  remove(id: CameraId): boolean {
    this.building?.record(id);
    return this.store.remove(id);
  }

  get(id: CameraId): GisCamera | undefined {
    const slot = this.store.slotOf.get(id);
    return slot === undefined ? undefined : this.store.cams[slot];
  }

  /** Number of cameras. */
  get size(): number {
    return this.store.size;
  }

  /** Increments on every change of content (load, upsert, remove; not compact). */
  get version(): number {
    return this.store.version;
  }

  /** Pending changes since the last build: delta slots plus tombstones in the packed grid. */
  get deltaSize(): number {
    return this.store.used - this.store.staticCount + this.store.tombstones;
  }

  /** True when the delta is large enough that queries slow down: call `compact()` soon. */
  get needsCompact(): boolean {
    return this.deltaSize > this.maxDelta;
  }

  /** Rebuilds the packed grid from the live cameras and swaps it in. Results do not change. */
  compact(): void {
    this.compactInSlices().finish();
  }

  /**
   * compact() spread over many short steps (see IndexBuild), for a server that must keep answering:
   * queries and changes go on against the current content, and the changes made meanwhile are
   * replayed onto the compacted content when it lands.
   */
  compactInSlices(): IndexBuild {
    return this.begin(this.store.compactSteps(), false);
  }

  /** Starts a stepped build; it abandons the one in progress (a load wins over a compaction). */
  private begin(steps: Generator<void, Packed>, changesContent: boolean): IndexBuild {
    this.building?.abandon();
    const build = new IndexBuild(steps, (packed) => this.land(build, packed, changesContent));
    this.building = build;
    return build;
  }

  /** Installs a finished build, then replays the changes made while it ran (current records, newest wins). */
  private land(build: IndexBuild, packed: Packed, changesContent: boolean): void {
    const store = this.store;
    const replay: Array<[CameraId, GisCamera | undefined]> = [];
    for (const id of build.changed) replay.push([id, this.get(id)]);
    const version = store.version;
    store.install(packed);
    for (const [id, cam] of replay) {
      if (cam !== undefined) store.upsert(cam);
      else store.remove(id);
    }
    // A compaction leaves the content as it was: its version stays (cluster caches key on it).
    store.version = changesContent ? version + 1 : version;
    this.building = null;
  }

  /** Calls `fn` for every camera (order unspecified). */
  forEach(fn: (cam: GisCamera) => void): void {
    this.forEachIn(0, this.store.used, fn);
  }

  /**
   * Slots in use. A walk in slices, forEachIn(0, k), forEachIn(k, 2k), … up to the slotCount read
   * at its start, sees every camera of that moment once unless it changed meanwhile (a moved or
   * added camera takes a new slot past the end), as long as `layout` stays the same.
   */
  get slotCount(): number {
    return this.store.used;
  }

  /** Changes when slots are renumbered (load, compaction): a walk in slices must start over. */
  get layout(): number {
    return this.store.layout;
  }

  /** Calls `fn` for every camera in slots [from, to). */
  forEachIn(from: number, to: number, fn: (cam: GisCamera) => void): void {
    const cams = this.store.cams;
    const end = Math.min(to, this.store.used);
    for (let s = Math.max(0, from); s < end; s++) {
      const c = cams[s];
      if (c !== undefined) fn(c);
    }
  }

  /** The `n` (default 10) visible cameras nearest to (lng, lat) within `radiusM`, nearest first. */
  nearest(lng: number, lat: number, options: NearestOptions = {}): CameraHit[] {
    checkLngLat(lng, lat);
    const n = checkCount(options.n ?? 10, 'n');
    const radius = checkMetres(options.radiusM ?? Infinity, 'radiusM', true);
    const maxA = Number.isFinite(radius) ? metresToHaversineBound(radius) : 1;
    const { mask, test } = compileFilter(this.store, options);
    const found = knn(this.store, lng, lat, n, maxA, test, mask);
    const hits: CameraHit[] = [];
    const { lngs, lats } = this.store;
    const slots = knnOut.slots;
    // Touch every hit's coordinates first: the misses overlap instead of waiting behind the trigonometry.
    let t = 0;
    for (let i = 0; i < found; i++) t += (lngs[slots[i] as number] as number) + (lats[slots[i] as number] as number);
    this.touched = t;
    for (let i = 0; i < found; i++) {
      const slot = slots[i] as number;
      const d = distanceM(lng, lat, lngs[slot] as number, lats[slot] as number);
      if (d <= radius) hits.push(this.hit(slot, lng, lat, d));
    }
    sortShort(hits, compareHits);
    if (hits.length > n) hits.length = n;
    return hits;
  }

  /** Every visible camera within `radiusM` of (lng, lat), nearest first. */
  withinCircle(lng: number, lat: number, radiusM: number, options: QueryOptions = {}): CameraHit[] {
    checkLngLat(lng, lat);
    const radius = checkMetres(radiusM, 'radiusM');
    const maxA = metresToHaversineBound(radius);
    const accept = acceptSlot(this.store, options);
    const { lngs, lats } = this.store;
    const hits: CameraHit[] = [];
    const [w, s, e, n] = circleBounds(lng, lat, radius);
    this.store.forEachInBox(w, s, e, n, (slot) => {
      const a = haversineA(lng, lat, lngs[slot] as number, lats[slot] as number);
      if (a > maxA) return;
      const d = haversineToMetres(a);
      if (d <= radius && accept(slot)) hits.push(this.hit(slot, lng, lat, d));
    });
    return hits.sort(compareHits);
  }

  /**
   * Every visible camera inside the box (edges inclusive; minLng > maxLng crosses the antimeridian),
   * ordered by distance from `origin` (default: the box centre) then id.
   */
  withinBbox(bbox: Bbox, options: AreaOptions = {}): CameraHit[] {
    const [w, s, e, n] = checkBbox(bbox, options.path ?? 'bbox');
    const cx = w <= e ? (w + e) / 2 : (w + e + 360) / 2 > 180 ? (w + e + 360) / 2 - 360 : (w + e + 360) / 2;
    const [ox, oy] = this.origin(options, cx, (s + n) / 2);
    const accept = acceptSlot(this.store, options);
    const hits: CameraHit[] = [];
    const visit = (slot: number): void => {
      if (accept(slot)) hits.push(this.hit(slot, ox, oy));
    };
    if (w <= e) this.store.forEachInBox(w, s, e, n, visit);
    else {
      this.store.forEachInBox(w, s, 180, n, visit);
      this.store.forEachInBox(-180, s, e, n, visit);
    }
    return hits.sort(compareHits);
  }

  /**
   * Every visible camera inside a GeoJSON Polygon or MultiPolygon (holes excluded; points exactly
   * on any edge or vertex, including a hole's, count as inside; edges are straight in lng/lat),
   * ordered by distance from `origin` (default: the polygon's bbox centre) then id.
   */
  withinPolygon(geometry: unknown, options: AreaOptions = {}): CameraHit[] {
    const area = compileArea(geometry, options.path ?? 'polygon');
    const [w, s, e, n] = area.bbox;
    const [ox, oy] = this.origin(options, (w + e) / 2, (s + n) / 2);
    const accept = acceptSlot(this.store, options);
    const { lngs, lats } = this.store;
    const hits: CameraHit[] = [];
    this.store.forEachInBox(w, s, e, n, (slot) => {
      if (pointInArea(lngs[slot] as number, lats[slot] as number, area) && accept(slot))
        hits.push(this.hit(slot, ox, oy));
    });
    return hits.sort(compareHits);
  }

  /**
   * Every visible camera within `distanceM` of a GeoJSON LineString (great-circle segments),
   * ordered by position along the route (`alongM`), then distance to the route, then id.
   * `distanceM`/`bearingDeg` of a hit are measured from the nearest route point.
   */
  along(line: unknown, distM: number, options: RouteOptions = {}): RouteHit[] {
    const coords = compileLine(line, options.path ?? 'line');
    const reach = checkMetres(distM, 'distanceM');
    const route = new Route(coords, reach);
    const accept = acceptSlot(this.store, options);
    const { lngs, lats } = this.store;
    const seen = new Set<number>();
    const hits: RouteHit[] = [];
    for (const [w, s, e, n] of route.segmentBoxes()) {
      this.store.forEachInBox(Math.max(-180, w), Math.max(-90, s), Math.min(180, e), Math.min(90, n), (slot) => {
        if (seen.has(slot)) return;
        seen.add(slot);
        const x = lngs[slot] as number,
          y = lats[slot] as number;
        const p = route.project(x, y);
        if (p === null || p.distanceM > reach || !accept(slot)) return;
        const camera = this.store.cams[slot] as GisCamera;
        hits.push({ camera, distanceM: p.distanceM, bearingDeg: bearingDeg(p.lng, p.lat, x, y), alongM: p.alongM });
      });
    }
    return hits.sort(compareRouteHits);
  }

  /**
   * Visible cameras whose view sector contains (lng, lat), nearest first. Sector rules in
   * sectorContains; `defaultRangeM` / `defaultFovDeg` override the index's defaults for this query.
   */
  covering(lng: number, lat: number, options: CoveringOptions = {}): CameraHit[] {
    checkLngLat(lng, lat);
    const defaults: Required<SectorDefaults> = {
      defaultRangeM: checkMetres(options.defaultRangeM ?? this.defaults.defaultRangeM, 'defaultRangeM'),
      defaultFovDeg: checkMetres(options.defaultFovDeg ?? this.defaults.defaultFovDeg, 'defaultFovDeg'),
    };
    const reach = Math.max(this.store.maxRangeM, defaults.defaultRangeM);
    const accept = acceptSlot(this.store, options);
    const hits: CameraHit[] = [];
    const [w, s, e, n] = circleBounds(lng, lat, reach);
    this.store.forEachInBox(w, s, e, n, (slot) => {
      const cam = this.store.cams[slot];
      if (cam === undefined) return;
      const d = distanceM(lng, lat, cam.lng, cam.lat);
      if (sectorContains(cam, lng, lat, defaults, d) && accept(slot)) hits.push(this.hit(slot, lng, lat, d));
    });
    return hits.sort(compareHits);
  }

  private origin(options: AreaOptions, x: number, y: number): [number, number] {
    if (options.origin === undefined) return [x, y];
    const o = options.origin;
    if (!Array.isArray(o)) throw new GisInputError('origin', 'must be [lng, lat]', o);
    checkLngLat(o[0], o[1], 'origin');
    return [o[0], o[1]];
  }

  private hit(slot: number, lng: number, lat: number, d?: number): CameraHit {
    const camera = this.store.cams[slot] as GisCamera;
    const x = this.store.lngs[slot] as number,
      y = this.store.lats[slot] as number;
    return { camera, distanceM: d ?? distanceM(lng, lat, x, y), bearingDeg: bearingDeg(lng, lat, x, y) };
  }
}

export { IndexBuild };
export type { AreaOptions, CameraIndexOptions, CoveringOptions, NearestOptions, RouteOptions };
