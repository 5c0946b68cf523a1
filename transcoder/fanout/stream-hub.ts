// One stream's fan-out: keyframe (GOP) cache, instant-replay buffer, viewers with backpressure, lossless taps.
import { TranscoderInputError, TranscoderStateError } from '../errors';
import type { Fragment, InitSegment } from '../fmp4/types';
import { GopBuffer } from './gop-buffer';
import type { AttachOptions, Attachment, HubLimits, Sink, Tap } from './types';

export const DEFAULT_HUB_LIMITS: HubLimits = {
  skipAboveBytes: 2 * 1024 * 1024,
  closeAfterMs: 5000,
  maxGopBytes: 16 * 1024 * 1024,
  replaySeconds: 30,
  maxReplayBytes: 48 * 1024 * 1024,
};

interface SinkState {
  sink: Sink;
  /** null: live; 'join': waits for its first keyframe; 'behind': skipped forward after falling behind. */
  waiting: null | 'join' | 'behind';
  /** Date.now() since when bufferedBytes() has been above skipAboveBytes, or null. */
  overSince: number | null;
  skipped: number;
  sent: number;
}

interface TapState {
  tap: Tap;
  keepAlive: boolean;
  /** It has the current run's init and no end() yet. */
  open: boolean;
}

/**
 * Fans out one stream (an output of the pull) to live viewers (sinks) and lossless taps. Keeps the
 * current GOP for warm joins (≤ maxGopBytes) and whole GOPs of the run for instant replay (≤
 * replaySeconds, ≤ maxReplayBytes): its memory is bounded by maxGopBytes + maxReplayBytes whatever
 * the sinks do. Backpressure per sink, on each fragment: above skipAboveBytes queued it is skipped to
 * the next keyframe; above it for closeAfterMs it is closed ('slow') and detached. Never awaits a sink.
 */
export class StreamHub {
  readonly limits: HubLimits;
  private run: InitSegment | null = null;
  private live = false;
  private readonly gops: GopBuffer;
  private seq = 0;
  private readonly sinks = new Set<SinkState>();
  private readonly taps = new Set<TapState>();
  private closed = false;
  private counts = { fragmentsIn: 0, bytesIn: 0, skipped: 0, closedSlow: 0, tapErrors: 0 };

