// Stream grants: POST /cameras/{id}/streams (HLS URL, live WebSocket path, replay path), renewal, retry rules, token rewriting for hls.js.
import { api, ApiError, gatewayOrigin, type ApiAuth } from '../core/api';

/** What the gateway answers to a stream call (contract of POST /cameras/{id}/streams). */
export interface StreamGrant {
  /** HLS playlist (LL-HLS when the gateway builds parts). */
  url: string;
  /** WebSocket path of the fMP4 live stream, `/live/<token>/<key>` (absent on an older gateway). */
  live?: string;
  /** Instant replay path, `/live/<token>/<key>/replay.mp4` (fMP4 of the last seconds held). */
  replay?: string;
  expiresAt: string;
  sessionId: string;
  started?: boolean;
  codec?: 'h264' | 'h265';
  transcoded?: boolean;
}

/** The codec string asked of MSE to learn whether this browser decodes H.265. */
export const H265_PROBE = 'video/mp4; codecs="hvc1.1.6.L93.B0"';

/** Whether this browser can decode H.265 in MSE (then the gateway may send it as is, without transcoding). */
export function canDecodeH265(): boolean {
  try {
    const ms = mediaSourceClass();
    return ms !== null && ms.isTypeSupported(H265_PROBE);
  } catch {
    return false;
  }
}

/** ManagedMediaSource (Safari on iOS) or MediaSource, or null when this browser has neither. */
export function mediaSourceClass(): typeof MediaSource | null {
  const w = globalThis as unknown as { ManagedMediaSource?: typeof MediaSource; MediaSource?: typeof MediaSource };
  return w.ManagedMediaSource ?? w.MediaSource ?? null;
}

/**
 * Calls a stream; with the `sessionId` of an earlier grant, renews it (a fresh token for the same
 * session). `h265: false` asks for H.264 even when this browser could decode H.265 (after a decode error).
 */
export async function requestStream(
  cameraId: string,
  profile: 'main' | 'sub',
  reason?: string,
  sessionId?: string,
  opts: { h265?: boolean; auth?: ApiAuth } = {},
): Promise<StreamGrant> {
  const h265 = opts.h265 ?? canDecodeH265();
  const g = await api<StreamGrant>('POST', `/cameras/${encodeURIComponent(cameraId)}/streams`, {
    body: { profile, h265, ...(reason ? { reason } : {}), ...(sessionId ? { sessionId } : {}) },
    ...(opts.auth ? { auth: opts.auth } : {}),
  });
  // an embedded widget's gateway is not its page's origin: its paths are made absolute
  const origin = opts.auth?.origin ?? gatewayOrigin();
  const at = (p: string): string => (p.startsWith('/') ? origin + p : p);
  return {
    ...g,
    url: at(g.url),
    ...(g.live ? { live: at(g.live) } : {}),
    ...(g.replay ? { replay: at(g.replay) } : {}),
  };
}

/** Milliseconds to wait before asking again after `err` (Retry-After for a full node, else backoff). */
export function retryDelayMs(err: unknown, attempt: number): number {
  if (err instanceof ApiError && err.retryAfterS) return err.retryAfterS * 1000;
  return Math.min(15_000, 1000 * 2 ** attempt);
}

/** Whether asking again can help (not a policy refusal or a missing camera). */
export function retryable(err: unknown): boolean {
  return !(err instanceof ApiError) || err.status === 503 || err.status >= 500 || err.status === 429;
}

/** The ws:// or wss:// URL of a grant's live path on this page's origin. */
export function liveSocketUrl(path: string): string {
  const u = new URL(path, location.href);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

/**
 * Maps the pieces of an old stream URL that changed in a renewed one (the signed token in a query
 * parameter or a path segment) so that requests hls.js builds from the old playlist use the new token.
 */
export function tokenRewrites(oldUrl: string, newUrl: string): Array<[string, string]> {
  const split = (u: string): string[] => u.split(/[/?&=]/);
  const a = split(oldUrl);
  const b = split(newUrl);
  if (a.length !== b.length) return [];
  const out: Array<[string, string]> = [];
  a.forEach((piece, i) => {
    const next = b[i]!;
    if (piece !== next && piece.length >= 16) out.push([piece, next]);
  });
  return out;
}
