// Map clusters per visibility signature, built on a worker thread and queried by message; stale sets served while they rebuild.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  PointCollector,
  checkViewport,
  pointBuffers,
  unpackMarkers,
  type Bbox,
  type CameraFilters,
  type CameraId,
  type CameraIndex,
  type CameraPredicate,
  type ClusterMarker,
  type PointMarker,
} from '../../gis/index';
import type { ClusterReply, ClusterRequest } from './cluster-worker';

export interface MapClustersOptions {
  /** Cluster radius in pixels (512-px tiles). */
  radius: number;
  /** Highest zoom that clusters. Default 17. */
  maxZoom?: number;
  /** Signatures kept (least recently used dropped). Default 32. */
  maxSignatures?: number;
  /** Points kept over all signatures (~80 bytes each in the worker). Default 8,000,000. */
  maxPoints?: number;
  /** A stale signature is rebuilt at most this often. Default 1000 ms. */
  minRebuildMs?: number;
  /** A worker call that takes longer ends the worker (a new one starts on the next call). Default 120,000 ms. */
  timeoutMs?: number;
  onError?: (what: string, err: unknown) => void;
}

export interface ClusterAnswer {
  markers: Array<ClusterMarker | (PointMarker & { id: CameraId })>;
  /** Index version the set was gathered at. */
  version: number;
  /** True while an older set is served because the index changed since (a rebuild is under way). */
  stale: boolean;
}

interface Entry {
  key: number;
  version: number;
  ids: CameraId[];
  builtAt: number;
}

interface Call {
  resolve: (r: ClusterReply & { ok: true }) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** Creates the worker under the TypeScript loader the gateway itself runs under (tsx). */
function spawn(): Worker {
  // Under mocha this module is loaded as CommonJS, where import.meta.resolve is missing and the
  // require path of tsx's API is its CommonJS build (which cannot register from a worker): take the ESM file.
  const api =
    typeof import.meta.resolve === 'function'
      ? import.meta.resolve('tsx/esm/api')
      : pathToFileURL(
          createRequire(import.meta.url)
            .resolve('tsx/esm/api')
            .replace(/\.cjs$/, '.mjs'),
        ).href;
  const entry = new URL('./cluster-worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, name: 'cloudeye-clusters' });
}

/**
 * The clustering worker went away (crashed, stuck and ended, or its set was dropped) under a call:
 * worth one retry here; a query that fails twice ends as a 503 (a new worker is starting).
 */
export class ClusterWorkerLostError extends Error {
  override name = 'ClusterWorkerLostError';
}

const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The gateway's map clusters. The visible set of a signature is gathered from the index on the
 * event loop a slice at a time (PointCollector); the clustering itself, seconds for a million
 * cameras, runs on a worker thread, and each viewport query is a message round-trip. The first
 * query of a signature waits for its build without holding the event loop; when the index moves
 * on, later queries get the previous set (`stale`) while it is rebuilt, at most every minRebuildMs.
 */
export class MapClusters {
  private worker: Worker | null = null;
  private readonly entries = new Map<string, Entry>();
  private readonly building = new Map<string, Promise<Entry>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly calls = new Map<number, Call>();
  private nextId = 0;
  private closed = false;
  /** Builds finished, the last build's time in the worker, and the thread that ran it (tests, status). */
  readonly stats = { builds: 0, lastBuildMs: 0, buildThreadId: -1, workerStarts: 0 };

  constructor(
    private readonly index: CameraIndex,
    private readonly opts: MapClustersOptions,
  ) {}

  /** Markers of the signature's visible set inside the viewport; validates bbox and zoom first (GisInputError). */
  async query(
    signature: string,
    predicate: CameraPredicate,
    filters: CameraFilters,
    bbox: Bbox,
    zoom: number,
  ): Promise<ClusterAnswer> {
    const box = checkViewport(bbox, zoom);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.answer(signature, predicate, filters, box, zoom);
      } catch (err) {
        if (attempt > 0 || !(err instanceof ClusterWorkerLostError)) throw err;
      }
    }
  }

  private async answer(
    signature: string,
    predicate: CameraPredicate,
    filters: CameraFilters,
    box: Bbox,
    zoom: number,
  ): Promise<ClusterAnswer> {
    let entry = this.entries.get(signature);
    if (entry === undefined) entry = await this.build(signature, predicate, filters);
    else {
      this.entries.delete(signature); // most recently used last
      this.entries.set(signature, entry);
      if (entry.version !== this.index.version) this.refresh(signature, predicate, filters, entry);
    }
    const reply = await this.call({ op: 'query', id: 0, key: entry.key, bbox: box, zoom });
    const ids = entry.ids;
    const markers = reply.markers
      ? unpackMarkers(reply.markers).map((m) => (m.cluster ? m : { ...m, id: ids[m.point] as CameraId }))
      : [];
    return { markers, version: entry.version, stale: entry.version !== this.index.version };
  }

  /** Ends the worker and every timer; later queries fail. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const w = this.worker;
    this.worker = null;
    this.failCalls('map clusters: closed');
    if (w) await w.terminate();
  }

  /** Fails every call in flight (their worker is gone). */
  private failCalls(why: string): void {
    for (const [id, call] of this.calls) {
      clearTimeout(call.timer);
      call.reject(new ClusterWorkerLostError(why));
      this.calls.delete(id);
    }
  }

