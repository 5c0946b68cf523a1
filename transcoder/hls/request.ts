// Playlist delivery directives (_HLS_msn, _HLS_part): strict parsing of the query and the checks of RFC 8216bis 6.2.5.2.
import { TranscoderInputError } from '../errors';

/** A blocking playlist request: wait for segment `msn` (complete), or for its part `part`. */
export interface BlockingRequest {
  msn?: number;
  part?: number;
}

const DIGITS = /^(0|[1-9]\d{0,14})$/;

function directive(query: Record<string, unknown>, name: string): number | undefined {
  const raw = query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !DIGITS.test(raw))
    throw new TranscoderInputError(`transcoder: hls: ${name} must be a whole number, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * The delivery directives of a playlist request's query (e.g. express's req.query): `_HLS_msn`,
 * `_HLS_part` as canonical whole numbers. Others (`_HLS_skip`: no delta updates are offered) are
 * ignored. Throws TranscoderInputError (HTTP 400) on a malformed, repeated or negative value, or a
 * `_HLS_part` without `_HLS_msn`.
 */
export function parseHlsQuery(query: Record<string, unknown>): BlockingRequest {
  const msn = directive(query, '_HLS_msn');
  const part = directive(query, '_HLS_part');
  if (part !== undefined && msn === undefined)
    throw new TranscoderInputError('transcoder: hls: _HLS_part given without _HLS_msn');
  return { ...(msn !== undefined ? { msn } : {}), ...(part !== undefined ? { part } : {}) };
}

/** Checks the shape of a request given as numbers (what parseHlsQuery returns). */
export function checkRequest(req: BlockingRequest): void {
  const whole = (n: unknown): boolean => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (req.msn !== undefined && !whole(req.msn))
    throw new TranscoderInputError(`transcoder: hls: msn must be a whole number, got ${String(req.msn)}`);
  if (req.part !== undefined && (!whole(req.part) || req.msn === undefined))
    throw new TranscoderInputError(`transcoder: hls: part ${String(req.part)} needs a whole number and an msn`);
}

/** Where the playlist stands, for the checks of a blocking request. */
export interface EdgeState {
  /** Media sequence number of the segment in progress (or the next to start). */
  edgeMsn: number;
  /** Parts closed in it so far. */
  edgeParts: number;
  /** PART-TARGET, seconds. */
  partTargetS: number;
}

/**
 * RFC 8216bis 6.2.5.2: a request beyond the last segment by more than two, or beyond the last part
 * by more than the Advance Part Limit (3 ÷ PART-TARGET parts when it is under a second, else 3),
 * is answered at once with 400 — throws TranscoderInputError.
 */
export function checkNotTooFar(req: BlockingRequest, s: EdgeState): void {
  if (req.msn === undefined) return;
  // The last segment listed is the one in progress when it has parts, else the last complete one.
  const lastMsn = s.edgeParts > 0 ? s.edgeMsn : s.edgeMsn - 1;
  if (req.msn > lastMsn + 2)
    throw new TranscoderInputError(
      `transcoder: hls: _HLS_msn ${req.msn} is more than two segments beyond the last one (${lastMsn})`,
    );
  if (req.part === undefined) return;
  const limit = s.partTargetS < 1 ? Math.ceil(3 / s.partTargetS) : 3;
  const ahead = req.msn === s.edgeMsn ? req.part - (s.edgeParts - 1) : req.msn > s.edgeMsn ? req.part + 1 : 0;
  if (ahead > limit)
    throw new TranscoderInputError(
      `transcoder: hls: _HLS_part ${req.part} of segment ${req.msn} is more than ${limit} parts beyond the last one`,
    );
}