  constructor(
    readonly key: string,
    limits?: Partial<HubLimits>,
  ) {
    this.limits = { ...DEFAULT_HUB_LIMITS, ...limits };
    for (const [k, v] of Object.entries(this.limits))
      if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v)))
        throw new TranscoderInputError(`transcoder: hub ${key}: limit ${k} must be a number ≥ 0, got ${String(v)}`);
    this.gops = new GopBuffer(this.limits);
  }

  /** The init segment of the current run (null before the first run and after endRun). */
  get init(): InitSegment | null {
    return this.live ? this.run : null;
  }

  get sinkCount(): number {
    return this.sinks.size;
  }

  get keepAliveTaps(): number {
    let n = 0;
    for (const t of this.taps) if (t.keepAlive) n++;
    return n;
  }

  /** A new run: ends the previous one if still open; every sink and tap gets the init, sinks resume at a keyframe. */
  publishInit(init: InitSegment): void {
    if (this.closed) return;
    if (this.live) this.endRun('a new run began');
    this.run = init;
    this.live = true;
    this.gops.reset();
    for (const s of this.sinks) {
      s.waiting = 'join';
      this.write(s, init.data, { init });
    }
    for (const t of this.taps) this.toTap(t, (tap) => tap.init(init), true);
  }

  /** Assigns the fragment its seq and passes it to taps (all), sinks (with backpressure) and the caches. */
  publishFragment(f: Omit<Fragment, 'seq'>): Fragment {
    const frag: Fragment = { ...f, seq: this.seq++ };
    if (this.closed) return frag;
    if (!this.live) throw new TranscoderStateError(`transcoder: hub ${this.key}: fragment ${frag.seq} before an init`);
    this.counts.fragmentsIn++;
    this.counts.bytesIn += frag.data.length;
    this.gops.add(frag);
    for (const t of this.taps) if (t.open) this.toTap(t, (tap) => tap.fragment(frag));
    const now = Date.now();
    for (const s of this.sinks) this.feed(s, frag, now);
    return frag;
  }

  /** The run ended (ffmpeg exited or stalled): taps' end(); the run's GOPs stay for replay only. */
  endRun(reason: string): void {
    if (!this.live) return;
    this.live = false;
    for (const t of this.taps) if (t.open) this.toTap(t, (tap) => tap.end(reason), false);
  }

  /** Closes every sink ('stopped') and ends the taps; drops the caches. Idempotent. */
  close(reason: string): void {
    if (this.closed) return;
    this.endRun(reason);
    this.closed = true;
    for (const s of [...this.sinks]) {
      this.sinks.delete(s);
      this.closeSink(s, 'stopped', reason);
    }
    this.taps.clear();
    this.gops.clear();
    this.run = null;
  }

  /** A viewer joins: the init, then (start 'gop', default) the cached GOP at once, or from the next keyframe. */
  attach(sink: Sink, opts: AttachOptions = {}): Attachment {
    if (this.closed) throw new TranscoderStateError(`transcoder: hub ${this.key} is closed`);
    const s: SinkState = { sink, waiting: 'join', overSince: null, skipped: 0, sent: 0 };
    this.sinks.add(s);
    if (this.live && this.run) {
      this.write(s, this.run.data, { init: this.run });
      const gop = (opts.start ?? 'gop') === 'gop' ? this.gops.current() : [];
      if (gop.length) s.waiting = null;
      for (const f of gop) if (this.sinks.has(s)) this.send(s, f);
    }
    const sinks = this.sinks;
    return {
      detach: () => void sinks.delete(s),
      get skipped() {
        return s.skipped;
      },
      get sent() {
        return s.sent;
      },
    };
  }

  /**
   * A lossless consumer: gets the current init and cached GOP first (when a run is live), then
   * everything in order. With `replayS`, the whole GOPs held for replay covering ≥ replayS seconds
   * of the run come first instead of the current GOP alone (a packager added late starts full).
   */
  addTap(tap: Tap, opts: { keepAlive?: boolean; replayS?: number } = {}): () => void {
    if (this.closed) throw new TranscoderStateError(`transcoder: hub ${this.key} is closed`);
    const t: TapState = { tap, keepAlive: !!opts.keepAlive, open: false };
    this.taps.add(t);
    if (this.live && this.run) {
      const init = this.run;
      this.toTap(t, (x) => x.init(init), true);
      const seed = opts.replayS ? this.gops.replay(opts.replayS) : this.gops.current();
      for (const f of seed) if (t.open) this.toTap(t, (x) => x.fragment(f));
    }
    return () => void this.taps.delete(t);
  }

  /** The newest keyframe fragment of the live run with its init (for snapshots), or null. */
  keyframe(): { init: InitSegment; fragment: Fragment } | null {
    const k = this.live && this.run ? this.gops.keyframe() : null;
    return k ? { init: this.run!, fragment: k } : null;
  }

  /** Whole GOPs (each from a keyframe) of the current or just-ended run covering ≥ seconds when held; null when none. */
  replay(seconds: number): { init: InitSegment; fragments: Fragment[] } | null {
    if (!this.run) return null;
    const fragments = this.gops.replay(seconds);
    return fragments.length ? { init: this.run, fragments } : null;
  }

  stats(): {
    sinks: number;
    taps: number;
    gopBytes: number;
    replayBytes: number;
    fragmentsIn: number;
    bytesIn: number;
    skipped: number;
    closedSlow: number;
    tapErrors: number;
  } {
    return {
      sinks: this.sinks.size,
      taps: this.taps.size,
      gopBytes: this.gops.gopBytes,
      replayBytes: this.gops.replayBytes,
      ...this.counts,
    };
  }

  /** The backpressure rule for one sink and one fragment. */
  private feed(s: SinkState, f: Fragment, now: number): void {
    let buffered: number;
    try {
      buffered = s.sink.bufferedBytes();
    } catch (err) {
      return this.drop(s, 'detached', `bufferedBytes() failed: ${(err as Error).message}`);
    }
    if (buffered > this.limits.skipAboveBytes) {
      s.overSince ??= now;
      if (now - s.overSince >= this.limits.closeAfterMs) {
        this.counts.closedSlow++;
        return this.drop(s, 'slow', `${buffered} bytes queued for ${now - s.overSince} ms`);
      }
      s.waiting = 'behind';
    } else {
      s.overSince = null;
      if (s.waiting && f.keyframe) s.waiting = null;
    }
    if (!s.waiting) return this.send(s, f);
    if (s.waiting === 'behind') {
      s.skipped++;
      this.counts.skipped++;
    }
  }

  private send(s: SinkState, f: Fragment): void {
    if (this.write(s, f.data, { fragment: f })) s.sent++;
  }

  private write(s: SinkState, data: Buffer, what: { init: InitSegment } | { fragment: Fragment }): boolean {
    try {
      s.sink.write(data, what);
      return true;
    } catch (err) {
      this.drop(s, 'detached', `write failed: ${(err as Error).message}`);
      return false;
    }
  }

  private drop(s: SinkState, reason: 'slow' | 'detached', detail: string): void {
    if (!this.sinks.delete(s)) return;
    this.closeSink(s, reason, detail);
  }

  private closeSink(s: SinkState, reason: 'slow' | 'stopped' | 'detached', detail: string): void {
    try {
      s.sink.close(reason, `hub ${this.key}: ${detail}`);
    } catch {
      // the sink is gone either way
    }
  }

  /** Calls a tap; one that throws is removed (it broke its contract), counted in stats().tapErrors. */
  private toTap(t: TapState, call: (tap: Tap) => void, open?: boolean): void {
    try {
      call(t.tap);
      if (open !== undefined) t.open = open;
    } catch {
      this.counts.tapErrors++;
      t.open = false;
      this.taps.delete(t);
    }
  }
}
