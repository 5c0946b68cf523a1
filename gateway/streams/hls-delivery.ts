// HLS from memory: a stream token's playlist (LL-HLS blocking reload), init, segment and part bytes from the packager.
import { UnavailableError } from '../errors';
import type { StreamGrant, StreamService } from './stream-service';

export interface HlsRequest {
  token: string;
  key: string;
  /** 'index.m3u8' | 'init<g>.mp4' | 'seg<n>.m4s' | 'part<n>.<i>.m4s' (checked by the route). */
  name: string;
  /** _HLS_msn / _HLS_part of a blocking playlist reload. */
  msn?: number | undefined;
  part?: number | undefined;
  /** Aborted when the client goes away (ends a blocking reload). */
  signal?: AbortSignal;
  ip: string;
  /** Further checks of the grant by the caller (an embed token's origin); throws to refuse. */
  check?: (grant: StreamGrant) => void;
}

/** What to send: the playlist text or a file's bytes; null: 404 (unknown or rotated out, or the stream stopped). */
export type HlsAnswer = { kind: 'playlist'; body: string } | { kind: 'media'; body: Buffer } | null;

/**
 * Authorizes one HLS request (token, session, visibility: every request) and answers it from the
 * output's packager. A playlist request for an output that stopped (its viewer paused past the idle
 * timeout) starts it again for the same session.
 */
export async function deliverHls(streams: StreamService, r: HlsRequest): Promise<HlsAnswer> {
  const grant = await streams.authorize(r.token, r.key, r.ip, 'hls');
  r.check?.(grant);
  streams.sawHls(grant.session);
  const playlist = r.name === 'index.m3u8';
  let source = streams.backend.hls(r.key);
  if (!source && playlist) {
    await streams.ensureRunning(grant);
    source = streams.backend.hls(r.key);
  }
  if (!source) return null;
  if (!playlist) {
    const body = await source.fileWhenReady(r.name, r.signal ? { signal: r.signal } : {});
    return body ? { kind: 'media', body } : null;
  }
  const signal = r.signal;
  let text = await source.playlist({ msn: r.msn, part: r.part, ...(signal ? { signal } : {}) });
  // a fresh output has no complete part yet: wait (a few target durations at most) for its first
  if (text === null && r.msn === undefined)
    text = await source.playlist({ msn: 0, part: 0, ...(signal ? { signal } : {}) });
  if (text === null)
    throw new UnavailableError(`stream: ${r.key} has no playlist part ${r.msn ?? 0}.${r.part ?? 0} yet`, 1);
  return { kind: 'playlist', body: text };
}
