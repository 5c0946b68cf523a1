// One supervised stream (camera, profile): its ffmpeg runs, liveness watch, restarts with backoff.
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { backoffDelayMs } from './backoff';
import { TranscoderStartError } from './errors';
import {
  buildFfmpegArgs,
  buildSpawnCommand,
  FFMPEG_PLAYLIST_NAME,
  initName,
  PLAYLIST_NAME,
  type FfmpegCommand,
} from './ffmpeg-args';
import { sliceCodec } from './fmp4/access-units';
import { readPlaylist, removeOldRunFiles, segmentNumber } from './hls-files';
import type { TranscoderOptions } from './options';
import { maskUrl, needsTranscode, type StreamKey, type StreamSpec } from './stream-spec';
import { SegmentPublisher } from './segment-publisher';
import { FfmpegWorker } from './worker';
import { InputReportReader, normalizeCodec } from './input-report';

/**
 * State of a stream. starting: a worker runs, no segment yet · live: segments flowing ·
 * stalled: no new segment in time, the worker is being killed · failed: an attempt ended (exit
 * or spawn error) · restarting: waiting out the backoff before the next attempt · stopped: final.
 */
export type StreamState = 'starting' | 'live' | 'stalled' | 'restarting' | 'stopped' | 'failed';

/** Callbacks through which a stream reports to its supervisor. */
export interface StreamHooks {
  state(s: Stream, state: StreamState, previous: StreamState | null, reason: string): void;
  failing(s: Stream, reason: string, retryInMs: number): void;
  recovered(s: Stream, downForMs: number): void;
  log(s: Stream, line: string): void;
  /** ffmpeg reported a video codec other than the registered one; `restart`: the run is redone to copy/transcode. */
  codec(s: Stream, registered: string, actual: string, restart: boolean): void;
}

/** A snapshot of a stream for status pages and tests. */
export interface StreamInfo {
  key: StreamKey;
  cameraId: string;
  profile: StreamSpec['profile'];
  state: StreamState;
  /** Pid of the current ffmpeg, or null between runs. */
  pid: number | null;
  /** Runs started so far (1 = never restarted). */
  runs: number;
  /** Consecutive failed runs. */
  failures: number;
  failing: boolean;
  transcode: boolean;
  /** Video codec of the source: as registered until ffmpeg's input report names it (normalized: h265, not hevc). */
  codec: string;
  /** Milliseconds since the last touch. */
  idleMs: number;
  /** Absolute path of the stream's HLS directory. */
  dir: string;
}

type Waiter = { resolve: () => void; reject: (e: Error) => void; failedRuns: number };

/**
 * Runs an acquire() sits through before it is rejected: one quick retry absorbs a transient
 * refusal (measured: ~7 % of immediate reconnects to the simulated cameras time out once).
 */
export const RUNS_PER_ACQUIRE = 2;

/** Internal to the supervisor: not exported from the package. */
export class Stream {
  state: StreamState | null = null;
  lastTouch = performance.now();
  private failures = 0;
  private failingSince: number | null = null;
  private lastReason = '';
  private generation = -1;
  private worker: FfmpegWorker | null = null;
  private publisher: SegmentPublisher | null = null;
  private watcher: FSWatcher | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private nextRetryAt = 0;
  private spawnedAt = 0;
  private liveSince = 0;
  private lastSegmentAt = 0;
  private lastMtimeMs = -1;
  private runFirstSegment = 0;
  private stallReason: string | null = null;
  private codec: string;
  private switchReason: string | null = null;
  private checking = false;
  private recheck = false;
  private waiters = new Set<Waiter>();
  private closing: Promise<void> | null = null;

  constructor(
    readonly key: StreamKey,
    readonly spec: StreamSpec,
    readonly dir: string,
    private readonly o: Required<TranscoderOptions>,
    private readonly hooks: StreamHooks,
  ) {
    this.codec = normalizeCodec(spec.codec);
  }

  /** True while the video is transcoded (decided by the codec the camera really sends once known). */
  get transcode(): boolean {
    return needsTranscode({ codec: this.codec, passthroughH265: this.spec.passthroughH265 });
  }

  get isClosing(): boolean {
    return this.closing !== null;
  }

  /** Begins the first run: fresh directory, then spawn. Failures surface as state events. */
  start(): void {
    void (async () => {
      try {
        await rm(this.dir, { recursive: true, force: true });
        await mkdir(this.dir, { recursive: true });
      } catch (err) {
        this.runEnded(`cannot prepare ${this.dir}: ${(err as Error).message}`, false);
        return;
      }
      await this.spawnRun();
    })();
  }

  touch(): void {
    this.lastTouch = performance.now();
  }

