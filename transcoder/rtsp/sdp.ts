// SDP of a DESCRIBE answer (RFC 8866): the first H.264/H.265 video track and what else was offered, bounded.
import { RtspError } from '../errors';
import type { OtherMedia, VideoTrack } from './types';

/** Longest SDP accepted (characters); the RTSP message bound usually cuts earlier. */
export const MAX_SDP_CHARS = 64 * 1024;
const MAX_LINES = 2000;
const MAX_MEDIA = 64;
/** Parameter sets per kind and the size of one (bytes): real ones are tens of bytes. */
const MAX_PARAM_SETS = 16;
const MAX_PARAM_SET_BYTES = 4096;

interface Media {
  media: string;
  formats: string[];
  /** payload type → upper-cased encoding name and clock rate */
  rtpmap: Map<string, { encoding: string; clockRate: number }>;
  /** payload type → fmtp parameters, keys lower-cased */
  fmtp: Map<string, Map<string, string>>;
  control: string | null;
}

const fail = (why: string): never => {
  throw new RtspError(`transcoder: rtsp: SDP ${why}`);
};

/**
 * Parses an SDP and returns its first usable H.264 or H.265 (also named HEVC) video track at
 * 90000 Hz, and every other media section. `baseUrl` (Content-Base, Content-Location or the
 * DESCRIBE URL, without credentials) resolves the track's a=control. Throws RtspError when there
 * is no usable video (the message says why the candidates were refused: packetization-mode 2,
 * sprop-max-don-diff > 0) or the text is oversized.
 */
export function parseSdp(text: string, baseUrl: string): { track: VideoTrack; others: OtherMedia[] } {
  if (text.length > MAX_SDP_CHARS) fail(`of ${text.length} characters is above the ${MAX_SDP_CHARS} limit`);
  const lines = text.split(/\r?\n/);
  if (lines.length > MAX_LINES) fail(`of ${lines.length} lines is above the ${MAX_LINES} limit`);
  let sessionControl: string | null = null;
  const medias: Media[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (line.length < 2 || line[1] !== '=') continue;
    const kind = line[0];
    const value = line.slice(2);
    const cur = medias[medias.length - 1];
    if (kind === 'm') {
      if (medias.length >= MAX_MEDIA) fail(`with more than ${MAX_MEDIA} media sections`);
      const [media = '', , , ...formats] = value.split(/\s+/);
      medias.push({ media: media.toLowerCase(), formats, rtpmap: new Map(), fmtp: new Map(), control: null });
    } else if (kind === 'a') {
      const colon = value.indexOf(':');
      const name = (colon < 0 ? value : value.slice(0, colon)).toLowerCase();
      const arg = colon < 0 ? '' : value.slice(colon + 1).trim();
      if (name === 'control') {
        if (cur) cur.control = arg;
        else sessionControl = arg;
      } else if (cur && name === 'rtpmap') {
        // the clock rate is missing in some (application) media: "a=rtpmap:98 MetaData"
        const m = /^(\d+)\s+([^/\s]+)(?:\/(\d+))?/.exec(arg);
        if (m) cur.rtpmap.set(m[1]!, { encoding: m[2]!.toUpperCase(), clockRate: Number(m[3] ?? 0) });
      } else if (cur && name === 'fmtp') {
        const m = /^(\d+)\s+(.*)$/.exec(arg);
        if (m) cur.fmtp.set(m[1]!, parseFmtp(m[2]!));
      }
    }
  }
  const base = sessionControl && sessionControl !== '*' ? resolveControl(sessionControl, baseUrl) : baseUrl;
  let chosen: { media: Media; track: VideoTrack } | null = null;
  const refusals: string[] = [];
  for (const media of medias) {
    if (chosen || media.media !== 'video') continue;
    for (const pt of media.formats) {
      const map = media.rtpmap.get(pt);
      const codec =
        map?.encoding === 'H264' ? 'h264' : map?.encoding === 'H265' || map?.encoding === 'HEVC' ? 'h265' : null;
      if (!map || !codec) continue;
      const why = refusal(codec, pt, map.clockRate, media.fmtp.get(pt));
      if (why) {
        refusals.push(why);
        continue;
      }
      const track = videoTrack(codec, Number(pt), map.clockRate, media.fmtp.get(pt) ?? new Map<string, string>());
      track.controlUrl = resolveControl(media.control ?? '*', base);
      chosen = { media, track };
      break;
    }
  }
  if (!chosen) {
    const offered = medias.map((m) => `${m.media} ${[...m.rtpmap.values()].map((r) => r.encoding).join('/') || '?'}`);
    return fail(
      refusals.length > 0
        ? `video refused: ${refusals.join('; ')}`
        : `offers no H.264/H.265 video at 90000 Hz (media: ${offered.join(', ') || 'none'})`,
    );
  }
  const others = medias
    .filter((m) => m !== chosen.media)
    .map((m) => ({ media: m.media, encoding: (m.formats[0] && m.rtpmap.get(m.formats[0])?.encoding) || '' }));
  return { track: chosen.track, others };
}

