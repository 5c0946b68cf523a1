// Footage of a lower platform's camera (cascade): its spans, sessions and stream come from the lower platform over the
// link, which plays them as the upper platform's account. What comes back is checked as input from another system.
import { ForbiddenError, NotFoundError } from '../errors';
import type { PlaybackMap, PlaybackRequest } from './playback-types';
import type { SpanAnswer } from './span-kinds';
import type { TimeRange } from './time-range';

/** A camera of a lower platform: the peer, the camera's id there, and whether the peer shares its footage. */
export interface PeerRef {
  peer: string;
  camera: string;
  playback: boolean;
}

/** What playback needs of the lower platforms (declared here, STYLE §5; the cascade wiring provides it). */
export interface PeerFootagePort {
  /** The lower platform behind a camera; null when it is none of a lower platform's. */
  ref(cameraId: string): Promise<PeerRef | null>;
  /** A request to the lower platform; its refusals come back with its status (CascadeRemoteError). */
  request(ref: PeerRef, op: 'rec.spans' | 'rec.open' | 'rec.map', args: Record<string, unknown>): Promise<unknown>;
  /** The fMP4 of a session the lower platform opened (init, then fragments), at the pace it is read. */
  stream(ref: PeerRef, session: string): AsyncGenerator<Buffer>;
}

/** The profile a lower platform's session's token carries: its footage is played there. */
export const PEER_PROFILE = 'peer';

const MAX_ITEMS = 20_000;
const KINDS = new Set(['continuous', 'event', 'mixed', 'device']);

/** The lower platform answered something that is not what was asked for (the peer is authenticated, not trusted). */
function bad(ref: PeerRef, what: string): never {
  throw new NotFoundError(`playback: lower platform ${ref.peer} answered with a malformed ${what}`);
}

const instant = (v: unknown, ref: PeerRef, what: string): string =>
  typeof v === 'string' && v.length <= 40 && Number.isFinite(Date.parse(v))
    ? new Date(v).toISOString()
    : bad(ref, what);
const num = (v: unknown, ref: PeerRef, what: string): number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v < 1e9 ? v : bad(ref, what);
const list = (v: unknown, ref: PeerRef, what: string): unknown[] =>
  Array.isArray(v) && v.length <= MAX_ITEMS ? v : bad(ref, what);
const obj = (v: unknown, ref: PeerRef, what: string): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : bad(ref, what);

/** Refuses before asking when the lower platform does not share the camera's footage with this platform. */
function playable(ref: PeerRef, cameraId: string): void {
  if (!ref.playback)
    throw new ForbiddenError(`playback: lower platform ${ref.peer} does not share camera ${cameraId}'s recordings`);
}

/** The camera's spans as the lower platform lists them (its kinds and gaps), under this platform's camera id. */
export async function peerSpans(
  port: PeerFootagePort,
  ref: PeerRef,
  cameraId: string,
  r: TimeRange,
  profile: 'main' | 'sub',
  operator: string,
): Promise<SpanAnswer> {
  playable(ref, cameraId);
  const from = new Date(r.fromMs).toISOString();
  const to = new Date(r.toMs).toISOString();
  const v = obj(
    await port.request(ref, 'rec.spans', { camera: ref.camera, from, to, profile, operator }),
    ref,
    'span list',
  );
  const spans = list(v.spans, ref, 'span list').map((x) => {
    const s = obj(x, ref, 'span');
    if (typeof s.kind !== 'string' || !KINDS.has(s.kind)) bad(ref, 'span kind');
    return { start: instant(s.start, ref, 'span'), end: instant(s.end, ref, 'span'), kind: s.kind as 'event' };
  });
  const gaps = list(v.gaps, ref, 'gap list').map((x) => {
    const g = obj(x, ref, 'gap');
    return {
      start: instant(g.start, ref, 'gap'),
      end: instant(g.end, ref, 'gap'),
      seconds: num(g.seconds, ref, 'gap'),
    };
  });
  const deviceError = typeof v.deviceError === 'string' ? { deviceError: v.deviceError.slice(0, 300) } : {};
  return { camera: cameraId, profile, from, to, spans, gaps, ...deviceError };
}

/** A session opened at the lower platform: where it starts and ends, and the lower platform's session (opaque). */
export interface PeerWindow {
  startMs: number;
  endMs: number;
  firstMs: number;
  session: string;
  /** The lower platform's session id (its audit log names it). */
  peerSessionId: string;
}

/** Opens the session at the lower platform (which checks the upper platform's account and audits the operator). */
export async function peerWindow(
  port: PeerFootagePort,
  ref: PeerRef,
  cameraId: string,
  req: PlaybackRequest,
  startMs: number,
  operator: string,
): Promise<PeerWindow> {
  playable(ref, cameraId);
  const args = {
    camera: ref.camera,
    start: new Date(startMs).toISOString(),
    ...(req.end ? { end: req.end } : {}),
    profile: req.profile,
    speed: req.speed,
    ...(req.reason ? { reason: req.reason } : {}),
    operator,
  };
  const v = obj(await port.request(ref, 'rec.open', args), ref, 'session');
  const session = typeof v.session === 'string' && /^[\w.-]{1,3000}$/.test(v.session) ? v.session : bad(ref, 'session');
  const ms = (k: string): number => Date.parse(instant(v[k], ref, 'session'));
  const [s, e] = [ms('start'), ms('windowEnd')];
  if (e <= s) bad(ref, 'session');
  const id = typeof v.sessionId === 'string' ? v.sessionId.slice(0, 64) : '';
  return { startMs: s, endMs: e, firstMs: ms('firstSegmentStart'), session, peerSessionId: id };
}

/** The session's map as the lower platform made it, under this platform's camera id. */
export async function peerMap(port: PeerFootagePort, ref: PeerRef, cameraId: string, session: string) {
  const v = obj(await port.request(ref, 'rec.map', { session }), ref, 'map');
  const endedBy = ['window', 'footage', 'init-change'].includes(String(v.endedBy)) ? v.endedBy : bad(ref, 'map');
  const map: PlaybackMap = {
    camera: cameraId,
    profile: PEER_PROFILE,
    start: instant(v.start, ref, 'map'),
    mime:
      typeof v.mime === 'string' && /^video\/mp4(; ?codecs="[\w., ]{1,100}")?$/.test(v.mime) ? v.mime : bad(ref, 'map'),
    segments: list(v.segments, ref, 'map').map((x) => {
      const s = obj(x, ref, 'map segment');
      return {
        id: typeof s.id === 'string' ? s.id.slice(0, 80) : bad(ref, 'map segment'),
        mediaStartS: num(s.mediaStartS, ref, 'map segment'),
        durationS: num(s.durationS, ref, 'map segment'),
        wallStart: instant(s.wallStart, ref, 'map segment'),
        wallEnd: instant(s.wallEnd, ref, 'map segment'),
        rate: num(s.rate, ref, 'map segment'),
      };
    }),
    keyframesOnly: v.keyframesOnly === true,
    gaps: list(v.gaps, ref, 'map').map((x) => {
      const g = obj(x, ref, 'map gap');
      return {
        from: instant(g.from, ref, 'map gap'),
        to: instant(g.to, ref, 'map gap'),
        atMediaS: num(g.atMediaS, ref, 'map gap'),
        seconds: num(g.seconds, ref, 'map gap'),
      };
    }),
    end: instant(v.end, ref, 'map'),
    next: v.next === null ? null : instant(v.next, ref, 'map'),
    endedBy: endedBy as PlaybackMap['endedBy'],
  };
  return map;
}
