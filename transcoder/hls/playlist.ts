// Writes the LL-HLS media playlist (RFC 8216bis) of a packager's segments: full segments for every player, parts near the edge.
import type { HlsSegment } from './segmenter';
import { initName, partName, segmentName } from './names';

/** What a playlist is written from. */
export interface PlaylistView {
  /** Complete segments, oldest first (at least one). */
  segments: readonly HlsSegment[];
  /** The segment in progress (its closed parts are listed), or null. */
  current: HlsSegment | null;
  /** EXT-X-TARGETDURATION, whole seconds ≥ 1. */
  targetDurationS: number;
  /** EXT-X-PART-INF PART-TARGET, seconds (every part is at most this long). */
  partTargetS: number;
  discontinuitySequence: number;
  /** Media sequence number and index of the part that will come next (EXT-X-PRELOAD-HINT). */
  next: { msn: number; part: number };
}

/** Seconds as HLS decimals, rounded up to the millisecond (a bound must not round below what it bounds). */
export const ceilMs = (s: number): string => (Math.ceil(s * 1000 - 1e-6) / 1000).toFixed(3);
const dur = (s: number): string => s.toFixed(5);

/** Target duration for segments of at most `longestS` seconds (and a configured `targetS`): whole seconds ≥ 1. */
export function targetDuration(targetS: number, longestS: number): number {
  return Math.max(1, Math.ceil(targetS - 0.001), Math.ceil(longestS - 0.001));
}

/**
 * The media playlist. Every complete segment is listed with EXTINF (what a plain HLS player reads);
 * EXT-X-PART lines are given for the segments within three target durations of the live edge and
 * for the one in progress, then an EXT-X-PRELOAD-HINT for the next part. A new run (generation)
 * gets its own EXT-X-MAP after an EXT-X-DISCONTINUITY.
 */
export function renderPlaylist(v: PlaylistView): string {
  const td = v.targetDurationS;
  const out = [
    '#EXTM3U',
    '#EXT-X-VERSION:9',
    `#EXT-X-TARGETDURATION:${td}`,
    `#EXT-X-PART-INF:PART-TARGET=${ceilMs(v.partTargetS)}`,
    `#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=${ceilMs(3 * v.partTargetS)},HOLD-BACK=${ceilMs(3 * td)}`,
    `#EXT-X-MEDIA-SEQUENCE:${v.segments[0]?.msn ?? v.next.msn}`,
    `#EXT-X-DISCONTINUITY-SEQUENCE:${v.discontinuitySequence}`,
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  // Parts of a complete segment are listed while less than 3 target durations of media follow it.
  const withParts = new Set<number>();
  let after = v.current?.durationS ?? 0;
  for (let i = v.segments.length - 1; i >= 0 && after < 3 * td - 0.001; i--) {
    withParts.add(v.segments[i]!.msn);
    after += v.segments[i]!.durationS;
  }
  let generation: number | null = null;
  const head = (s: HlsSegment): void => {
    if (s.discontinuity) out.push('#EXT-X-DISCONTINUITY');
    if (s.generation !== generation) out.push(`#EXT-X-MAP:URI="${initName(s.generation)}"`);
    generation = s.generation;
    out.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(s.programDateTimeMs).toISOString()}`);
  };
  const parts = (s: HlsSegment): void => {
    for (const p of s.parts)
      out.push(
        `#EXT-X-PART:DURATION=${dur(p.durationS)},URI="${partName(s.msn, p.index)}"${p.independent ? ',INDEPENDENT=YES' : ''}`,
      );
  };
  for (const s of v.segments) {
    head(s);
    if (withParts.has(s.msn)) parts(s);
    out.push(`#EXTINF:${dur(s.durationS)},`, segmentName(s.msn));
  }
  if (v.current && v.current.parts.length > 0) {
    head(v.current);
    parts(v.current);
  }
  out.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI="${partName(v.next.msn, v.next.part)}"`);
  return `${out.join('\n')}\n`;
}
