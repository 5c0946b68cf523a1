// The supervisor: one camera pull per (camera, profile) feeding a hub, derived H.264 on demand, bounded, restarted, reaped.
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { TranscoderGrabError, TranscoderStateError } from './errors';
import type { StreamRef, SupervisorEvents } from './events';
import type { StreamHub } from './fanout/stream-hub';
import type { GrabSpec } from './frame-grab-args';
import { FrameGrabber } from './frame-grabber';
import { HlsPackager } from './hls/hls-packager';
import { normalizeCodec } from './input-report';
import { resolveOptions, type TranscoderOptions } from './options';
import { checkCapacity } from './pull/capacity';
import { CameraPull } from './pull/camera-pull';
import { DerivedH264 } from './pull/derived-h264';
import type { SupervisedOutput } from './pull/output';
import type { OutputHooks, OutputRef, StreamInfo, StreamState } from './pull/types';
import { outputKey, pullTranscodes, streamKey, validateSpec, type StreamKey, type StreamSpec } from './stream-spec';

/** What grab() resolves with: the JPEG and where the picture came from. */
export interface GrabResult {
  jpeg: Buffer;
  /** 'stream-output': the newest keyframe of the running pull; 'camera': a new connection to the camera. */
  from: 'stream-output' | 'camera';
}

/** What acquire() resolves with. */
export interface AcquireResult {
  /** Output key the viewer is served from: hub(key), hls(key). */
  key: StreamKey;
  /** Key of the camera pull behind it. */
  pullKey: StreamKey;
  /** True when this call started the pull or the derived output (cold), false when it joined running ones. */
  started: boolean;
  /** Video codec the viewer gets. */
  codec: 'h264' | 'h265';
  /** True when that video is transcoded (by the pull, for MJPEG and others, or by the derived output). */
  transcoded: boolean;
}

