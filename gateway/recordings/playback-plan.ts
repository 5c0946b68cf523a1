// The plan of a playback session: which fragments of which segments, re-timed by how much, and the wall clock of each.
import type { SegmentMedia } from '../../transcoder/record/segment-media';

/** A segment of the index with its media read from its file. */
export interface PlannedInput {
  id: string;
  startMs: number;
  endMs: number;
  media: SegmentMedia;
}

/** One segment as served: from fragment `from` on, each fragment's tfdt moved by `deltas` (ticks per track). */
export interface PlanItem {
  segmentId: string;
  from: number;
  deltas: Map<number, number>;
  /** Where its first video sample lands on the served media timeline, seconds. */
  mediaStartS: number;
  durationS: number;
  /** Wall clock of its first served video sample, and of the end of its last, ms since the epoch. */
  wallStartMs: number;
  wallEndMs: number;
  /** Footage jumped over before it (ms); for the first item, from the requested start to the first frame. */
  gapBeforeMs: number;
  /** Wall-clock seconds per media second (1; the speed when only keyframes are served). */
  rate: number;
  /** Keyframes-only: the keyframe fragments served, each moved by `delta` video ticks and lasting `ticks`. */
  keyframes?: Array<{ index: number; delta: number; ticks: number }>;
}

/** Speeds above this are served as keyframes only (each shown for its GOP's time divided by the speed). */
export const MAX_FULL_SPEED = 8;

export interface PlaybackPlan {
  items: PlanItem[];
  /** The init segment every served fragment decodes against (the first segment's). */
  init: Buffer;
  mime: string;
  /** Where a following session should start (ms), or null when the footage found ended inside the window. */
  nextMs: number | null;
  /** Why the plan stops where it does. */
  endedBy: 'window' | 'footage' | 'init-change';
}

/**
 * Plans a session over segments in time order, starting at the last keyframe at or before `startMs` (else the first
 * keyframe). Each segment's fragments are moved so that the served video timeline is continuous (no hole, no overlap),
 * whatever the gaps in wall-clock time between them; the first sample of the plan is at media time 0. A segment whose
 * init differs from the first's (another resolution or codec) ends the plan: `nextMs` says where to resume.
 * `windowEndMs`: the session's window end (its footage may go on past the last segment given).
 */
export function planPlayback(
  segments: readonly PlannedInput[],
  startMs: number,
  windowEndMs: number,
  speed = 1,
): PlaybackPlan {
  if (!segments[0]) throw new Error('recording: nothing to plan');
  const b = new PlanBuilder(startMs, speed);
  for (const seg of segments) if (!b.add(seg)) break;
  return b.finish(windowEndMs);
}

/**
 * The same plan one segment at a time (planPlayback is its fold): a stream serves each segment as soon as it is read,
 * so its first bytes wait for the first segment's file, not for the whole window's.
 */
export class PlanBuilder {
  readonly items: PlanItem[] = [];
  private first: PlannedInput | null = null;
  private vid = 0;
  private vScale = 1;
  private cursorTicks = 0;
  private prevEnd: number;
  private endedBy: PlaybackPlan['endedBy'] = 'footage';
  private nextMs: number | null = null;

  constructor(
    private readonly startMs: number,
    private readonly speed = 1,
  ) {
    this.prevEnd = startMs;
  }

  /** The init segment every served fragment decodes against (the first segment's); throws before the first add. */
  get init(): Buffer {
    if (!this.first) throw new Error('recording: nothing planned yet');
    return this.first.media.init;
  }

