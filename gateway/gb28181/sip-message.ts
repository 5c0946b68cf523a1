// SIP messages (RFC 3261 §7, the subset GB/T 28181 uses): parse one message with bounded sizes, serialise one.
import { SipParseError, SipTooLargeError } from './errors';

/** One header line as it was received; `name` is the canonical long form (compact forms expanded). */
export interface SipHeader {
  name: string;
  value: string;
}

interface SipBase {
  headers: SipHeader[];
  body: Buffer;
}

export interface SipRequest extends SipBase {
  kind: 'request';
  method: string;
  uri: string;
}

export interface SipResponse extends SipBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Bounds applied to every received message. */
export interface SipLimits {
  /** Whole message (start line, headers and body), bytes. Default 65535 (a UDP datagram's most). */
  maxMessageBytes: number;
  /** Header lines after folding. Default 64. */
  maxHeaders: number;
  /** One header line, bytes. Default 4096. */
  maxHeaderBytes: number;
}

export const DEFAULT_LIMITS: SipLimits = { maxMessageBytes: 65535, maxHeaders: 64, maxHeaderBytes: 4096 };

/** RFC 3261 §7.3.3 compact forms, and the canonical spelling of the headers GB/T 28181 uses. */
const COMPACT: Record<string, string> = {
  i: 'Call-ID',
  m: 'Contact',
  e: 'Content-Encoding',
  l: 'Content-Length',
  c: 'Content-Type',
  f: 'From',
  s: 'Subject',
  k: 'Supported',
  t: 'To',
  v: 'Via',
};
const CANONICAL = new Map(
  [
    'Call-ID',
    'CSeq',
    'WWW-Authenticate',
    'Authorization',
    'Content-Length',
    'Content-Type',
    'Max-Forwards',
    'User-Agent',
    'Via',
    'From',
    'To',
    'Contact',
    'Expires',
    'Subject',
    'Route',
    'Record-Route',
    'Date',
    'Allow',
    'Supported',
    'Event',
    'Subscription-State',
    'Proxy-Authenticate',
    'Proxy-Authorization',
  ].map((n) => [n.toLowerCase(), n]),
);
const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;

/** The canonical name of a header: compact forms expanded, known names in their RFC spelling. */
export function canonicalName(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1 && COMPACT[lower]) return COMPACT[lower];
  return CANONICAL.get(lower) ?? name;
}

/** The first value of header `name` (any spelling or compact form), trimmed; undefined when absent. */
export function header(msg: { headers: SipHeader[] }, name: string): string | undefined {
  const want = canonicalName(name).toLowerCase();
  return msg.headers.find((h) => h.name.toLowerCase() === want)?.value;
}

/** Every value of header `name`, comma-separated lists split (outside quotes and angle brackets). */
export function headerValues(msg: { headers: SipHeader[] }, name: string): string[] {
  const want = canonicalName(name).toLowerCase();
  return msg.headers.filter((h) => h.name.toLowerCase() === want).flatMap((h) => splitList(h.value));
}

/** Splits "a, b" at top-level commas (not inside "quotes" or <brackets>). */
export function splitList(v: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '"' && v[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === ',') {
      out.push(v.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(v.slice(start).trim());
  return out.filter((s) => s !== '');
}

/** Position of the blank line ending the header section: [index of its first byte, length of the separator]. */
export function headerEnd(buf: Buffer, from = 0): [number, number] | null {
  const crlf = buf.indexOf('\r\n\r\n', from, 'latin1');
  const lf = buf.indexOf('\n\n', from, 'latin1');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return [crlf, 4];
  if (lf >= 0) return [lf, 2];
  return null;
}

/** Parses the start line and headers (text before the blank line); the body is attached by the caller. */
export function parseHead(
  text: string,
  limits: SipLimits = DEFAULT_LIMITS,
): Omit<SipRequest, 'body'> | Omit<SipResponse, 'body'> {
  const lines = text.split(/\r?\n/);
  const start = lines.shift() ?? '';
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (line === '') continue;
    if (line.length > limits.maxHeaderBytes)
      throw new SipTooLargeError('a header line', line.length, limits.maxHeaderBytes);
    if (line[0] === ' ' || line[0] === '\t') {
      const last = headers[headers.length - 1];
      if (!last) throw new SipParseError('continuation line before any header', line);
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError('header line without a name', line);
    const name = line.slice(0, colon).trim();
    if (!TOKEN.test(name)) throw new SipParseError('header name is not a token', line);
    headers.push({ name: canonicalName(name), value: line.slice(colon + 1).trim() });
    if (headers.length > limits.maxHeaders)
      throw new SipTooLargeError('the header count', headers.length, limits.maxHeaders);
  }
  const res = /^SIP\/2\.0 ([1-6]\d\d) ?(.*)$/.exec(start);
  if (res) return { kind: 'response', status: Number(res[1]), reason: res[2] ?? '', headers };
  const req = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(start);
  if (!req) throw new SipParseError('not a SIP request or status line', start);
  const uri = req[2] ?? '';
  if (!/^sips?:/i.test(uri)) throw new SipParseError('request URI is not sip: or sips:', start);
  return { kind: 'request', method: (req[1] ?? '').toUpperCase(), uri, headers };
}

/** The Content-Length of a parsed head: undefined when absent; throws on a malformed value. */
export function contentLength(head: { headers: SipHeader[] }): number | undefined {
  const v = header(head, 'Content-Length');
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new SipParseError('Content-Length is not a number', v);
  return Number(v);
}

/**
 * Parses one whole message, as one UDP datagram carries it. Leading CRLFs (keep-alive pings) are
 * skipped. Without Content-Length the body is the rest of the datagram; bytes past Content-Length
 * are ignored; a body shorter than Content-Length is an error (RFC 3261 §18.3).
 */
export function parseSip(buf: Buffer, limits: SipLimits = DEFAULT_LIMITS): SipMessage {
  if (buf.length > limits.maxMessageBytes)
    throw new SipTooLargeError('the message', buf.length, limits.maxMessageBytes);
  let at = 0;
  while (at < buf.length && (buf[at] === 0x0d || buf[at] === 0x0a)) at++;
  const end = headerEnd(buf, at);
  if (!end) throw new SipParseError('no blank line after the headers', buf.subarray(at, at + 80).toString('latin1'));
  const head = parseHead(buf.toString('utf8', at, end[0]), limits);
  const bodyAt = end[0] + end[1];
  const len = contentLength(head);
  const rest = buf.length - bodyAt;
  if (len !== undefined && len > rest)
    throw new SipParseError(`Content-Length ${len} but ${rest} bytes follow`, `Content-Length: ${len}`);
  const body = Buffer.from(buf.subarray(bodyAt, bodyAt + (len ?? rest)));
  return { ...head, body } as SipMessage;
}

/** Serialises a message with CRLF line ends; Content-Length is set to the body's length. */
export function serializeSip(msg: SipMessage): Buffer {
  const start = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0` : `SIP/2.0 ${msg.status} ${msg.reason}`;
  const lines = [start];
  for (const h of msg.headers) if (h.name.toLowerCase() !== 'content-length') lines.push(`${h.name}: ${h.value}`);
  lines.push(`Content-Length: ${msg.body.length}`, '', '');
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'utf8'), msg.body]);
}
