// Slot storage behind CameraIndex: a static packed kd-tree plus an append-only delta with tombstones.
import KDBush from 'kdbush';
import { GisInputError } from './errors';
import { toRad } from './geodesy';
import { IdSlots } from './id-slots';
import type { CameraId, GisCamera } from './types';

/** Writes the unit vector of (lng, lat) to out[at..at+2]. */
export function unitVector(lng: number, lat: number, out: Float64Array, at: number): void {
  const p = toRad(lat), l = toRad(lng), cp = Math.cos(p);
  out[at] = cp * Math.cos(l);
  out[at + 1] = cp * Math.sin(l);
  out[at + 2] = Math.sin(p);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const optNum = (v: unknown): boolean => v === null || v === undefined || isNum(v);

/**
 * Checks one camera record; throws GisInputError with a path under `path` (e.g. "camera.lat").
 */
export function checkCamera(c: unknown, path = 'camera'): GisCamera {
  if (typeof c !== 'object' || c === null) throw new GisInputError(path, 'must be a camera object', c);
  const r = c as Record<string, unknown>;
  if (!(isNum(r.id) || (typeof r.id === 'string' && r.id !== ''))) throw new GisInputError(`${path}.id`, 'must be a finite number or non-empty string', r.id);
  if (!isNum(r.lng) || r.lng < -180 || r.lng > 180) throw new GisInputError(`${path}.lng`, 'must be a number in [-180, 180]', r.lng);
  if (!isNum(r.lat) || r.lat < -90 || r.lat > 90) throw new GisInputError(`${path}.lat`, 'must be a number in [-90, 90]', r.lat);
  if (!optNum(r.bearing)) throw new GisInputError(`${path}.bearing`, 'must be a finite number or null', r.bearing);
  if (!optNum(r.fovDeg) || (r.fovDeg as number) < 0) throw new GisInputError(`${path}.fovDeg`, 'must be a number >= 0 or null', r.fovDeg);
  if (!optNum(r.rangeM) || (r.rangeM as number) < 0) throw new GisInputError(`${path}.rangeM`, 'must be a number >= 0 or null', r.rangeM);
  if (typeof r.status !== 'string') throw new GisInputError(`${path}.status`, 'must be a string', r.status);
  if (!Array.isArray(r.tags)) throw new GisInputError(`${path}.tags`, 'must be an array of strings', r.tags);
  return c as GisCamera;
}

/**
 * The index keeps its own copy of each record, all of one shape and allocated in kd order, so the
 * caller's predicate reads neighbouring cameras from neighbouring memory with monomorphic property
 * access (measured: ~25% faster nearest-with-predicate). Tags arrays are shared, not copied.
 */
function normalize(c: GisCamera): GisCamera {
  return {
    id: c.id, lng: c.lng, lat: c.lat, bearing: c.bearing ?? null, fovDeg: c.fovDeg ?? null, rangeM: c.rangeM ?? null,
    status: c.status, departmentId: c.departmentId, tags: c.tags, name: c.name ?? '',
  };
}

/** Internal storage. Slots [0, staticCount) are in `tree`; slots [staticCount, used) are the delta. */
export class CameraStore {
  /** slot → camera; undefined = tombstone (removed, or moved to a newer slot). */
  cams: Array<GisCamera | undefined> = [];
  lngs: Float64Array = new Float64Array(0);
  lats: Float64Array = new Float64Array(0);
  slotOf = new IdSlots();
  /** Unit vectors of the tree's points in kd order (x, y, z interleaved): chord distances without trig. */
  vecs: Float64Array = new Float64Array(0);
  tree: KDBush | null = null;
  staticCount = 0;
  used = 0;
  /** Largest explicit rangeM ever stored since the last build (never shrinks until compact). */
  maxRangeM = 0;
  version = 0;

  constructor(private readonly nodeSize: number) {}

  get size(): number {
    return this.slotOf.size;
  }

  /** Rebuilds everything from `cameras` (validated; a repeated id replaces the earlier record). */
  load(cameras: readonly GisCamera[]): void {
    const n = cameras.length;
    const cams: Array<GisCamera | undefined> = new Array(n);
    const lngs = new Float64Array(n), lats = new Float64Array(n);
    const slotOf = new IdSlots();
    let maxRange = 0;
    for (let i = 0; i < n; i++) {
      const c = checkCamera(cameras[i], `cameras[${i}]`);
      const prev = slotOf.get(c.id);
      if (prev !== undefined) cams[prev] = undefined;
      slotOf.set(c.id, i);
      cams[i] = c;
      lngs[i] = c.lng;
      lats[i] = c.lat;
      if (c.rangeM != null && c.rangeM > maxRange) maxRange = c.rangeM;
    }
    this.install(cams, lngs, lats, slotOf, n, maxRange);
  }

  /** Drops tombstones and folds the delta into a fresh kd-tree, then swaps it in. */
  compact(): void {
    const n = this.slotOf.size;
    const cams: Array<GisCamera | undefined> = new Array(n);
    const lngs = new Float64Array(n), lats = new Float64Array(n);
    const slotOf = new IdSlots();
    let j = 0, maxRange = 0;
    for (let s = 0; s < this.used; s++) {
      const c = this.cams[s];
      if (c === undefined) continue;
      cams[j] = c;
      lngs[j] = this.lngs[s] as number;
      lats[j] = this.lats[s] as number;
      slotOf.set(c.id, j);
      if (c.rangeM != null && c.rangeM > maxRange) maxRange = c.rangeM;
      j++;
    }
    this.install(cams, lngs, lats, slotOf, n, maxRange);
  }

  private install(
    cams: Array<GisCamera | undefined>, lngs: Float64Array, lats: Float64Array,
    slotOf: IdSlots, n: number, maxRange: number,
  ): void {
    let tree: KDBush | null = null;
    if (n > 0) {
      tree = new KDBush(n, this.nodeSize, Float64Array);
      for (let i = 0; i < n; i++) tree.add(lngs[i] as number, lats[i] as number);
      tree.finish();
      // Renumber slots into kd order: neighbours in space become neighbours in memory.
      const ids = tree.ids;
      const kc: Array<GisCamera | undefined> = new Array(n);
      const klng = new Float64Array(n), klat = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const old = ids[i] as number;
        const c = cams[old];
        klng[i] = lngs[old] as number;
        klat[i] = lats[old] as number;
        ids[i] = i;
        if (c === undefined) continue;
        kc[i] = normalize(c);
        slotOf.set(c.id, i);
      }
      cams = kc;
      lngs = klng;
      lats = klat;
    }
    const coords = tree ? tree.coords : new Float64Array(0);
    const vecs = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) unitVector(coords[2 * i] as number, coords[2 * i + 1] as number, vecs, 3 * i);
    this.vecs = vecs;
    this.cams = cams;
    this.lngs = lngs;
    this.lats = lats;
    this.slotOf = slotOf;
    this.tree = tree;
    this.staticCount = n;
    this.used = n;
    this.maxRangeM = maxRange;
  }

  /** Inserts or replaces; a camera that moved gets a new delta slot and leaves a tombstone. */
  upsert(cam: GisCamera): void {
    const c = checkCamera(cam);
    const slot = this.slotOf.get(c.id);
    if (c.rangeM != null && c.rangeM > this.maxRangeM) this.maxRangeM = c.rangeM;
    this.version++;
    if (slot !== undefined && this.lngs[slot] === c.lng && this.lats[slot] === c.lat) {
      this.cams[slot] = normalize(c);
      return;
    }
    if (slot !== undefined) this.cams[slot] = undefined;
    const s = this.appendSlot();
    this.cams[s] = normalize(c);
    this.lngs[s] = c.lng;
    this.lats[s] = c.lat;
    this.slotOf.set(c.id, s);
  }

  /** Removes by id; false when unknown. */
  remove(id: CameraId): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.cams[slot] = undefined;
    this.slotOf.delete(id);
    this.version++;
    return true;
  }

  private appendSlot(): number {
    if (this.used === this.lngs.length) {
      const cap = Math.max(64, this.lngs.length * 2);
      const lngs = new Float64Array(cap), lats = new Float64Array(cap);
      lngs.set(this.lngs);
      lats.set(this.lats);
      this.lngs = lngs;
      this.lats = lats;
    }
    return this.used++;
  }

  /** Calls `fn(slot)` for every live-or-dead slot whose position is inside the box (no antimeridian crossing). */
  forEachInBox(w: number, s: number, e: number, n: number, fn: (slot: number) => void): void {
    if (this.tree) for (const slot of this.tree.range(w, s, e, n)) fn(slot);
    const lngs = this.lngs, lats = this.lats;
    for (let slot = this.staticCount; slot < this.used; slot++) {
      const x = lngs[slot] as number, y = lats[slot] as number;
      if (x >= w && x <= e && y >= s && y <= n) fn(slot);
    }
  }
}
