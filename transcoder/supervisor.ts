// The supervisor: one shared ffmpeg per (camera, profile), started on demand, bounded, restarted, reaped.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TranscoderCapacityError, TranscoderGrabError, TranscoderStateError } from './errors';
import { PLAYLIST_NAME } from './ffmpeg-args';
import type { GrabSpec } from './frame-grab-args';
import { FrameGrabber } from './frame-grabber';
import { removeStaleStreamDirs, resolveStreamFile } from './hls-files';
import { resolveOptions, type TranscoderOptions } from './options';
import { Stream, type StreamInfo, type StreamState } from './stream';
import { needsTranscode, streamKey, validateSpec, type Profile, type StreamKey, type StreamSpec } from './stream-spec';

/** Identifies the stream an event is about. */
export interface StreamRef {
  key: StreamKey;
  cameraId: string;
  profile: Profile;
}

/** `state`: a stream changed state. Every stream ends with exactly one `stopped`. */
export interface StreamStateEvent extends StreamRef {
  state: StreamState;
  previous: StreamState | null;
  /** Why: ffmpeg's last error line, "idle", "no new segment for 10 s", "attempt 3 in 2000 ms", … */
  reason: string;
  /** Pid of the current ffmpeg (starting/live/stalled), else null. */
  pid: number | null;
  /** Consecutive failed runs so far. */
  failures: number;
}

/** `failing`: failuresBeforeOffline runs in a row failed; from now on retried at backoffMaxMs only. */
export interface StreamFailingEvent extends StreamRef {
  failures: number;
  reason: string;
  /** Delay before the next attempt, milliseconds. */
  retryInMs: number;
}

/** `recovered`: a failing stream is live again. */
export interface StreamRecoveredEvent extends StreamRef {
  /** Milliseconds between the `failing` event and now. */
  downForMs: number;
}

/** `log`: one ffmpeg stderr line (loglevel error), passwords masked. */
export interface StreamLogEvent extends StreamRef {
  line: string;
}

/** `codec`: ffmpeg's input report names another video codec than the registered one. */
export interface StreamCodecEvent extends StreamRef {
  /** Codec the stream was acquired with (normalized: h265, not hevc). */
  registered: string;
  /** Codec the camera sends, from ffmpeg's input report. */
  actual: string;
  /** True when the run was redone (copy ↔ transcode, or another copied codec); false: transcoded either way. */
  restarted: boolean;
}

/** The events of a Supervisor (typed EventEmitter map). */
export interface SupervisorEvents {
  state: [StreamStateEvent];
  failing: [StreamFailingEvent];
  recovered: [StreamRecoveredEvent];
  log: [StreamLogEvent];
  codec: [StreamCodecEvent];
}

/** What grab() resolves with: the JPEG and where the picture came from. */
export interface GrabResult {
  jpeg: Buffer;
  /** 'stream-output': the newest segment of the running stream; 'camera': a new connection to the camera. */
  from: 'stream-output' | 'camera';
}

/** What acquire() resolves with. */
export interface AcquireResult {
  key: StreamKey;
  /** Absolute path of the live playlist (lists at least one playable segment when resolved). */
  playlistPath: string;
  /** True when this call started the stream (cold), false when it joined a running one. */
  started: boolean;
}

