// Cuts a stream's fragments into HLS media segments (starting at keyframes) and LL-HLS partial segments, in memory.
import type { Fragment, InitSegment } from '../fmp4/types';

/** One partial segment: whole fragments (moof+mdat) concatenated. */
export interface HlsPart {
  /** Position in its segment, from 0. */
  index: number;
  data: Buffer;
  /** Seconds of media (sum of its fragments' durations). */
  durationS: number;
  /** Starts at a keyframe: a decoder can begin here. */
  independent: boolean;
}

/** One media segment, complete or in progress. */
export interface HlsSegment {
  /** Media sequence number: counted from 0, never reused, across runs. */
  msn: number;
  /** Run its fragments belong to (its EXT-X-MAP is that run's init). */
  generation: number;
  /** Preceded by EXT-X-DISCONTINUITY: the first segment of a new run, or after a gap. */
  discontinuity: boolean;
  /** Wall-clock time of its first frame, ms since the epoch. */
  programDateTimeMs: number;
  /** Seconds of media in its closed parts (plus the open part while in progress). */
  durationS: number;
  parts: HlsPart[];
  /** The whole segment (its parts are views into it), once complete; null while in progress. */
  data: Buffer | null;
}

export interface SegmenterOptions {
  /** A segment ends at the first keyframe after it holds this many seconds. */
  targetSegmentS: number;
  /** Parts hold whole fragments up to this many seconds. */
  partTargetS: number;
  /** Complete segments kept (the oldest dropped beyond). */
  listSize: number;
  /** A segment that grows beyond this many bytes without a keyframe is closed; the next starts at a keyframe. */
  maxSegmentBytes: number;
}

// Durations in a 90 kHz timeline are exact; this absorbs floating-point sums of them.
const EPS = 0.001;

const seconds = (s: number): number => (Number.isFinite(s) && s > 0 ? s : 0);

/**
 * The packager's state: complete segments (≤ listSize), the one in progress, and the init segments
 * they refer to. Fed in order by init()/fragment()/end(); calls onChange after each new part or segment.
 */
export class Segmenter {
  /** Complete segments, oldest first. */
  readonly segments: HlsSegment[] = [];
  /** The segment being filled, or null between runs / before the first keyframe. */
  current: HlsSegment | null = null;
  /** Init segments by generation: the current run's, and those of listed segments. */
  readonly inits = new Map<number, InitSegment>();
  /** EXT-X-DISCONTINUITY-SEQUENCE: discontinuities of the segments dropped so far. */
  discontinuitySequence = 0;
  /** Longest complete segment so far, seconds (EXT-X-TARGETDURATION never goes down). */
  longestSegmentS = 0;
  /** Longest single fragment so far, seconds (a part cannot be shorter than its one fragment). */
  longestFragmentS = 0;
  /**
   * PART-TARGET in use, seconds: from the first fragment on, a whole number of its frames (as many
   * as fit in the configured target, at least one) plus 10 % for timestamp jitter, so parts hold
   * the same number of frames and none falls under 85 % of the target.
   */
  partTargetS: number;
  /** Media sequence number of the newest complete segment, -1 before the first. */
  lastCompleteMsn = -1;

  private init_: InitSegment | null = null;
  private nextMsn = 0;
  private discontinuityNext = false;
  private waitingKeyframe = true;
  private partTargetFixed = false;
  private open: Fragment[] = [];
  private openS = 0;
  private segmentBytes = 0;

  constructor(
    private readonly o: SegmenterOptions,
    private readonly onChange: () => void,
  ) {
    this.partTargetS = o.partTargetS;
  }

  /** Bytes held: complete segments plus the one in progress (parts share their segment's buffer). */
  get bytes(): number {
    let n = this.segmentBytes;
    for (const s of this.segments) n += s.data?.length ?? 0;
    return n;
  }

  /** Partial segments closed in the current segment (what the next part's index will be). */
  get nextPartIndex(): number {
    return this.current?.parts.length ?? 0;
  }

  /** Media sequence number the next fragment would go to (the in-progress one, or the next to start). */
  get edgeMsn(): number {
    return this.current ? this.current.msn : this.nextMsn;
  }

