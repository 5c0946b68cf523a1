// Slot storage behind CameraIndex: static slots in cell-grid order, plus an append-only delta with tombstones.
import { SLICE, type CellGrid } from './cell-grid';
import { checkCamera, checkCameraAt, normalize } from './camera-record';
import { IdSlots } from './id-slots';
import { copyLive, unitVector, type Packed } from './packed-columns';
import { TagLists } from './tag-lists';
import { packSteps } from './pack-steps';
import type { CameraId, GisCamera } from './types';

export { checkCamera } from './camera-record';
export { unitVector, type Packed };

/** Internal storage. Slots [0, staticCount) are in `grid`; slots [staticCount, used) are the delta. */
export class CameraStore {
  /** slot → camera; undefined = tombstone (removed, or moved to a newer slot). */
  cams: Array<GisCamera | undefined> = [];
  lngs: Float64Array = new Float64Array(0);
  lats: Float64Array = new Float64Array(0);
  slotOf = new IdSlots();
  /**
   * Department code of every slot (see departmentCode); 0 = tombstone. A department filter reads
   * this dense column and touches a camera's record only when its department can pass.
   */
  depts: Int32Array = new Int32Array(0);
  /** Unit vectors of every slot (x, y, z interleaved): chord distances without trig. */
  vecs: Float64Array = new Float64Array(0);
  /** Cell grid over the static slots, which are stored in its cell order. */
  grid: CellGrid | null = null;
  staticCount = 0;
  used = 0;
  /** Largest explicit rangeM ever stored since the last build (never shrinks until compact). */
  maxRangeM = 0;
  version = 0;
  /** Increments whenever slots are renumbered (install): a walk over slots in slices starts over. */
  layout = 0;
  /** Dead slots in the packed grid (removed, or moved into the delta) since the last build. */
  tombstones = 0;
  /** Interned tag lists of every record stored (kept across rebuilds: a city has few distinct lists). */
  private readonly tagLists = new TagLists();
  /** Department id → code (1, 2, …), never forgotten: a city has a few dozen departments. */
  private readonly deptCodes = new Map<CameraId, number>();

  /** `perCell`: average cameras per grid cell. */
  constructor(private readonly perCell: number) {}

  get size(): number {
    return this.slotOf.size;
  }

  /** The code of a department in `depts` (assigned on first sight). */
  departmentCode(id: CameraId): number {
    let code = this.deptCodes.get(id);
    if (code === undefined) this.deptCodes.set(id, (code = this.deptCodes.size + 1));
    return code;
  }

  /**
   * A mask over department codes: mask[depts[slot]] === 1 exactly when the slot is live and its
   * department is one of `ids`. Valid until the next change of content.
   */
  departmentMask(ids: readonly CameraId[]): Uint8Array {
    const mask = new Uint8Array(this.deptCodes.size + 1);
    for (const id of ids) {
      const code = this.deptCodes.get(id);
      if (code !== undefined) mask[code] = 1;
    }
    return mask;
  }

  /**
   * Builds a fresh packed content from `cameras` (validated; a repeated id replaces the earlier
   * record), yielding every SLICE cameras; `install()` swaps the result in. Reads nothing of the
   * current content, so changes may go on while it runs.
   */
  *loadSteps(cameras: readonly GisCamera[]): Generator<void, Packed> {
    const n = cameras.length;
    const cams: Array<GisCamera | undefined> = new Array(n);
    yield; // see compactSteps
    const tags: string[][] = new Array(n);
    yield;
    const lngs = new Float64Array(n),
      lats = new Float64Array(n),
      depts = new Int32Array(n);
    const slotOf = new IdSlots();
    let maxRange = 0;
    // Input order: every record is read once, sequentially (tags interned here, not after the shuffle).
    for (let i0 = 0; i0 < n; i0 += SLICE) {
      maxRange = Math.max(
        maxRange,
        this.readSlice(cameras, i0, Math.min(n, i0 + SLICE), cams, tags, lngs, lats, depts, slotOf),
      );
      yield;
    }
    return yield* packSteps(this.perCell, cams, tags, lngs, lats, depts, slotOf, n, maxRange);
  }

  // The loops of a build run in plain functions, one call per slice, not in the generators' bodies:
  // V8 optimizes a generator's own loop less well (measured: the index build ~25 % slower).

  /** Reads cameras[i0, i1) into slots i0.. (see loadSteps); returns their largest rangeM. */
  private readSlice(
    cameras: readonly GisCamera[],
    i0: number,
    i1: number,
    cams: Array<GisCamera | undefined>,
    tags: string[][],
    lngs: Float64Array,
    lats: Float64Array,
    depts: Int32Array,
    slotOf: IdSlots,
  ): number {
    let maxRange = 0;
    for (let i = i0; i < i1; i++) {
      const c = checkCameraAt(cameras, i);
      const prev = slotOf.get(c.id);
      if (prev !== undefined) {
        cams[prev] = undefined;
        depts[prev] = 0;
      }
      slotOf.set(c.id, i);
      depts[i] = this.departmentCode(c.departmentId);
      cams[i] = c;
      tags[i] = this.tagLists.intern(c.tags);
      lngs[i] = c.lng;
      lats[i] = c.lat;
      if (c.rangeM != null && c.rangeM > maxRange) maxRange = c.rangeM;
    }
    return maxRange;
  }

