// Stream URLs for a camera: POST /cameras/{id}/streams, renewed before the signed token expires; token rewriting for hls.js requests.
import { api, ApiError } from '../core/api';

export interface StreamGrant {
  url: string;
  expiresAt: string;
  sessionId: string;
}

/** Whether this browser can decode H.265 in MSE (then the gateway may skip transcoding). */
export function canDecodeH265(): boolean {
  try {
    return typeof MediaSource !== 'undefined' && MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L93.B0"');
  } catch {
    return false;
  }
}

/** Calls a stream; with the `sessionId` of an earlier grant, renews it (a fresh token for the same session). */
export async function requestStream(
  cameraId: string,
  profile: 'main' | 'sub',
  reason?: string,
  sessionId?: string,
): Promise<StreamGrant> {
  return api<StreamGrant>('POST', `/cameras/${encodeURIComponent(cameraId)}/streams`, {
    body: { profile, h265: canDecodeH265(), ...(reason ? { reason } : {}), ...(sessionId ? { sessionId } : {}) },
  });
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