  init(init: InitSegment): void {
    const same = this.init_ && this.init_.generation === init.generation && this.init_.data.equals(init.data);
    if (same) return; // the hub repeats the current init to a tap added mid-run
    this.closeRun();
    this.init_ = init;
    this.inits.set(init.generation, init);
    this.pruneInits();
    this.onChange();
  }

  fragment(f: Fragment): void {
    if (!this.init_ || f.generation !== this.init_.generation) return;
    const d = seconds(f.durationS);
    if (d > this.longestFragmentS) this.longestFragmentS = d;
    if (!this.partTargetFixed && d > 0) {
      this.partTargetS = Math.max(1, Math.floor(this.o.partTargetS / d + EPS)) * d * 1.1;
      this.partTargetFixed = true;
    }
    let changed = false;
    if (this.waitingKeyframe || !this.current) {
      if (!f.keyframe) return;
      this.waitingKeyframe = false;
      this.startSegment(f, d);
      changed = true;
    } else if (f.keyframe && this.current.durationS + this.openS >= this.o.targetSegmentS - EPS) {
      this.finishSegment();
      this.startSegment(f, d);
      changed = true;
    } else if (this.segmentBytes + f.data.length > this.o.maxSegmentBytes) {
      // No keyframe for too long: close what we have and wait for the next one (a gap for players).
      this.finishSegment();
      this.waitingKeyframe = true;
      this.discontinuityNext = true;
      this.onChange();
      return;
    }
    if (this.open.length > 0 && this.openS + d > this.partTargetS) changed = this.closePart() || changed;
    this.open.push(f);
    this.openS += d;
    this.segmentBytes += f.data.length;
    // Close now when a fragment as long as this one would not fit: the part is available without waiting.
    if (this.openS + d > this.partTargetS) changed = this.closePart() || changed;
    if (changed) this.onChange();
  }

  /** The run ended: the segment in progress is closed; the next run starts after a discontinuity. */
  end(): void {
    this.closeRun();
    this.onChange();
  }

  /** Everything dropped (the packager is closed). */
  clear(): void {
    this.segments.length = 0;
    this.current = null;
    this.open = [];
    this.openS = 0;
    this.segmentBytes = 0;
    this.inits.clear();
    this.init_ = null;
  }

  private closeRun(): void {
    if (this.current) this.finishSegment();
    this.waitingKeyframe = true;
    if (this.nextMsn > 0) this.discontinuityNext = true;
  }

  private startSegment(f: Fragment, d: number): void {
    this.current = {
      msn: this.nextMsn++,
      generation: f.generation,
      discontinuity: this.discontinuityNext,
      programDateTimeMs: Math.round(f.receivedAt - d * 1000),
      durationS: 0,
      parts: [],
      data: null,
    };
    this.discontinuityNext = false;
    this.segmentBytes = 0;
  }

  private closePart(): boolean {
    const seg = this.current;
    if (!seg || this.open.length === 0) return false;
    seg.parts.push({
      index: seg.parts.length,
      data: Buffer.concat(this.open.map((f) => f.data)),
      durationS: this.openS,
      independent: this.open[0]!.keyframe,
    });
    seg.durationS += this.openS;
    this.open = [];
    this.openS = 0;
    return true;
  }

  private finishSegment(): void {
    const seg = this.current;
    if (!seg) return;
    this.closePart();
    this.current = null;
    this.segmentBytes = 0;
    // One buffer per segment; its parts become views into it, so nothing is held twice.
    const data = Buffer.concat(seg.parts.map((p) => p.data));
    let offset = 0;
    for (const p of seg.parts) {
      const n = p.data.length;
      p.data = data.subarray(offset, offset + n);
      offset += n;
    }
    seg.data = data;
    this.segments.push(seg);
    this.lastCompleteMsn = seg.msn;
    if (seg.durationS > this.longestSegmentS) this.longestSegmentS = seg.durationS;
    while (this.segments.length > this.o.listSize) {
      const dropped = this.segments.shift()!;
      if (dropped.discontinuity) this.discontinuitySequence++;
    }
    this.pruneInits();
  }

  private pruneInits(): void {
    const used = new Set(this.segments.map((s) => s.generation));
    if (this.current) used.add(this.current.generation);
    if (this.init_) used.add(this.init_.generation);
    for (const g of [...this.inits.keys()]) if (!used.has(g)) this.inits.delete(g);
  }
}