  /**
   * Builds the live cameras of the current content, without tombstones and with the delta folded
   * into the grid, yielding every SLICE slots. Changes made while it runs may or may not be in the
   * result: the caller replays them after `install()` (see CameraIndex.compactInSlices).
   */
  *compactSteps(): Generator<void, Packed> {
    // Slots below `used` keep their position for good; a later change only kills or rewrites one.
    const used = this.used,
      src = this.cams,
      srcLngs = this.lngs,
      srcLats = this.lats,
      srcDepts = this.depts;
    const n = this.slotOf.size;
    // A JS array of a million slots takes 5-8 ms to allocate: one per step. (Typed arrays are
    // zeroed lazily, page by page, as the slices first write them.)
    const cams: Array<GisCamera | undefined> = new Array(n);
    yield;
    const lngs = new Float64Array(n),
      lats = new Float64Array(n),
      depts = new Int32Array(n);
    const slotOf = new IdSlots();
    const out = { j: 0, maxRange: 0 };
    for (let s0 = 0; s0 < used; s0 += SLICE) {
      copyLive(
        src,
        srcLngs,
        srcLats,
        srcDepts,
        s0,
        Math.min(used, s0 + SLICE),
        n,
        cams,
        lngs,
        lats,
        depts,
        slotOf,
        out,
      );
      yield;
    }
    return yield* packSteps(this.perCell, cams, null, lngs, lats, depts, slotOf, out.j, out.maxRange);
  }

  /** Swaps in a content built by loadSteps or compactSteps (its delta and tombstones empty). */
  install(p: Packed): void {
    this.cams = p.cams;
    this.lngs = p.lngs;
    this.lats = p.lats;
    this.depts = p.depts;
    this.vecs = p.vecs;
    this.slotOf = p.slotOf;
    this.grid = p.grid;
    this.staticCount = p.n;
    this.used = p.n;
    this.maxRangeM = p.maxRange;
    this.tombstones = 0;
    this.layout++;
  }

  /** Inserts or replaces; a camera that moved gets a new delta slot and leaves a tombstone. */
  upsert(cam: GisCamera): void {
    const c = checkCamera(cam);
    const slot = this.slotOf.get(c.id);
    if (c.rangeM != null && c.rangeM > this.maxRangeM) this.maxRangeM = c.rangeM;
    this.version++;
    const dept = this.departmentCode(c.departmentId);
    if (slot !== undefined && this.lngs[slot] === c.lng && this.lats[slot] === c.lat) {
      this.cams[slot] = normalize(c, this.tagLists.intern(c.tags));
      this.depts[slot] = dept;
      return;
    }
    if (slot !== undefined) this.kill(slot);
    const s = this.appendSlot(c.lng, c.lat);
    this.cams[s] = normalize(c, this.tagLists.intern(c.tags));
    this.depts[s] = dept;
    this.slotOf.set(c.id, s);
  }

  /** Removes by id; false when unknown. */
  remove(id: CameraId): boolean {
    const slot = this.slotOf.get(id);
    if (slot === undefined) return false;
    this.kill(slot);
    this.slotOf.delete(id);
    this.version++;
    return true;
  }

  /** Makes `slot` a tombstone. */
  private kill(slot: number): void {
    if (slot < this.staticCount && this.cams[slot] !== undefined) this.tombstones++;
    this.cams[slot] = undefined;
    this.depts[slot] = 0;
  }

  /** A new delta slot at (lng, lat); storage grows by 1/8 (the delta stays small until compact). */
  private appendSlot(lng: number, lat: number): number {
    if (this.used === this.lngs.length) {
      const cap = this.used + Math.max(1024, this.used >> 3);
      const lngs = new Float64Array(cap),
        lats = new Float64Array(cap),
        vecs = new Float64Array(cap * 3);
      const depts = new Int32Array(cap);
      lngs.set(this.lngs);
      lats.set(this.lats);
      vecs.set(this.vecs);
      depts.set(this.depts);
      this.lngs = lngs;
      this.lats = lats;
      this.vecs = vecs;
      this.depts = depts;
    }
    const s = this.used++;
    this.lngs[s] = lng;
    this.lats[s] = lat;
    unitVector(lng, lat, this.vecs, 3 * s);
    return s;
  }

  /** Calls `fn(slot)` for every live-or-dead slot whose position is inside the box (edges inclusive; no antimeridian crossing). */
  forEachInBox(w: number, s: number, e: number, n: number, fn: (slot: number) => void): void {
    const lngs = this.lngs,
      lats = this.lats,
      grid = this.grid;
    if (grid !== null && w <= grid.e && e >= grid.w && s <= grid.n && n >= grid.s) {
      const x0 = grid.col(w),
        x1 = grid.col(e),
        y1 = grid.row(n),
        nx = grid.nx,
        start = grid.start;
      // Row-major cells: the box's cells in one row are one slot range.
      for (let y = grid.row(s); y <= y1; y++) {
        const to = start[y * nx + x1 + 1] as number;
        for (let slot = start[y * nx + x0] as number; slot < to; slot++) {
          const x = lngs[slot] as number,
            yy = lats[slot] as number;
          if (x >= w && x <= e && yy >= s && yy <= n) fn(slot);
        }
      }
    }
    for (let slot = this.staticCount; slot < this.used; slot++) {
      const x = lngs[slot] as number,
        y = lats[slot] as number;
      if (x >= w && x <= e && y >= s && y <= n) fn(slot);
    }
  }
}
