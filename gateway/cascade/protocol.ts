// The cascade link's wire protocol: JSON text messages, binary media frames (channel + payload), and the one catalog item check.
import { CascadeRefused } from './errors';

/** A camera as a lower platform publishes it upward. */
export interface CatalogItem {
  /** The camera's id on the lower platform (1–64 of A-Z a-z 0-9 _ -). */
  id: string;
  name: string;
  /** WGS-84 degrees. */
  lng: number;
  lat: number;
  bearing: number | null;
  fov: number | null;
  rangeM: number | null;
  address: string;
  status: 'unknown' | 'online' | 'offline' | 'unauthorized' | 'degraded';
  /** The upper platform may move it (its share grants PTZ and the camera has it). */
  ptz: boolean;
  /** The upper platform's account may play its recordings (a live+playback share). */
  playback: boolean;
  /** Codec of its main stream, as the lower platform pulls it. */
  codec: 'h264' | 'h265';
}

/** Lower → upper: the whole catalog (replaces what the upper platform holds of the peer), or changes. */
export type CatalogMessage =
  { t: 'catalog'; full: true; items: unknown[] } | { t: 'catalog'; full: false; upsert: unknown[]; remove: unknown[] };

/** Upper → lower: a request; answered by one `res` with the same id. */
export interface RequestMessage {
  t: 'req';
  id: number;
  op: 'live.open' | 'live.close' | 'ptz' | 'rec.spans' | 'rec.open' | 'rec.map' | 'rec.stream' | 'rec.close';
  args: Record<string, unknown>;
}

export interface ResponseMessage {
  t: 'res';
  id: number;
  ok: boolean;
  result?: unknown;
  /** On refusal: the lower platform's HTTP status and message. */
  error?: { status: number; message: string };
}

/** Lower → upper: a live channel's text messages (the live WebSocket protocol's, wrapped) and its end. */
export interface LiveMessage {
  t: 'live';
  ch: number;
  /** The live protocol message (init, state, clock) or, on end, the close code and reason. */
  msg?: unknown;
  end?: { code: number; reason: string };
}

/** Lower → upper: the end of a footage channel (all its bytes were sent before it), or why it broke off. */
export interface RecEndMessage {
  t: 'rec';
  ch: number;
  end: { ok: boolean; reason: string };
}

/** Upper → lower: `bytes` more of a footage channel were passed on (the lower side may send that many more). */
export interface AckMessage {
  t: 'ack';
  ch: number;
  bytes: number;
}

export type LinkMessage = CatalogMessage | RequestMessage | ResponseMessage | LiveMessage | RecEndMessage | AckMessage;

/** Largest text message either side accepts (a full catalog of 10,000 cameras fits), bytes. */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;
/** Most catalog items in one message. */
export const MAX_ITEMS = 20_000;
/** Footage channels are numbered from here (live channels below it). */
export const REC_CHANNEL_BASE = 0x8000_0000;
/** Bytes of a footage channel the lower platform sends ahead of the upper platform's acknowledgements. */
export const REC_WINDOW_BYTES = 2 * 1024 * 1024;
/** Path of the link on the upper platform's cascade port. */
export const LINK_PATH = '/cascade/v1/link';
/** WebSocket close codes of the link. */
export const LINK_CLOSE = {
  goingAway: 1001,
  protocol: 1008,
  /** Another link of the same peer replaced this one. */
  replaced: 4409,
} as const;

/** A binary frame: 4-byte channel id, then the payload (an init segment or a fragment). */
export function mediaFrame(ch: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(ch >>> 0, 0);
  return Buffer.concat([head, payload]);
}

export function readMediaFrame(frame: Buffer): { ch: number; payload: Buffer } | null {
  if (frame.length < 5) return null;
  return { ch: frame.readUInt32BE(0), payload: frame.subarray(4) };
}

