// One supervised output: runs (ffmpeg, or the native RTSP pull) publishing fMP4 into a StreamHub, liveness watch, restarts with backoff.
import { backoffDelayMs } from '../backoff';
import { TranscoderStartError } from '../errors';
import { StreamHub } from '../fanout/stream-hub';
import type { SliceCodec } from '../fmp4/access-units';
import type { Fragment } from '../fmp4/types';
import type { TranscoderOptions } from '../options';
import { maskUrl, type StreamKey } from '../stream-spec';
import type { FfmpegWorker } from '../worker';
import { FfmpegRun, type RunCommand } from './ffmpeg-run';
import { LiveWaiters } from './live-waiters';
import type { OutputRun, RunSink } from './run';
import type { OutputHooks, StreamInfo, StreamState } from './types';

export type { RunCommand } from './ffmpeg-run';

/**
 * The supervision every output shares (a camera pull, a derived transcode): each run (an ffmpeg
 * whose stdout goes through a FragmentReader, or the native RTSP pull) publishes into `hub` (a new
 * run publishes a new init; its end ends the hub's run). 'live' at the run's first keyframe fragment; stall = no fragment for
 * stallTimeoutS (or no keyframe that long after spawn); a failed run is retried with backoff, and
 * failuresBeforeOffline of them in a row make the output `failing`. Internal to the supervisor.
 */
export abstract class SupervisedOutput {
  state: StreamState | null = null;
  lastTouch = performance.now();
  readonly hub: StreamHub;
  protected readonly waiters: LiveWaiters;
  protected failures = 0;
  protected generation = -1;
  protected run: OutputRun | null = null;
  protected lastReason = '';
  private failingSince: number | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private nextRetryAt = 0;
  private spawnedAt = 0;
  private liveSince = 0;
  private lastFragmentAt = 0;
  private runLive = false;
  private stallReason: string | null = null;
  private failReason: string | null = null;
  private switchReason: string | null = null;
  private closing: Promise<void> | null = null;
  private closeReason: string | null = null;
  /** Whether the source splits pictures (see fmp4/access-units.ts): null until a run has shown it, either way. */
  protected splitPictures: boolean | null = null;
  private holdingFirst = false;

  constructor(
    readonly key: StreamKey,
    readonly pullKey: StreamKey,
    readonly cameraId: string,
    readonly profile: 'main' | 'sub',
    protected readonly o: Required<TranscoderOptions>,
    protected readonly hooks: OutputHooks,
  ) {
    this.hub = new StreamHub(key, o.hub);
    this.waiters = new LiveWaiters(key);
  }

  /** True for the H.264 derived from a pull, false for the pull itself. */
  abstract readonly derived: boolean;
  /** True while this output's ffmpeg encodes (counts against maxTranscodes). */
  abstract get transcode(): boolean;
  /** Video codec of the source (normalized: h265, not hevc). */
  abstract get codec(): string;

  /** What runs (or runs next): ffmpeg here; a camera pull may run natively. */
  get engine(): 'native' | 'ffmpeg' {
    return 'ffmpeg';
  }
  /** The command of the next ffmpeg run; throws (TranscoderInputError) when none can be built. */
  protected abstract command(): RunCommand;
  /** Codec whose split pictures the reader rejoins (copied video), or null (ffmpeg's own encoder output). */
  protected abstract sliceCodec(): SliceCodec | null;
  /** An ffmpeg run's worker was spawned: subclasses read its report or feed its stdin. */
  protected abstract spawned(w: FfmpegWorker): void;

  get isClosing(): boolean {
    return this.closing !== null;
  }

  get isFailing(): boolean {
    return this.failingSince !== null;
  }

  /** True while someone needs this output: an acquire() waits, a viewer (sink) or a keepAlive tap is attached. */
  get busy(): boolean {
    return this.waiters.size > 0 || this.hub.sinkCount > 0 || this.hub.keepAliveTaps > 0;
  }

  /** Begins the first run. Failures surface as state events. */
  start(): void {
    this.spawnRun();
  }

  touch(): void {
    this.lastTouch = performance.now();
  }