  /** Ends the worker as a crash would (tests): pending calls fail, the next query starts a new one and rebuilds. */
  async killWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Gathers and builds a signature's set (one build per signature at a time). */
  private build(signature: string, predicate: CameraPredicate, filters: CameraFilters): Promise<Entry> {
    let run = this.building.get(signature);
    if (run === undefined) {
      run = this.gatherAndBuild(signature, predicate, filters).finally(() => this.building.delete(signature));
      this.building.set(signature, run);
    }
    return run;
  }

  private async gatherAndBuild(signature: string, predicate: CameraPredicate, filters: CameraFilters): Promise<Entry> {
    const collector = new PointCollector(this.index, predicate, filters);
    while (!collector.step()) await nextTick();
    const { points, ids } = collector.result();
    const key = ++this.nextId;
    const options = { radius: this.opts.radius, maxZoom: this.opts.maxZoom ?? 17 };
    const reply = await this.call({ op: 'build', id: 0, key, points, options }, pointBuffers(points));
    this.stats.builds++;
    this.stats.lastBuildMs = reply.buildMs ?? 0;
    this.stats.buildThreadId = reply.threadId;
    const entry: Entry = { key, version: collector.version, ids, builtAt: Date.now() };
    const old = this.entries.get(signature);
    if (old) this.drop(old);
    this.entries.delete(signature);
    this.entries.set(signature, entry);
    this.evict();
    return entry;
  }

  /** Schedules a rebuild of a stale signature, no sooner than minRebuildMs after its last build. */
  private refresh(signature: string, predicate: CameraPredicate, filters: CameraFilters, entry: Entry): void {
    if (this.building.has(signature) || this.timers.has(signature) || this.closed) return;
    const wait = Math.max(0, entry.builtAt + (this.opts.minRebuildMs ?? 1000) - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(signature);
      if (this.entries.get(signature) !== entry) return; // evicted or rebuilt meanwhile
      this.build(signature, predicate, filters).catch((err: unknown) =>
        this.opts.onError?.(`map clusters: rebuild of a signature failed`, err),
      );
    }, wait);
    timer.unref();
    this.timers.set(signature, timer);
  }

  /** Drops least recently used signatures beyond maxSignatures or maxPoints (never the newest). */
  private evict(): void {
    const maxSig = this.opts.maxSignatures ?? 32,
      maxPoints = this.opts.maxPoints ?? 8_000_000;
    let points = 0;
    for (const e of this.entries.values()) points += e.ids.length;
    for (const [sig, e] of this.entries) {
      if (this.entries.size <= 1 || (this.entries.size <= maxSig && points <= maxPoints)) break;
      this.entries.delete(sig);
      points -= e.ids.length;
      this.drop(e);
    }
  }

  private drop(entry: Entry): void {
    this.worker?.postMessage({ op: 'drop', key: entry.key } satisfies ClusterRequest);
  }

  private ensureWorker(): Worker {
    if (this.closed) throw new Error('map clusters are closed');
    if (this.worker) return this.worker;
    const w = spawn();
    this.stats.workerStarts++;
    w.unref();
    w.on('message', (reply: ClusterReply) => {
      const call = this.calls.get(reply.id);
      if (!call) return;
      this.calls.delete(reply.id);
      clearTimeout(call.timer);
      if (reply.ok) call.resolve(reply);
      else
        call.reject(
          reply.gone
            ? new ClusterWorkerLostError(`map clusters: ${reply.error}`)
            : new Error(`map clusters: ${reply.error}`),
        );
    });
    w.on('error', (err) => {
      this.opts.onError?.('map clusters: worker failed', err);
      this.lost(w, `failed: ${err.message}`);
    });
    w.on('exit', (code) => this.lost(w, `exited with code ${code}`));
    this.worker = w;
    return w;
  }

  /** Lets go of worker `w` (gone, or being ended): its calls fail, and the next call starts a new one. */
  private lost(w: Worker, why: string): void {
    if (this.worker !== w) return;
    this.worker = null;
    // its sets are gone with it: every signature is built afresh by the next query
    this.entries.clear();
    this.failCalls(`map clusters: the worker ${why}`);
  }

  private call(
    req: ClusterRequest & { id: number },
    transfer: ArrayBuffer[] = [],
  ): Promise<ClusterReply & { ok: true }> {
    const w = this.ensureWorker();
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      const timeoutMs = this.opts.timeoutMs ?? 120_000;
      const timer = setTimeout(() => {
        this.calls.delete(id);
        reject(
          new ClusterWorkerLostError(
            `map clusters: the worker did not answer a ${req.op} within ${timeoutMs} ms; restarting it`,
          ),
        );
        // let go of it now, not at its 'exit': a retry made before that event would be posted to the
        // dying worker and fail with "exited" instead of running on a new one
        this.lost(w, 'was ended after a timeout');
        void w.terminate();
      }, timeoutMs);
      timer.unref();
      this.calls.set(id, { resolve, reject, timer });
      w.postMessage({ ...req, id }, transfer);
    });
  }
}