/** Parses a text message; null (with why) for what is not one of the protocol's. */
export function parseMessage(text: string): { msg: LinkMessage } | { refused: string } {
  if (text.length > MAX_TEXT_BYTES) return { refused: `message of ${text.length} characters` };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { refused: 'message is not JSON' };
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) return { refused: 'message is not a JSON object' };
  const t = (v as { t?: unknown }).t;
  if (t !== 'catalog' && t !== 'req' && t !== 'res' && t !== 'live' && t !== 'rec' && t !== 'ack')
    return { refused: `unknown message type ${JSON.stringify(String(t).slice(0, 40))}` };
  return { msg: v as LinkMessage };
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
// control characters, bidi overrides and markup-breaking characters have no place in a camera's name
const BAD_TEXT = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069<>]/;
const STATUSES = new Set(['unknown', 'online', 'offline', 'unauthorized', 'degraded']);
const KEYS = new Set([
  'id',
  'name',
  'lng',
  'lat',
  'bearing',
  'fov',
  'rangeM',
  'address',
  'status',
  'ptz',
  'playback',
  'codec',
]);

function text(v: unknown, what: string, max: number, id: string): string {
  if (typeof v !== 'string') throw new CascadeRefused(`cascade: camera ${id}: ${what} is not a string`);
  const s = v.trim();
  if (s.length > max) throw new CascadeRefused(`cascade: camera ${id}: ${what} longer than ${max} characters`);
  if (BAD_TEXT.test(s))
    throw new CascadeRefused(
      `cascade: camera ${id}: ${what} ${JSON.stringify(s.slice(0, 40))} has forbidden characters`,
    );
  return s;
}

function range(v: unknown, what: string, lo: number, hi: number, id: string, nullable: boolean): number | null {
  if (v === null && nullable) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
    throw new CascadeRefused(`cascade: camera ${id}: ${what} ${JSON.stringify(v)} is not a number from ${lo} to ${hi}`);
  return v;
}

/** The id of a catalog item, when it has a valid one (for removals and log lines). */
export function itemId(v: unknown): string | null {
  const id = (v as { id?: unknown } | null)?.id;
  return typeof id === 'string' && ID.test(id) ? id : null;
}

/**
 * Checks one catalog item as registry input: known keys only, a valid id, clean name and address, a position on
 * the globe, known status and codec. Throws CascadeRefused naming the item and the field.
 */
export function catalogItem(v: unknown): CatalogItem {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new CascadeRefused('cascade: catalog item is not an object');
  const o = v as Record<string, unknown>;
  const id = itemId(o);
  if (!id)
    throw new CascadeRefused(
      `cascade: catalog item id ${JSON.stringify(String(o.id).slice(0, 40))} is not 1–64 of A-Z a-z 0-9 _ -`,
    );
  const extra = Object.keys(o).filter((k) => !KEYS.has(k));
  if (extra.length)
    throw new CascadeRefused(`cascade: camera ${id}: unknown field ${JSON.stringify(extra[0]!.slice(0, 40))}`);
  const name = text(o.name, 'name', 200, id);
  if (!name) throw new CascadeRefused(`cascade: camera ${id}: name is empty`);
  if (typeof o.status !== 'string' || !STATUSES.has(o.status))
    throw new CascadeRefused(`cascade: camera ${id}: status ${JSON.stringify(o.status)} is not a camera status`);
  if (o.codec !== 'h264' && o.codec !== 'h265')
    throw new CascadeRefused(`cascade: camera ${id}: codec ${JSON.stringify(o.codec)} is not h264 or h265`);
  if (typeof o.ptz !== 'boolean' || typeof o.playback !== 'boolean')
    throw new CascadeRefused(`cascade: camera ${id}: ptz and playback must be true or false`);
  return {
    id,
    name,
    lng: range(o.lng, 'longitude', -180, 180, id, false)!,
    lat: range(o.lat, 'latitude', -90, 90, id, false)!,
    bearing: range(o.bearing, 'bearing', 0, 360, id, true),
    fov: range(o.fov, 'field of view', 0, 360, id, true),
    rangeM: range(o.rangeM, 'range', 0, 100_000, id, true),
    address: text(o.address ?? '', 'address', 400, id),
    status: o.status as CatalogItem['status'],
    ptz: o.ptz,
    playback: o.playback,
    codec: o.codec,
  };
}