  /** Resolves when live; rejects with TranscoderStartError when the awaited runs fail or the output is failing. */
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
    return this.waiters.add();
  }

  /** Periodic check (supervisor tick): stall before the first keyframe or between fragments, failure-count reset. */
  tick(now: number): void {
    if (this.closing || !this.run || this.stallReason) return;
    const stallMs = this.o.stallTimeoutS * 1000;
    if (!this.runLive) {
      if (now - this.spawnedAt > stallMs) this.stall(`no keyframe fragment within ${this.o.stallTimeoutS} s`);
      return;
    }
    if (this.failures > 0 && now - this.liveSince > stallMs) this.failures = 0;
    if (now - this.lastFragmentAt > stallMs) this.stall(`no new fragment for ${this.o.stallTimeoutS} s`);
  }

  info(now = performance.now()): StreamInfo {
    return {
      key: this.key,
      pullKey: this.pullKey,
      derived: this.derived,
      cameraId: this.cameraId,
      profile: this.profile,
      state: this.state ?? 'starting',
      pid: this.run?.pid ?? null,
      engine: this.engine,
      runs: this.generation + 1,
      failures: this.failures,
      failing: this.failingSince !== null,
      transcode: this.transcode,
      codec: this.codec,
      outputCodec: this.hub.init?.videoCodec ?? null,
      idleMs: Math.round(now - this.lastTouch),
      sinks: this.hub.sinkCount,
    };
  }

  /** Stops for good: cancels any retry, stops the worker (SIGINT, SIGKILL after killGraceMs), closes the hub. Idempotent. */
  close(reason: string): Promise<void> {
    if (this.closing) return this.closing;
    this.closeReason = reason;
    this.closing = (async () => {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = null;
      this.waiters.reject(`transcoder: stream ${this.key} stopped (${reason})`, 1);
      this.closed();
      const r = this.run;
      if (r) await r.stop(this.o.killGraceMs);
      this.run = null;
      this.hub.close(reason);
      this.setState('stopped', reason);
    })();
    return this.closing;
  }

  /** Hook: the output is being closed (before its worker is stopped). */
  protected closed(): void {}

  /** Hook: a run failed (`beforeLive`: before its first keyframe fragment). */
  protected runFailed(_beforeLive: boolean): void {}

  /** True when a run may start now (a derived output waits for its source); false: `spawnRun` is called again later. */
  protected canSpawn(): boolean {
    return true;
  }

  /** Starts the next run unless closing or not possible yet. */
  protected spawnRun(): void {
    this.retryTimer = null;
    if (this.closing || this.run || !this.canSpawn()) return;
    this.generation += 1;
    const generation = this.generation;
    let run: OutputRun | null = null;
    const sink: RunSink = {
      init: (init) => this.run === run && this.hub.publishInit(init),
      fragment: (f, split) => this.run === run && this.onFragment(f, split),
      fail: (reason) => {
        if (this.run !== run || !run || this.failReason) return;
        this.failReason = reason;
        void run.kill();
      },
      log: (line) => this.hooks.log(this, line),
    };
    try {
      run = this.begin(generation, sink);
    } catch (err) {
      this.runEnded((err as Error).message, false);
      return;
    }
    const r = run;
    this.run = r;
    this.spawnedAt = performance.now();
    this.runLive = false;
    this.stallReason = null;
    this.failReason = null;
    this.switchReason = null;
    void r.exited.then((exitReason) => {
      if (this.run !== r) return;
      this.run = null;
      const reason = maskUrl(
        this.closeReason ?? this.switchReason ?? this.stallReason ?? this.failReason ?? exitReason,
      );
      this.hub.endRun(reason);
      if (this.closing) return;
      if (this.switchReason !== null) {
        this.setState('restarting', this.switchReason);
        this.spawnRun();
        return;
      }
      this.runEnded(reason, this.stallReason !== null);
    });
    this.setState('starting', generation === 0 ? 'first viewer' : `run ${generation + 1} after: ${this.lastReason}`);
  }

  /** Starts run `generation` delivering to `sink`: an ffmpeg by default; throws (TranscoderInputError) when none can be built. */
  protected begin(generation: number, sink: RunSink): OutputRun {
    const cmd = this.command();
    const slices = this.sliceCodec();
    // not known yet: the first keyframe waits one frame, so a split one is rejoined before anyone sees it
    this.holdingFirst = slices !== null && this.splitPictures === null;
    const r = new FfmpegRun(
      cmd,
      {
        generation,
        sliceCodec: slices,
        assumeSplitPictures: this.splitPictures === true,
        holdFirstFragment: this.holdingFirst,
      },
      sink,
    );
    this.spawned(r.worker);
    return r;
  }

  /** Ends the current run at once and starts the next without counting a failure (codec redo, source restarted). */
  protected redo(reason: string): void {
    const r = this.run;
    if (!r || this.switchReason !== null) return;
    this.switchReason = reason;
    void r.kill();
  }

  private onFragment(f: Omit<Fragment, 'seq'>, split: boolean): void {
    if (split && this.splitPictures !== true) {
      this.splitPictures = true;
      this.hooks.log(this, 'the camera splits pictures (parameter sets between slices): they are rejoined');
      this.hooks.split(this, true);
    } else if (!split && this.holdingFirst && f.keyframe && this.splitPictures === null) {
      // the held first keyframe was followed by a fragment that does not continue it
      this.splitPictures = false;
      this.hooks.split(this, false);
    }
    this.hub.publishFragment(f);
    this.lastFragmentAt = performance.now();
    if (!this.runLive && f.keyframe) this.goLive();
  }

  private goLive(): void {
    const now = performance.now();
    this.runLive = true;
    this.liveSince = now;
    const ms = Math.round(now - this.spawnedAt);
    this.setState('live', this.generation === 0 ? `first keyframe after ${ms} ms` : `recovered after ${ms} ms`);
    this.waiters.resolveAll();
    if (this.failingSince !== null) {
      const down = now - this.failingSince;
      this.failingSince = null;
      this.hooks.recovered(this, down);
    }
  }

  private stall(reason: string): void {
    const r = this.run;
    if (!r || this.stallReason) return;
    this.stallReason = reason;
    this.setState('stalled', reason);
    void r.kill();
  }

  /** A run is over (exit, stall, garbled output or no command): count it, report, schedule the next one. */
  private runEnded(reason: string, wasStall: boolean): void {
    const wasStarting = !this.runLive;
    this.failures += 1;
    this.runFailed(wasStarting);
    this.lastReason = reason;
    if (!wasStall) this.setState('failed', reason);
    if (wasStarting) {
      this.waiters.runFailed(reason);
    }
    this.runLive = false;
    const delay = backoffDelayMs(this.failures, this.o);
    if (this.failures >= this.o.failuresBeforeOffline && this.failingSince === null) {
      this.failingSince = performance.now();
      this.hooks.failing(this, reason, delay);
      this.waiters.reject(`transcoder: camera ${this.key} is failing: ${reason}`, Math.ceil(delay / 1000));
    }
    this.nextRetryAt = performance.now() + delay;
    this.setState('restarting', `attempt ${this.failures + 1} in ${delay} ms`);
    this.retryTimer = setTimeout(() => this.spawnRun(), delay);
  }

  protected setState(state: StreamState, reason: string): void {
    const previous = this.state;
    this.state = state;
    this.hooks.state(this, state, previous, reason);
  }
}