  /** Resolves when live; rejects with TranscoderStartError when the awaited run fails or the camera is failing. */
  waitLive(): Promise<void> {
    if (this.state === 'live') return Promise.resolve();
    if (this.closing)
      return Promise.reject(new TranscoderStartError(`transcoder: stream ${this.key} is stopping`, this.key, 1));
    if (this.failingSince !== null) {
      const retryAfterS = Math.max(1, Math.ceil((this.nextRetryAt - performance.now()) / 1000));
      return Promise.reject(
        new TranscoderStartError(
          `transcoder: camera ${this.key} is failing (${this.lastReason}); next attempt in ${retryAfterS} s`,
          this.key,
          retryAfterS,
        ),
      );
    }
    return new Promise((resolve, reject) => this.waiters.add({ resolve, reject, failedRuns: 0 }));
  }

  /** Periodic check (supervisor tick): first segment, stall, failure-count reset. */
  tick(now: number): void {
    if (this.closing || !this.worker || this.stallReason) return;
    void this.publisher?.sync();
    const stallMs = this.o.stallTimeoutS * 1000;
    if (this.state === 'starting') {
      if (now - this.spawnedAt > stallMs) this.stall(`no first segment within ${this.o.stallTimeoutS} s`);
      else this.scheduleFirstSegmentCheck();
      return;
    }
    if (this.state !== 'live') return;
    if (this.failures > 0 && now - this.liveSince > stallMs) this.failures = 0;
    void this.checkPlaylistMtime(now);
  }

  info(now = performance.now()): StreamInfo {
    return {
      key: this.key,
      cameraId: this.spec.cameraId,
      profile: this.spec.profile,
      state: this.state ?? 'starting',
      pid: this.worker?.pid ?? null,
      runs: this.generation + 1,
      failures: this.failures,
      failing: this.failingSince !== null,
      transcode: this.transcode,
      codec: this.codec,
      idleMs: Math.round(now - this.lastTouch),
      dir: this.dir,
    };
  }

  /** True while some acquire() waits for this stream to go live (an active viewer, never idle). */
  get hasWaiters(): boolean {
    return this.waiters.size > 0;
  }

  get isFailing(): boolean {
    return this.failingSince !== null;
  }