function refusal(
  codec: 'h264' | 'h265',
  pt: string,
  clockRate: number,
  fmtp: Map<string, string> | undefined,
): string | null {
  if (clockRate !== 90000) return `payload type ${pt} has clock rate ${clockRate}, not 90000`;
  const n = Number(pt);
  if (!Number.isInteger(n) || n < 0 || n > 127) return `payload type ${pt} is not 0-127`;
  if (codec === 'h264') {
    const mode = fmtp?.get('packetization-mode') ?? '0';
    if (mode !== '0' && mode !== '1')
      return `H.264 packetization-mode=${mode.slice(0, 20)} (interleaved) is not supported (0 or 1 only)`;
  } else {
    const don = fmtp?.get('sprop-max-don-diff') ?? '0';
    if (don !== '0') return `H.265 sprop-max-don-diff=${don.slice(0, 20)} (DONL fields) is not supported`;
  }
  return null;
}

function videoTrack(
  codec: 'h264' | 'h265',
  payloadType: number,
  clockRate: number,
  fmtp: Map<string, string>,
): VideoTrack {
  const track: VideoTrack = { codec, payloadType, clockRate, controlUrl: '', vps: [], sps: [], pps: [] };
  const sets =
    codec === 'h264'
      ? decodeSets(fmtp.get('sprop-parameter-sets'))
      : [
          ...decodeSets(fmtp.get('sprop-vps')),
          ...decodeSets(fmtp.get('sprop-sps')),
          ...decodeSets(fmtp.get('sprop-pps')),
        ];
  // sorted by their NAL type, whatever key carried them: some cameras list them in any order
  for (const nal of sets) {
    const type = codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f;
    const list =
      codec === 'h264' ? { 7: track.sps, 8: track.pps }[type] : { 32: track.vps, 33: track.sps, 34: track.pps }[type];
    if (list && list.length < MAX_PARAM_SETS) list.push(nal);
  }
  return track;
}

/** Base64 NAL units of a comma list; empty, malformed or oversized entries are skipped. */
function decodeSets(value: string | undefined): Buffer[] {
  if (!value) return [];
  const out: Buffer[] = [];
  for (const item of value.split(',').slice(0, MAX_PARAM_SETS)) {
    const b64 = item.trim();
    if (b64.length === 0 || b64.length > (MAX_PARAM_SET_BYTES * 4) / 3 + 4 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
      continue;
    const nal = Buffer.from(b64, 'base64');
    if (nal.length >= 2) out.push(nal);
  }
  return out;
}

/** "a=1; b=2;c" → {a: '1', b: '2', c: ''}: keys lower-cased, values kept (base64 may hold '='). */
export function parseFmtp(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of text.split(';').slice(0, 64)) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (key) out.set(key, eq < 0 ? '' : part.slice(eq + 1).trim());
  }
  return out;
}

/**
 * A media's a=control against the base: absolute (rtsp:// or rtsps://) as is, '*' or empty → the
 * base, a path from '/' → on the base's host, relative → appended to the base with one '/' between (as cameras mean it, not RFC 3986
 * replacement of the last segment: "rtsp://h/live" + "trackID=1" → "rtsp://h/live/trackID=1").
 */
export function resolveControl(control: string, base: string): string {
  if (control === '' || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return control;
  // an absolute path: on the base's host
  if (control.startsWith('/')) return (/^rtsps?:\/\/[^/]*/i.exec(base)?.[0] ?? '') + control;
  return base.endsWith('/') ? base + control : `${base}/${control}`;
}