/**
 * Supervises ffmpeg workers turning RTSP cameras into fMP4 HLS, one per (cameraId, profile)
 * shared by every viewer. Lifecycle: `new Supervisor(opts)` → `await start()` → acquire/touch/
 * resolveFile … → `await close()`. Reports through events (see SupervisorEvents).
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  /** Resolved options (defaults of config/default.yaml filled in). */
  readonly options: Readonly<Required<TranscoderOptions>>;
  private readonly streams = new Map<StreamKey, Stream>();
  private readonly hlsDir: string;
  private phase: 'new' | 'started' | 'closing' | 'closed' = 'new';
  private tickTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  private readonly grabber: FrameGrabber;

  /** Throws TranscoderInputError on an out-of-range option. Spawns nothing until acquire(). */
  constructor(options: Partial<TranscoderOptions> = {}) {
    super();
    this.options = resolveOptions(options);
    this.hlsDir = path.resolve(this.options.hlsDir);
    // not a stream key (no dot), so neither served nor taken for a stale stream directory
    this.grabber = new FrameGrabber({ ...this.options, dir: path.join(this.hlsDir, 'grabs') });
  }

  /** Creates hlsDir, removes stale stream directories left by an earlier process, starts the watchdog. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new TranscoderStateError(`transcoder: start() called when ${this.phase}`);
    await mkdir(this.hlsDir, { recursive: true });
    await removeStaleStreamDirs(this.hlsDir);
    await this.grabber.start();
    this.phase = 'started';
    const every = Math.min(1000, Math.max(100, this.options.stallTimeoutS * 250));
    this.tickTimer = setInterval(() => this.tick(), every);
    this.tickTimer.unref();
  }

  /**
   * Makes sure the stream of `spec` runs and resolves once its playlist lists a playable segment
   * (immediately when already live). Counts as a touch. Concurrent calls for one cold stream share
   * one ffmpeg. Rejects with TranscoderInputError (bad spec/URL, nothing spawned),
   * TranscoderCapacityError (maxWorkers/maxTranscodes reached; has retryAfterS),
   * TranscoderStartError (two runs in a row failed or stalled before their first segment — one
   * quick retry absorbs transient refusals — or the camera is failing; has retryAfterS when known) or TranscoderStateError (not started / closed).
   * A running stream keeps the spec it was started with until it stops.
   */
  async acquire(spec: StreamSpec): Promise<AcquireResult> {
    if (this.phase !== 'started') throw new TranscoderStateError(`transcoder: acquire() when ${this.phase}`);
    const s = validateSpec(spec);
    const key = streamKey(s.cameraId, s.profile);
    let stream = this.streams.get(key);
    // a stream being stopped is replaced once it is gone
    while (stream?.isClosing) {
      await stream.close('');
      if (this.streams.get(key) === stream) this.streams.delete(key);
      if (this.phase !== 'started') throw new TranscoderStateError(`transcoder: acquire() when ${this.phase}`);
      stream = this.streams.get(key);
    }
    let started = false;
    if (!stream) {
      this.checkCapacity(s);
      stream = new Stream(key, s, path.join(this.hlsDir, key), this.options, this.hooks);
      this.streams.set(key, stream);
      stream.start();
      started = true;
    }
    stream.touch();
    await stream.waitLive();
    return { key, playlistPath: path.join(stream.dir, PLAYLIST_NAME), started };
  }

  /**
   * One JPEG of what camera `spec.cameraId`'s `spec.profile` shows now, at the camera's resolution.
   * While that stream is live here and copied (not transcoded, so not scaled), the first keyframe of
   * its newest segment (`from: 'stream-output'`: what its viewers are sent, no connection to the
   * camera); otherwise, or when that fails, one keyframe grabbed from the camera (`from: 'camera'`). Supervised like the workers (see FrameGrabber: the
   * spec is validated and the command line built as for a stream, dies with this process, killed
   * after grabTimeoutS, at most maxGrabs at once). Rejects with TranscoderInputError,
   * TranscoderCapacityError, TranscoderGrabError or TranscoderStateError.
   */
  async grab(spec: GrabSpec): Promise<GrabResult> {
    if (this.phase !== 'started') throw new TranscoderStateError(`transcoder: grab() when ${this.phase}`);
    const s = validateSpec({ ...spec, audioCodec: null });
    const key = streamKey(s.cameraId, s.profile);
    const live = this.streams.get(key);
    if (live && live.state === 'live' && !live.isClosing && !live.transcode) {
      try {
        return { jpeg: await this.grabber.grabOutput(this.hlsDir, key), from: 'stream-output' };
      } catch (err) {
        // the segment may have rotated away or the stream stopped meanwhile: ask the camera instead
        if (!(err instanceof TranscoderGrabError)) throw err;
      }
    }
    return { jpeg: await this.grabber.grab(spec), from: 'camera' };
  }

  /** Pids of the frame grabs' ffmpeg processes now running. */
  grabPids(): number[] {
    return this.grabber.pids();
  }

  /** Records viewer activity on `key` (every playlist/segment request). False when no such stream runs. */
  touch(key: StreamKey): boolean {
    const s = this.streams.get(key);
    if (!s || s.isClosing) return false;
    s.touch();
    return true;
  }

  /**
   * Absolute path of file `name` of running stream `key`, or null unless the stream runs and `name`
   * is `index.m3u8`, `init<digits>.mp4` or `seg<digits>.m4s` exactly (no '..', '%2e', '/', '\\',
   * NUL). Does not check existence (the file may rotate away: answer 404 then).
   */
  resolveFile(key: StreamKey, name: string): string | null {
    const s = this.streams.get(key);
    if (!s || s.isClosing) return null;
    return resolveStreamFile(this.hlsDir, key, name);
  }

  /** Stops one stream now (camera edited/deleted, share revoked); resolves when its worker is gone. */
  async stop(key: StreamKey, reason = 'stop()'): Promise<void> {
    const s = this.streams.get(key);
    if (s) await this.reap(s, reason);
  }

  /** Snapshot of every stream (including ones being stopped). */
  list(): StreamInfo[] {
    const now = performance.now();
    return [...this.streams.values()].map((s) => s.info(now));
  }

  /** Snapshot of one stream, or undefined. */
  get(key: StreamKey): StreamInfo | undefined {
    return this.streams.get(key)?.info();
  }

  /** Stops every worker (SIGINT, SIGKILL after killGraceMs), removes their directories, waits. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.phase = 'closing';
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.closing = (async () => {
      await Promise.all([
        ...[...this.streams.values()].map((s) => this.reap(s, 'supervisor closed')),
        this.grabber.close(),
      ]);
      this.phase = 'closed';
    })();
    return this.closing;
  }

  private checkCapacity(spec: StreamSpec): void {
    const all = [...this.streams.values()];
    if (all.length >= this.options.maxWorkers)
      throw new TranscoderCapacityError(
        `transcoder: worker limit ${this.options.maxWorkers} reached`,
        this.retryAfterS(all),
      );
    if (needsTranscode(spec)) {
      const tx = all.filter((s) => s.transcode);
      if (tx.length >= this.options.maxTranscodes)
        throw new TranscoderCapacityError(
          `transcoder: transcode limit ${this.options.maxTranscodes} reached (codec ${spec.codec})`,
          this.retryAfterS(tx),
        );
    }
  }

  /** Seconds until the first of `streams` could free its slot (idle timeout or ongoing stop), ≥ 1. */
  private retryAfterS(streams: Stream[]): number {
    const now = performance.now();
    let best = Infinity;
    for (const s of streams) {
      const ms = s.isClosing ? this.options.killGraceMs : s.lastTouch + this.options.idleTimeoutS * 1000 - now;
      best = Math.min(best, ms);
    }
    return Math.max(1, Math.ceil((Number.isFinite(best) ? best : this.options.idleTimeoutS * 1000) / 1000));
  }

  private tick(): void {
    const now = performance.now();
    const idleMs = this.options.idleTimeoutS * 1000;
    for (const s of this.streams.values()) {
      if (s.isClosing) continue;
      if (s.hasWaiters) s.touch();
      if (now - s.lastTouch > idleMs) void this.reap(s, s.isFailing ? 'idle while failing' : 'idle');
      else s.tick(now);
    }
  }

  private async reap(s: Stream, reason: string): Promise<void> {
    await s.close(reason);
    if (this.streams.get(s.key) === s) this.streams.delete(s.key);
  }

  private readonly hooks = {
    state: (s: Stream, state: StreamState, previous: StreamState | null, reason: string): void => {
      const i = s.info();
      // a stopped stream is gone before anyone hears of it: a listener may acquire it afresh
      if (state === 'stopped' && this.streams.get(s.key) === s) this.streams.delete(s.key);
      this.emit('state', {
        ...ref(s),
        state,
        previous,
        reason,
        pid: state === 'starting' || state === 'live' || state === 'stalled' ? i.pid : null,
        failures: i.failures,
      });
    },
    failing: (s: Stream, reason: string, retryInMs: number): void => {
      this.emit('failing', { ...ref(s), failures: s.info().failures, reason, retryInMs });
    },
    recovered: (s: Stream, downForMs: number): void => {
      this.emit('recovered', { ...ref(s), downForMs: Math.round(downForMs) });
    },
    log: (s: Stream, line: string): void => {
      this.emit('log', { ...ref(s), line });
    },
    codec: (s: Stream, registered: string, actual: string, restarted: boolean): void => {
      this.emit('codec', { ...ref(s), registered, actual, restarted });
    },
  };
}

function ref(s: Stream): StreamRef {
  return { key: s.key, cameraId: s.spec.cameraId, profile: s.spec.profile };
}