  /** Plans the next segment: its item, or null when its init differs from the first's (the plan ends before it). */
  add(seg: PlannedInput): PlanItem | null {
    if (this.endedBy === 'init-change') return null;
    const i = this.items.length;
    if (!this.first) {
      this.first = seg;
      this.vid = seg.media.info.videoTrackId;
      this.vScale = seg.media.info.tracks.get(this.vid)!.timescale;
    } else if (!seg.media.init.equals(this.first.media.init)) {
      this.endedBy = 'init-change';
      this.nextMs = seg.startMs;
      return null;
    }
    const { vid, vScale, speed } = this;
    const frags = seg.media.fragments;
    const firstV = frags.find((f) => f.video)!.startS;
    const wallOf = (s: number): number => seg.startMs + Math.round((s - firstV) * 1000);
    let from = 0;
    if (i === 0) {
      const keys = frags.map((f, k) => ({ f, k })).filter(({ f }) => f.video && f.keyframe);
      const at = keys.filter(({ f }) => wallOf(f.startS) <= this.startMs).at(-1) ?? keys[0];
      from = at ? at.k : frags.findIndex((f) => f.video);
    }
    const served = frags.slice(from);
    const v0 = served.find((f) => f.video)!;
    const durTicks = served.filter((f) => f.video).reduce((s, f) => s + Math.round(f.durationS * vScale), 0);
    if (i === 0) {
      // samples of other tracks that begin before the first video sample keep their lead, so none falls below 0
      let lead = 0;
      for (const f of served)
        for (const [track, base] of f.bases)
          lead = Math.max(lead, v0.startS - base / seg.media.info.tracks.get(track)!.timescale);
      this.cursorTicks = Math.ceil(lead * vScale);
    }
    const cursorTicks = this.cursorTicks;
    const shiftS = cursorTicks / vScale - v0.startS;
    const deltas = new Map<number, number>();
    for (const [track, t] of seg.media.info.tracks)
      deltas.set(track, track === vid ? cursorTicks - v0.bases.get(vid)! : Math.round(shiftS * t.timescale));
    const wallStartMs = wallOf(v0.startS);
    const realS = durTicks / vScale;
    const keyframes = speed > MAX_FULL_SPEED ? keyframesOnly(served, from, vid, vScale, speed, cursorTicks) : undefined;
    const shownTicks = keyframes ? keyframes.reduce((n, k) => n + k.ticks, 0) : durTicks;
    const item: PlanItem = {
      segmentId: seg.id,
      from,
      deltas,
      mediaStartS: cursorTicks / vScale,
      durationS: shownTicks / vScale,
      wallStartMs,
      wallEndMs: wallStartMs + Math.round(realS * 1000),
      gapBeforeMs: Math.max(0, wallStartMs - this.prevEnd),
      rate: keyframes ? realS / (shownTicks / vScale) : 1,
      ...(keyframes ? { keyframes } : {}),
    };
    this.items.push(item);
    this.prevEnd = wallStartMs + Math.round(realS * 1000);
    this.cursorTicks += shownTicks;
    return item;
  }

  /** The plan of the segments added; `windowEndMs` is the session's window end. */
  finish(windowEndMs: number): PlaybackPlan {
    if (!this.first) throw new Error('recording: nothing to plan');
    let { endedBy, nextMs } = this;
    if (endedBy === 'footage' && this.prevEnd < windowEndMs) nextMs = null;
    else if (endedBy === 'footage') {
      endedBy = 'window';
      nextMs = this.prevEnd;
    }
    const media = this.first.media;
    return { items: this.items, init: media.init, mime: media.info.init.mime, nextMs, endedBy };
  }
}

/**
 * The keyframe fragments of a segment's served part, each laid at the cursor and shown for the time until the next
 * keyframe (or the segment's end) divided by `speed`.
 */
function keyframesOnly(
  served: SegmentMedia['fragments'],
  from: number,
  vid: number,
  vScale: number,
  speed: number,
  cursorTicks: number,
): Array<{ index: number; delta: number; ticks: number }> {
  const video = served.filter((f) => f.video);
  const endS = video.at(-1)!.startS + video.at(-1)!.durationS;
  const keys = served.map((f, i) => ({ f, index: from + i })).filter(({ f }) => f.video && f.keyframe);
  let at = cursorTicks;
  return keys.map(({ f, index }, k) => {
    const nextS = keys[k + 1]?.f.startS ?? endS;
    const ticks = Math.max(1, Math.round(((nextS - f.startS) * vScale) / speed));
    const out = { index, delta: at - f.bases.get(vid)!, ticks };
    at += ticks;
    return out;
  });
}