  /** Stops for good: cancels any retry, stops the worker (SIGINT, SIGKILL after killGraceMs), removes the directory. Idempotent. */
  close(reason: string): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.closeWatcher();
      this.rejectWaiters(`transcoder: stream ${this.key} stopped (${reason})`, 1);
      const w = this.worker;
      if (w) await w.stop(this.o.killGraceMs);
      this.worker = null;
      await rm(this.dir, { recursive: true, force: true }).catch(() => undefined);
      this.setState('stopped', reason);
    })();
    return this.closing;
  }

  private async spawnRun(): Promise<void> {
    this.retryTimer = null;
    if (this.closing) return;
    this.generation += 1;
    this.runFirstSegment = await this.nextSegmentNumber();
    if (this.closing) return;
    let command: FfmpegCommand;
    try {
      command = buildFfmpegArgs({ ...this.spec, codec: this.codec }, this.o, this.dir, {
        generation: this.generation,
        startNumber: this.runFirstSegment,
      });
    } catch (err) {
      this.runEnded((err as Error).message, false);
      return;
    }
    const cmd = buildSpawnCommand(this.o.ffmpegPath, this.o.setprivPath, command.args);
    const w = new FfmpegWorker(cmd.file, cmd.args, command.sourceScript);
    this.worker = w;
    this.spawnedAt = performance.now();
    this.stallReason = null;
    this.switchReason = null;
    this.lastMtimeMs = -1;
    w.on('stderr', (line) => this.hooks.log(this, line));
    const report = new InputReportReader();
    w.on('info', (line) => {
      const actual = report.push(line);
      if (actual !== null && this.worker === w) this.checkCodec(actual, w);
    });
    let reported = false;
    const pub = new SegmentPublisher(this.dir, this.transcode ? null : sliceCodec(this.codec), (seg, n) => {
      if (reported) return;
      reported = true;
      this.hooks.log(
        this,
        `the camera splits pictures (parameter sets between slices): ${n} rejoined in ${seg}, more are not reported`,
      );
    });
    this.publisher = pub;
    void w.exited.then((exit) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.closeWatcher();
      if (this.closing) return;
      if (this.switchReason !== null) {
        this.setState('restarting', this.switchReason);
        void this.spawnRun();
        return;
      }
      const stalled = this.stallReason;
      this.runEnded(stalled ?? exit.reason, stalled !== null);
    });
    this.setState(
      'starting',
      this.generation === 0 ? 'first viewer' : `run ${this.generation + 1} after: ${this.lastReason}`,
    );
    try {
      // for the whole run: each playlist ffmpeg writes is repaired and published at once
      this.watcher = watch(this.dir, (_event, name) => {
        if (name === null || name === FFMPEG_PLAYLIST_NAME)
          void pub.sync().then(() => this.scheduleFirstSegmentCheck());
      });
      this.watcher.on('error', () => this.closeWatcher());
    } catch {
      // the tick polls instead
    }
    this.scheduleFirstSegmentCheck();
  }

  /**
   * The codec rules applied to what the camera sends: a device may serve H.265 at the address of
   * a profile registered as H.264 (one address for both profiles). When the decision (copy or
   * transcode, and the copied codec's tag) changes, this run is killed before its first segment is
   * served and redone at once; that run does not count as a failure.
   */
  private checkCodec(actual: string, w: FfmpegWorker): void {
    if (actual === this.codec) return;
    const registered = this.codec;
    const wasTranscode = this.transcode;
    this.codec = actual;
    const restart = !wasTranscode || !this.transcode;
    this.hooks.codec(this, registered, actual, restart);
    if (!restart) return;
    this.switchReason = `the camera sends ${actual}, registered as ${registered}: redone as ${this.transcode ? 'transcode to h264' : `copy of ${actual}`}`;
    void w.kill();
  }

  private async nextSegmentNumber(): Promise<number> {
    try {
      let max = -1;
      for (const n of await readdir(this.dir)) max = Math.max(max, segmentNumber(n) ?? -1);
      return max + 1;
    } catch {
      return 0;
    }
  }

  private scheduleFirstSegmentCheck(): void {
    if (this.state !== 'starting' || this.closing) return;
    if (this.checking) {
      this.recheck = true;
      return;
    }
    this.checking = true;
    void (async () => {
      try {
        do {
          this.recheck = false;
          const w = this.worker;
          const info = await readPlaylist(this.dir);
          // the playlist of an earlier run names an older init file: not ours
          if (
            info &&
            info.initUri === initName(this.generation) &&
            w === this.worker &&
            this.state === 'starting' &&
            !this.closing
          ) {
            this.goLive();
            return;
          }
        } while (this.recheck);
      } finally {
        this.checking = false;
      }
    })();
  }

  private goLive(): void {
    const now = performance.now();
    this.liveSince = now;
    this.lastSegmentAt = now;
    this.setState(
      'live',
      this.generation === 0
        ? `first segment after ${Math.round(now - this.spawnedAt)} ms`
        : `recovered after ${Math.round(now - this.spawnedAt)} ms`,
    );
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
    if (this.failingSince !== null) {
      const down = now - this.failingSince;
      this.failingSince = null;
      this.hooks.recovered(this, down);
    }
    if (this.generation > 0) void removeOldRunFiles(this.dir, initName(this.generation), this.runFirstSegment);
  }

  private async checkPlaylistMtime(now: number): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const st = await stat(path.join(this.dir, PLAYLIST_NAME)).catch(() => null);
      if (st && st.mtimeMs !== this.lastMtimeMs) {
        if (this.lastMtimeMs !== -1) this.lastSegmentAt = now;
        this.lastMtimeMs = st.mtimeMs;
      } else if (this.state === 'live' && !this.closing && now - this.lastSegmentAt > this.o.stallTimeoutS * 1000) {
        this.stall(`no new segment for ${this.o.stallTimeoutS} s`);
      }
    } finally {
      this.checking = false;
    }
  }

  private stall(reason: string): void {
    const w = this.worker;
    if (!w || this.stallReason) return;
    this.stallReason = reason;
    this.setState('stalled', reason);
    void w.kill();
  }

  /** A run is over (exit, stall or spawn error): count it, report, schedule the next one. */
  private runEnded(reason: string, wasStall: boolean): void {
    const wasStarting =
      this.state === 'starting' || this.state === null || (wasStall && this.liveSince < this.spawnedAt);
    this.failures += 1;
    this.lastReason = maskUrl(reason);
    if (!wasStall) this.setState('failed', this.lastReason);
    if (wasStarting) {
      for (const w of this.waiters) w.failedRuns += 1;
      this.rejectWaiters(`transcoder: stream ${this.key} failed to start: ${this.lastReason}`, null, RUNS_PER_ACQUIRE);
    }
    const delay = backoffDelayMs(this.failures, this.o);
    if (this.failures >= this.o.failuresBeforeOffline && this.failingSince === null) {
      this.failingSince = performance.now();
      this.hooks.failing(this, this.lastReason, delay);
      this.rejectWaiters(`transcoder: camera ${this.key} is failing: ${this.lastReason}`, Math.ceil(delay / 1000));
    }
    this.nextRetryAt = performance.now() + delay;
    this.setState('restarting', `attempt ${this.failures + 1} in ${delay} ms`);
    this.retryTimer = setTimeout(() => void this.spawnRun(), delay);
  }

  /** Rejects the waiters that sat through at least `minFailedRuns` failed runs (default: all). */
  private rejectWaiters(message: string, retryAfterS: number | null, minFailedRuns = 0): void {
    for (const w of this.waiters) {
      if (w.failedRuns < minFailedRuns) continue;
      w.reject(new TranscoderStartError(message, this.key, retryAfterS));
      this.waiters.delete(w);
    }
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  private setState(state: StreamState, reason: string): void {
    const previous = this.state;
    this.state = state;
    this.hooks.state(this, state, previous, reason);
  }
}
