// The in-memory camera directory: the GIS index built from the database at start and kept current on change.
import { CameraIndex, type GisCamera, type IndexBuild } from '../../gis/index';
import type { PolicyCamera } from '../auth/policy';
import type { CameraRecord } from '../db/cameras-repo';
import type { CameraChange } from '../cameras/camera-service';

/** A camera as the index holds it (GisCamera plus the name, for result lists). */
export interface IndexedCamera extends GisCamera {
  id: string;
  departmentId: number;
  name: string;
}

export type GisRowSource = () => AsyncIterable<
  Array<{
    id: string;
    name: string;
    lng: number;
    lat: number;
    bearing: number | null;
    fov: number | null;
    rangeM: number | null;
    status: string;
    departmentId: number;
    tags: string[];
    gridId: number | null;
  }>
>;

export const toIndexed = (
  c: Omit<
    Pick<CameraRecord, 'id' | 'name' | 'lng' | 'lat' | 'bearing' | 'fov' | 'rangeM' | 'departmentId' | 'tags'>,
    never
  > & { status: string; gridId?: number | null },
): IndexedCamera => ({
  id: c.id,
  name: c.name,
  lng: c.lng,
  lat: c.lat,
  bearing: c.bearing,
  fovDeg: c.fov,
  rangeM: c.rangeM,
  status: c.status,
  departmentId: c.departmentId,
  tags: c.tags,
  gridId: c.gridId ?? null,
});

export class CameraDirectory {
  readonly index: CameraIndex;
  private version = 0;
  /** The compaction in progress, stepped between other work, or null. */
  private compaction: IndexBuild | null = null;
  /** Steps of the last load and the last compaction (each step a few ms; reported by the status API and tests). */
  readonly lastSteps = { load: 0, compact: 0 };
  /** Changes seen while start() reads the database, replayed onto what it loaded (null = not loading). */
  private duringLoad: Array<(index: CameraIndex) => void> | null = null;
  /** The load in progress: a second start() waits for it, then reads afresh. */
  private loading: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly rows: GisRowSource,
    private readonly opts: { defaultRangeM: number; maxDelta?: number; onError?: (what: string, err: unknown) => void },
  ) {
    this.index = new CameraIndex({
      defaultRangeM: opts.defaultRangeM,
      ...(opts.maxDelta !== undefined ? { maxDelta: opts.maxDelta } : {}),
    });
  }

  /**
   * Loads every camera (1M cameras: a few seconds, mostly the database read; the index is built in
   * steps of a few ms). Queries keep being answered from the old content meanwhile, and changes
   * arriving during the read are applied to it and then replayed onto the loaded content, so none
   * is lost to a read that began before it. Overlapping calls run one after the other, so an older
   * read never lands last.
   */
  start(): Promise<void> {
    const run = this.loading.catch(() => undefined).then(() => this.load());
    this.loading = run;
    return run;
  }

  private async load(): Promise<void> {
    const replay: Array<(index: CameraIndex) => void> = [];
    this.duringLoad = replay;
    try {
      const all: IndexedCamera[] = [];
      for await (const batch of this.rows()) for (const r of batch) all.push(toIndexed({ ...r }));
      const build = this.index.loadInSlices(all);
      this.lastSteps.load = await stepThrough(build);
      if (build.status !== 'landed') throw new Error(`camera index load ${build.status}`);
      for (const change of replay) change(this.index);
    } finally {
      this.duringLoad = null;
    }
    this.bump();
  }

  /** Applies `change` now and, while start() is reading, again after it loads. */
  private change(change: (index: CameraIndex) => void): void {
    change(this.index);
    this.duringLoad?.push(change);
    this.bump();
    this.maybeCompact();
  }

  /** Called on every change (cluster caches key on it). */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  get changeVersion(): number {
    return this.version;
  }

  private bump(): void {
    this.version++;
    for (const l of this.listeners) l();
  }

  apply(change: CameraChange): void {
    if (change.kind === 'upsert') {
      const cam = toIndexed(change.camera);
      this.change((index) => index.upsert(cam));
    } else {
      const id = change.id;
      this.change((index) => void index.remove(id));
    }
  }

  /**
   * After the grid layer changed: the grids cameras were assigned to (CamerasRepo.assignGrids), each
   * applied where the camera is still at the position it was assigned from (one moved since was
   * assigned by its own write).
   */
  setGrids(moves: ReadonlyArray<{ id: string; grid: number | null; lng: number; lat: number }>): void {
    for (const m of moves) {
      const cam = this.index.get(m.id) as IndexedCamera | undefined;
      if (!cam || cam.lng !== m.lng || cam.lat !== m.lat || (cam.gridId ?? null) === m.grid) continue;
      const moved = { ...cam, gridId: m.grid };
      this.change((index) => index.upsert(moved));
    }
  }

  /** Health states change often: only the status of the indexed camera moves. */
  setStatus(id: string, status: string): void {
    const cam = this.index.get(id) as IndexedCamera | undefined;
    if (!cam || cam.status === status) return;
    this.change((index) => {
      const now = index.get(id);
      if (now) index.upsert({ ...now, status });
    });
  }

  lookup(id: string): (PolicyCamera & IndexedCamera) | undefined {
    return this.index.get(id) as (PolicyCamera & IndexedCamera) | undefined;
  }

  /** True while a compaction is under way. */
  get compacting(): boolean {
    return this.compaction !== null;
  }

  /**
   * Once enough changes piled up, rebuilds the packed index a step at a time between other work
   * (1M cameras: ~150 steps of a few ms). Changes made meanwhile are replayed onto it by the index.
   */
  private maybeCompact(): void {
    if (this.compaction !== null || !this.index.needsCompact) return;
    const build = this.index.compactInSlices();
    this.compaction = build;
    void stepThrough(build)
      .then(
        (steps) => {
          this.lastSteps.compact = steps;
        },
        (err: unknown) => {
          // the index keeps its current content; the next change past the threshold tries again
          (this.opts.onError ?? ((what, e) => console.error(what, e)))('camera index compaction failed', err);
        },
      )
      .finally(() => {
        if (this.compaction === build) this.compaction = null;
      });
  }
}

/** Runs a stepped index build to its end, yielding to the event loop after every step; resolves to the step count. */
async function stepThrough(build: IndexBuild): Promise<number> {
  while (!build.step()) await new Promise<void>((resolve) => setImmediate(resolve));
  return build.steps;
}