/**
 * Supervises ffmpeg workers turning RTSP cameras into fragmented MP4 in memory: one pull per
 * (cameraId, profile), the only connection to the camera, shared by every output (viewers through
 * the hub, HLS, snapshots). Lifecycle: `new Supervisor(opts)` → `await start()` → acquire/hub/touch …
 * → `await close()`. Reports through events (see SupervisorEvents).
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  /** Resolved options (defaults of config/default.yaml filled in). */
  readonly options: Readonly<Required<TranscoderOptions>>;
  private readonly outputs = new Map<StreamKey, SupervisedOutput>();
  /**
   * Each output's LL-HLS packager (a tap of its hub), created on its first hls() call (seeded with the
   * hub's replay GOPs), dropped once hls() has not been called for idleTimeoutS (no request pending) or when the output stops:
   * an output nobody watches over HLS spends nothing on segmenting.
   */
  private readonly packagers = new Map<SupervisedOutput, { hls: HlsPackager; remove: () => void; used: number }>();
  /**
   * Per pull key: whether the camera splits pictures, as its last pull showed. A cold start of a camera
   * not seen yet holds its first keyframe one frame (to rejoin a split one); later ones need not.
   */
  private readonly splitPictures = new Map<StreamKey, boolean>();
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
    this.grabber = new FrameGrabber({ ...this.options, dir: path.join(this.hlsDir, 'grabs') });
  }

  /** Creates the grabs' scratch directory (emptied), starts the watchdog. */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new TranscoderStateError(`transcoder: start() called when ${this.phase}`);
    await mkdir(this.hlsDir, { recursive: true });
    await this.grabber.start();
    this.phase = 'started';
    const every = Math.min(1000, Math.max(100, this.options.stallTimeoutS * 250));
    this.tickTimer = setInterval(() => this.tick(), every);
    this.tickTimer.unref();
  }

  /**
   * Makes sure the output a viewer of `spec` gets runs, and resolves at its first keyframe fragment
   * (at once when live). The pull copies H.264/H.265; a viewer without H.265 (passthroughH265 false)
   * of a camera that sends H.265 gets `<cam>.<profile>.h264`, derived from the pull by a second
   * ffmpeg (the camera still sees one session). Counts as a touch. Concurrent calls share one pull.
   * Rejects with TranscoderInputError (bad spec/URL, nothing spawned), TranscoderCapacityError
   * (maxWorkers/maxTranscodes reached; has retryAfterS), TranscoderStartError (two runs in a row
   * failed or stalled before their first keyframe, or the camera is failing; has retryAfterS when
   * known) or TranscoderStateError (not started / closed). A running pull keeps its spec until it stops.
   */
  async acquire(spec: StreamSpec): Promise<AcquireResult> {
    this.assertStarted('acquire');
    const s = validateSpec(spec, this.options.externalSources);
    const pullKey = streamKey(s.cameraId, s.profile);
    const wantsH264 = s.passthroughH265 !== true;
    await this.settle(pullKey);
    let pull = this.running(pullKey);
    let started = false;
    if (!pull) {
      const registered = normalizeCodec(s.codec);
      // a viewer without H.265 of an H.265 camera needs a derived transcode: refused before the pull starts
      checkCapacity(
        [...this.outputs.values()],
        pullTranscodes(registered) || (registered === 'h265' && wantsH264),
        this.options,
      );
      pull = this.add(new CameraPull(s, this.options, this.hooks, this.splitPictures.get(pullKey) ?? null));
      started = true;
    }
    pull.touch();
    await pull.waitLive();
    const codec = pull.hub.init?.videoCodec ?? 'h264';
    if (codec === 'h264' || !wantsH264) return { key: pullKey, pullKey, started, codec, transcoded: pull.transcode };
    const key = outputKey(s.cameraId, s.profile, true);
    await this.settle(key);
    let derived = this.running(key);
    if (!derived) {
      if (!(pull instanceof CameraPull) || pull.isClosing)
        throw new TranscoderStateError(`transcoder: ${pullKey} stopped while starting ${key}`);
      checkCapacity([...this.outputs.values()], true, this.options);
      derived = this.add(new DerivedH264(pull, this.options, this.hooks));
      started = true;
    }
    derived.touch();
    await derived.waitLive();
    return { key, pullKey, started, codec: 'h264', transcoded: true };
  }

  /** The hub of output `key` (live viewers attach here), or undefined when it does not run. */
  hub(key: StreamKey): StreamHub | undefined {
    const o = this.outputs.get(key);
    return o && !o.isClosing ? o.hub : undefined;
  }

  /**
   * The LL-HLS packager of output `key` (playlist, segments and parts from memory), or undefined when
   * it does not run. Created on the first call, seeded with the GOPs the hub holds (a playlist at
   * once when it holds two), and kept while called at least every idleTimeoutS.
   */
  hls(key: StreamKey): HlsPackager | undefined {
    const o = this.running(key);
    if (!o) return undefined;
    let p = this.packagers.get(o);
    if (!p) {
      const { segmentSeconds, partSeconds, listSize } = this.options;
      const hls = new HlsPackager({ targetSegmentS: segmentSeconds, partTargetS: partSeconds, listSize });
      const remove = o.hub.addTap(hls, { replayS: (listSize + 1) * segmentSeconds });
      p = { hls, remove, used: 0 };
      this.packagers.set(o, p);
    }
    p.used = performance.now();
    return p.hls;
  }

  /** Packagers of running outputs (for monitoring and tests). */
  get hlsPackagers(): number {
    return this.packagers.size;
  }

  /** How long a packager is kept without an hls() call (and no blocking request pending): idleTimeoutS. */
  private get hlsIdleMs(): number {
    return this.options.idleTimeoutS * 1000;
  }

  /**
   * One JPEG of what camera `spec.cameraId`'s `spec.profile` shows now, at the camera's resolution.
   * While its pull is live and copies (not scaled), decoded from the pull's newest keyframe (init +
   * keyframe fragment on a grab ffmpeg's stdin: `from: 'stream-output'`, no connection to the
   * camera); otherwise, or when that fails, one keyframe grabbed from the camera (`from: 'camera'`).
   * Supervised like the workers (FrameGrabber: dies with this process, killed after grabTimeoutS, at
   * most maxGrabs at once). Rejects with TranscoderInputError, TranscoderCapacityError,
   * TranscoderGrabError or TranscoderStateError.
   */
  async grab(spec: GrabSpec): Promise<GrabResult> {
    this.assertStarted('grab');
    const s = validateSpec({ ...spec, audioCodec: null }, this.options.externalSources);
    const pull = this.outputs.get(streamKey(s.cameraId, s.profile));
    const kf = pull && pull.state === 'live' && !pull.isClosing && !pull.transcode ? pull.hub.keyframe() : null;
    if (pull && kf) {
      try {
        const bytes = Buffer.concat([kf.init.data, kf.fragment.data]);
        return { jpeg: await this.grabber.grabOutput(pull.key, bytes), from: 'stream-output' };
      } catch (err) {
        // undecodable or stopped meanwhile: ask the camera instead
        if (!(err instanceof TranscoderGrabError)) throw err;
      }
    }
    return { jpeg: await this.grabber.grab(spec), from: 'camera' };
  }

  /** Pids of the frame grabs' ffmpeg processes now running. */
  grabPids(): number[] {
    return this.grabber.pids();
  }

  /** Records viewer activity on output `key`. False when no such output runs. */
  touch(key: StreamKey): boolean {
    const o = this.outputs.get(key);
    if (!o || o.isClosing) return false;
    o.touch();
    return true;
  }

  /** Stops one output now (a pull takes its derived output along); resolves when their workers are gone. */
  async stop(key: StreamKey, reason = 'stop()'): Promise<void> {
    const o = this.outputs.get(key);
    if (o) await this.reap(o, reason);
  }

  /** Snapshot of every output (including ones being stopped). */
  list(): StreamInfo[] {
    const now = performance.now();
    return [...this.outputs.values()].map((o) => o.info(now));
  }

  /** Snapshot of one output, or undefined. */
  get(key: StreamKey): StreamInfo | undefined {
    return this.outputs.get(key)?.info();
  }

  /** Stops every worker (SIGINT, SIGKILL after killGraceMs) and grab, closes the hubs, waits. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.phase = 'closing';
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.closing = (async () => {
      await Promise.all([
        ...[...this.outputs.values()].map((o) => this.reap(o, 'supervisor closed')),
        this.grabber.close(),
      ]);
      this.phase = 'closed';
    })();
    return this.closing;
  }

  private assertStarted(what: string): void {
    if (this.phase !== 'started') throw new TranscoderStateError(`transcoder: ${what}() when ${this.phase}`);
  }

  /** Waits until output `key` is not being stopped (a stopping one is then replaced by the caller). */
  private async settle(key: StreamKey): Promise<void> {
    let o = this.outputs.get(key);
    while (o?.isClosing) {
      await o.close('');
      if (this.outputs.get(key) === o) this.outputs.delete(key);
      this.assertStarted('acquire');
      o = this.outputs.get(key);
    }
  }

  /** The output `key` unless it is absent or being stopped; synchronous, so concurrent callers share one. */
  private running(key: StreamKey): SupervisedOutput | undefined {
    const o = this.outputs.get(key);
    return o && !o.isClosing ? o : undefined;
  }

  private add(o: SupervisedOutput): SupervisedOutput {
    this.outputs.set(o.key, o);
    o.start();
    return o;
  }

  private dropHls(o: SupervisedOutput): void {
    const p = this.packagers.get(o);
    if (!p) return;
    this.packagers.delete(o);
    p.remove();
    p.hls.close();
  }

  private tick(): void {
    const now = performance.now();
    const idleMs = this.options.idleTimeoutS * 1000;
    const hlsIdleMs = this.hlsIdleMs;
    for (const [o, p] of this.packagers) if (now - p.used > hlsIdleMs && p.hls.stats().waiters === 0) this.dropHls(o);
    for (const o of this.outputs.values()) {
      if (o.isClosing) continue;
      // an acquire waiting, a viewer attached or a derived output subscribed: never idle
      if (o.busy) o.touch();
      if (now - o.lastTouch > idleMs) void this.reap(o, o.isFailing ? 'idle while failing' : 'idle');
      else o.tick(now);
    }
  }

  private async reap(o: SupervisedOutput, reason: string): Promise<void> {
    const children = [...this.outputs.values()].filter((d) => d.derived && d.pullKey === o.key && d !== o);
    await Promise.all(children.map((d) => this.reap(d, reason)));
    await o.close(reason);
    if (this.outputs.get(o.key) === o) this.outputs.delete(o.key);
  }

  private readonly hooks: OutputHooks = {
    state: (o: OutputRef, state: StreamState, previous: StreamState | null, reason: string): void => {
      const i = o.info();
      // a stopped output is gone before anyone hears of it: a listener may acquire it afresh
      if (state === 'stopped') {
        if (this.outputs.get(o.key) === o) this.outputs.delete(o.key);
        this.dropHls(o as SupervisedOutput);
      }
      this.emit('state', {
        ...ref(o),
        state,
        previous,
        reason,
        pid: state === 'starting' || state === 'live' || state === 'stalled' ? i.pid : null,
        failures: i.failures,
      });
    },
    failing: (o, reason, retryInMs) =>
      this.emit('failing', { ...ref(o), failures: o.info().failures, reason, retryInMs }),
    recovered: (o, downForMs) => this.emit('recovered', { ...ref(o), downForMs: Math.round(downForMs) }),
    log: (o, line) => this.emit('log', { ...ref(o), line }),
    codec: (o, registered, actual, restarted) => this.emit('codec', { ...ref(o), registered, actual, restarted }),
    split: (o, split) => void this.splitPictures.set(o.pullKey, split),
  };
}

function ref(o: OutputRef): StreamRef {
  return { key: o.key, pullKey: o.pullKey, derived: o.derived, cameraId: o.cameraId, profile: o.profile };
}
