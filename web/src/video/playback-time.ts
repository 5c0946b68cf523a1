// The true wall-clock time of a playback stream's media time, from the session's map (gaps jumped, keyframes-only rates).

/** A served segment as the map gives it (GET /playback/<token>/map). */
export interface MapSegment {
  mediaStartS: number;
  durationS: number;
  wallStart: string;
  wallEnd: string;
  /** Wall-clock seconds per media second (1; the speed when keyframes only are served). */
  rate: number;
}

/** A session's map: its segments in media order, where the footage ended, and where the next session starts. */
export interface PlaybackMapView {
  mime: string;
  segments: MapSegment[];
  gaps: Array<{ from: string; to: string; atMediaS: number; seconds: number }>;
  end: string;
  next: string | null;
}

/**
 * Wall-clock ms shown at media time `mediaS` of a stream whose map is `segments` (media order), or null without
 * segments. Between segments (a gap jumped) the later segment's start; past the end, the last one's end.
 */
export function wallAt(segments: readonly MapSegment[], mediaS: number): number | null {
  let seg: MapSegment | undefined;
  for (const s of segments) {
    if (s.mediaStartS > mediaS + 1e-6) break;
    seg = s;
  }
  if (!seg) return segments[0] ? Date.parse(segments[0].wallStart) : null;
  const start = Date.parse(seg.wallStart);
  const end = Date.parse(seg.wallEnd);
  return Math.min(end, start + Math.max(0, mediaS - seg.mediaStartS) * seg.rate * 1000);
}

/** The media time (s) at which wall-clock `ms` is shown, or null when it lies outside the map's segments (a gap). */
export function mediaAt(segments: readonly MapSegment[], ms: number): number | null {
  for (const s of segments) {
    const start = Date.parse(s.wallStart);
    if (ms >= start && ms <= Date.parse(s.wallEnd)) return s.mediaStartS + (ms - start) / 1000 / s.rate;
  }
  return null;
}
