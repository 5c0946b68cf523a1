// LL-HLS from memory: a lossless tap of a stream's hub that serves a blocking-reload playlist, segments, parts and inits.
import { TranscoderInputError } from '../errors';
import type { Fragment, InitSegment } from '../fmp4/types';
import type { Tap } from '../fanout/types';
import { parseFileName } from './names';
import { renderPlaylist, targetDuration } from './playlist';
import { checkNotTooFar, checkRequest, type BlockingRequest } from './request';
import { Segmenter } from './segmenter';

export interface HlsPackagerOptions {
  /** Seconds a segment holds at least (it ends at the first keyframe after); > 0. A 1 s or 2 s GOP gives segments of one GOP. */
  targetSegmentS: number;
  /**
   * Seconds of a partial segment, about; > 0 and ≤ targetSegmentS. Parts hold the whole frames that fit
   * (at least one); PART-TARGET is their length + 10 % (0.2 at 25 fps: 5 frames, PART-TARGET 0.22).
   */
  partTargetS: number;
  /** Complete segments kept and listed (whole number ≥ 1; plain players want ≥ 4). */
  listSize: number;
  /** A segment growing beyond this many bytes without a keyframe is cut there. Default 32 MiB. */
  maxSegmentBytes?: number;
}

/** A pending request: check() answers it if what it waits for is there. */
interface Waiter {
  check(): void;
}

/**
 * One stream's HLS: add it to the stream's hub (`hub.addTap(packager)`), serve what it gives.
 * Segments start at keyframes and hold ≥ targetSegmentS; parts group whole fragments up to
 * partTargetS. Memory: listSize complete segments plus the one in progress, and their inits.
 * Names and media sequence numbers go on across runs; each run is a new EXT-X-MAP after an
 * EXT-X-DISCONTINUITY.
 */
export class HlsPackager implements Tap {
  private readonly seg: Segmenter;
  private readonly waiters = new Set<Waiter>();
  private cached: string | null = null;
  private closed = false;

  constructor(private readonly o: HlsPackagerOptions) {
    const positive = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n > 0;
    if (!positive(o.targetSegmentS) || o.targetSegmentS > 60)
      throw new TranscoderInputError(`transcoder: hls: targetSegmentS must be in (0, 60], got ${o.targetSegmentS}`);
    if (!positive(o.partTargetS) || o.partTargetS > o.targetSegmentS)
      throw new TranscoderInputError(
        `transcoder: hls: partTargetS must be in (0, targetSegmentS=${o.targetSegmentS}], got ${o.partTargetS}`,
      );
    if (!Number.isInteger(o.listSize) || o.listSize < 1 || o.listSize > 100)
      throw new TranscoderInputError(`transcoder: hls: listSize must be a whole number in [1, 100], got ${o.listSize}`);
    const maxSegmentBytes = o.maxSegmentBytes ?? 32 * 1024 * 1024;
    if (!positive(maxSegmentBytes))
      throw new TranscoderInputError(`transcoder: hls: maxSegmentBytes must be > 0, got ${maxSegmentBytes}`);
    this.seg = new Segmenter({ ...o, maxSegmentBytes }, () => this.changed());
  }

  // ---- Tap (called by the hub, in order) ----

  init(init: InitSegment): void {
    if (!this.closed) this.seg.init(init);
  }

  fragment(fragment: Fragment): void {
    if (!this.closed) this.seg.fragment(fragment);
  }

  end(_reason: string): void {
    if (!this.closed) this.seg.end();
  }

  // ---- serving ----

  /** EXT-X-TARGETDURATION: whole seconds, never lower than before. */
  get targetDurationS(): number {
    return targetDuration(this.o.targetSegmentS, this.seg.longestSegmentS);
  }

  /**
   * PART-TARGET, seconds: a whole number of the stream's frames near the configured target (see
   * Segmenter.partTargetS), or the longest single fragment seen when one is longer.
   */
  get partTargetS(): number {
    return Math.max(this.seg.partTargetS, this.seg.longestFragmentS);
  }

  /**
   * The media playlist. Without directives: at once, or, while no segment is complete yet (a stream
   * starting), once the first one is — null if none is within 3 target durations, or after close().
   * With `msn` (and `part`), a blocking reload: answers once segment msn is complete (or its part
   * `part` exists), after at most 3 target durations anyway. A request more than two segments (or
   * the Advance Part Limit of parts) beyond the edge, or malformed, is refused at once with
   * TranscoderInputError (HTTP 400). `signal` aborted → rejects with the signal's reason.
   */
  playlist(req: BlockingRequest & { signal?: AbortSignal } = {}): Promise<string | null> {
    const { signal, ...directives } = req;
    try {
      checkRequest(directives);
      checkNotTooFar(directives, {
        edgeMsn: this.seg.edgeMsn,
        edgeParts: this.seg.nextPartIndex,
        partTargetS: this.partTargetS,
      });
    } catch (err) {
      return Promise.reject(err);
    }
    return this.wait(
      () => (this.closed || this.available(directives) ? this.render() : undefined),
      () => this.render(),
      signal,
    );
  }

