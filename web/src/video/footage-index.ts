// What the console asks the gateway about recorded footage: spans and gaps of a camera, its events, playback sessions.
import { api, gatewayOrigin, qs, type ApiAuth } from '../core/api';
import type { PlaybackMapView } from './playback-time';

/** device: footage kept by the camera's own device (a GB/T 28181 NVR), played from it. */
export type SpanKind = 'continuous' | 'event' | 'mixed' | 'device';

/** Footage of a camera over a range, in ms since the epoch. */
export interface FootageView {
  fromMs: number;
  toMs: number;
  spans: Array<{ startMs: number; endMs: number; kind: SpanKind }>;
  gaps: Array<{ startMs: number; endMs: number }>;
}

/** The longest range one spans query may ask for (recording.playback.maxSpanDays is 31). */
const MAX_QUERY_MS = 30 * 86_400_000;

/** A playback session as POST /cameras/{id}/playback answers it. */
export interface PlaybackSession {
  sessionId: string;
  stream: string;
  map: string;
  hls: string;
  start: string;
  windowEnd: string;
  firstSegmentStart: string;
  speed: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Spans and gaps of `cameraId` over [fromMs, toMs): the range is cut to what a query may ask (30 days, not starting in
 * the future).
 */
export async function loadFootage(cameraId: string, fromMs: number, toMs: number, signal?: AbortSignal) {
  const now = Date.now();
  const to = Math.min(toMs, now + 60_000);
  const from = Math.max(fromMs, to - MAX_QUERY_MS);
  if (from >= now) return { fromMs: from, toMs: to, spans: [], gaps: [] } satisfies FootageView;
  const r = await api<{
    spans: Array<{ start: string; end: string; kind: SpanKind }>;
    gaps: Array<{ start: string; end: string }>;
  }>('GET', `/cameras/${cameraId}/recordings${qs({ from: iso(from), to: iso(to) })}`, signal ? { signal } : {});
  return {
    fromMs: from,
    toMs: to,
    spans: r.spans.map((s) => ({ startMs: Date.parse(s.start), endMs: Date.parse(s.end), kind: s.kind })),
    gaps: r.gaps.map((g) => ({ startMs: Date.parse(g.start), endMs: Date.parse(g.end) })),
  } satisfies FootageView;
}

/** Times (ms) of the camera's events over the range; empty when the caller may not read events. */
export async function loadEventTimes(cameraId: string, fromMs: number, toMs: number, signal?: AbortSignal) {
  try {
    const r = await api<{ items: Array<{ at: string }> }>(
      'GET',
      `/events${qs({ camera: cameraId, from: iso(fromMs), to: iso(Math.min(toMs, Date.now())), limit: 500 })}`,
      signal ? { signal } : {},
    );
    return r.items.map((e) => Date.parse(e.at));
  } catch {
    return [];
  }
}

/** Opens a playback session of `cameraId` at wall-clock `startMs` (404 when there is no footage from there). */
export async function openSession(
  cameraId: string,
  startMs: number,
  speed: number,
  profile: 'main' | 'sub' = 'main',
  auth?: ApiAuth,
) {
  const r = await api<PlaybackSession>('POST', `/cameras/${cameraId}/playback`, {
    body: { start: iso(Math.min(startMs, Date.now() - 1)), speed, profile },
    ...(auth ? { auth } : {}),
  });
  // an embedded widget's gateway is not its page's origin: its paths are made absolute
  const origin = auth?.origin ?? gatewayOrigin();
  const at = (p: string): string => (p.startsWith('/') ? origin + p : p);
  return { ...r, stream: at(r.stream), map: at(r.map), hls: at(r.hls) };
}

/** The wall-clock map of a session's stream. */
export async function fetchMap(session: PlaybackSession, signal?: AbortSignal): Promise<PlaybackMapView> {
  const res = await fetch(session.map, signal ? { signal } : {});
  if (!res.ok) throw new Error(`playback map: HTTP ${res.status}`);
  return (await res.json()) as PlaybackMapView;
}