  /**
   * The bytes of `init<g>.mp4`, `seg<n>.m4s` (complete segments) or `part<n>.<i>.m4s`, or null for
   * a name not made here (parsed strictly) or not held (rotated out, not yet complete, closed).
   */
  file(name: string): Buffer | null {
    const f = parseFileName(name);
    if (!f || this.closed) return null;
    if (f.kind === 'init') return this.seg.inits.get(f.generation)?.data ?? null;
    const s = this.segment(f.msn);
    if (!s) return null;
    if (f.kind === 'segment') return s.data;
    return s.parts[f.index]?.data ?? null;
  }

  /**
   * file(name), except for the part named by EXT-X-PRELOAD-HINT (the next part of the segment in
   * progress, or the first of the next segment): that one is awaited (≤ 3 target durations) as
   * RFC 8216bis asks of a server, so a player may request it ahead. null when it does not come
   * (the segment ended before it, timeout, close()). `signal` aborted → rejects with its reason.
   */
  fileWhenReady(name: string, opts: { signal?: AbortSignal } = {}): Promise<Buffer | null> {
    const now = this.file(name);
    const f = parseFileName(name);
    if (now || !f || f.kind !== 'part' || this.closed) return Promise.resolve(now);
    const edge = this.seg.edgeMsn;
    const hinted = (f.msn === edge && f.index === this.seg.nextPartIndex) || (f.msn === edge + 1 && f.index === 0);
    if (!hinted) return Promise.resolve(null);
    return this.wait(
      () => {
        if (this.closed) return null;
        // Its segment completed (or another began) without it: it will never exist.
        return this.file(name) ?? (this.seg.edgeMsn > f.msn + (f.index === 0 ? 1 : 0) ? null : undefined);
      },
      () => this.file(name),
      opts.signal,
    );
  }

  /** What is held, for monitoring and tests. */
  stats(): { segments: number; bytes: number; waiters: number; firstMsn: number | null; edgeMsn: number } {
    return {
      segments: this.seg.segments.length,
      bytes: this.seg.bytes,
      waiters: this.waiters.size,
      firstMsn: this.seg.segments[0]?.msn ?? null,
      edgeMsn: this.seg.edgeMsn,
    };
  }

  /** Drops everything and answers pending requests with null; later calls give null. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.seg.clear();
    this.cached = null;
    for (const w of [...this.waiters]) w.check();
  }

  private segment(msn: number): { data: Buffer | null; parts: { data: Buffer }[] } | null {
    const list = this.seg.segments;
    const first = list[0]?.msn;
    if (first !== undefined && msn >= first && msn - first < list.length) return list[msn - first]!;
    if (this.seg.current?.msn === msn) return this.seg.current;
    return null;
  }

  /**
   * A playlist exists (a first segment is complete) and, for a blocking request, segment msn is
   * complete or its part `part` exists (a part index past a complete segment's end counts).
   */
  private available(r: BlockingRequest): boolean {
    if (this.seg.segments.length === 0) return false;
    const msn = r.msn;
    if (msn === undefined || msn <= this.seg.lastCompleteMsn) return true;
    const cur = this.seg.current;
    return r.part !== undefined && cur !== null && cur.msn === msn && cur.parts.length > r.part;
  }

  private render(): string | null {
    if (this.closed || this.seg.segments.length === 0) return null;
    this.cached ??= renderPlaylist({
      segments: this.seg.segments,
      current: this.seg.current,
      targetDurationS: this.targetDurationS,
      partTargetS: this.partTargetS,
      discontinuitySequence: this.seg.discontinuitySequence,
      next: { msn: this.seg.edgeMsn, part: this.seg.nextPartIndex },
    });
    return this.cached;
  }

  private changed(): void {
    this.cached = null;
    for (const w of [...this.waiters]) w.check();
  }

  /**
   * Resolves with ready()'s value as soon as it is not undefined (checked now and after each
   * change), or with timedOut() after 3 target durations; rejects when `signal` aborts.
   */
  private wait<T>(ready: () => T | undefined, timedOut: () => T, signal: AbortSignal | undefined): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const first = ready();
    if (first !== undefined) return Promise.resolve(first);
    return new Promise<T>((resolve, reject) => {
      const finish = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(waiter);
      };
      const onAbort = (): void => {
        finish();
        reject(signal!.reason);
      };
      const timer = setTimeout(
        () => {
          finish();
          resolve(timedOut());
        },
        3 * this.targetDurationS * 1000,
      );
      const waiter: Waiter = {
        check: () => {
          const v = ready();
          if (v === undefined) return;
          finish();
          resolve(v);
        },
      };
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
