// Splits an RTSP connection's bytes into messages and interleaved frames ('$', channel, length), bounded.
import { RtspError } from '../errors';

/** An RTSP message from the camera: a response, or (rarely) a request it sends the client. */
export interface RtspMessage {
  /** The status code; 0 for a request. */
  status: number;
  /** The reason phrase, or the request line for a request. */
  reason: string;
  /** Header names lower-cased, in arrival order (WWW-Authenticate may repeat). */
  headers: Array<[string, string]>;
  body: Buffer;
}

/** The first value of a header (name lower-case), or undefined. */
export function header(msg: RtspMessage, name: string): string | undefined {
  for (const [k, v] of msg.headers) if (k === name) return v;
  return undefined;
}

const MAX_HEADER_LINES = 128;
const CRLFCRLF = Buffer.from('\r\n\r\n');
const LFLF = Buffer.from('\n\n');

/**
 * Feed it the socket's chunks; it calls `onFrame` for each interleaved frame (the payload is a
 * view of the chunk: no copy) and `onMessage` for each message. Bytes that are neither, a head or
 * body over `maxMessageBytes`, or a frame over `maxFrameBytes` throw RtspError ("hostile ...").
 */
export class RtspReader {
  /** the unparsed tail of the previous chunk: only a partial frame or message, never reused */
  private rest: Buffer | null = null;

  constructor(
    private readonly maxMessageBytes: number,
    private readonly maxFrameBytes: number,
    private readonly onFrame: (channel: number, payload: Buffer, now: number) => void,
    private readonly onMessage: (msg: RtspMessage) => void,
  ) {}

  /** A chunk read at `now` (Date.now(), handed to onFrame: one clock read per chunk, not per packet). */
  push(chunk: Buffer, now: number): void {
    // one copy per read at most, and only when a frame straddles two reads
    const buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = null;
    let off = 0;
    const len = buf.length;
    while (off < len) {
      const c = buf[off]!;
      if (c === 0x24) {
        if (off + 4 > len) break;
        const size = buf.readUInt16BE(off + 2);
        if (size > this.maxFrameBytes)
          throw new RtspError(
            `transcoder: rtsp: hostile interleaved frame of ${size} bytes (limit ${this.maxFrameBytes})`,
          );
        if (off + 4 + size > len) break;
        this.onFrame(buf[off + 1]!, buf.subarray(off + 4, off + 4 + size), now);
        off += 4 + size;
      } else if (c === 0x0d || c === 0x0a) {
        off++; // blank lines between messages
      } else {
        const used = this.message(buf, off);
        if (used === 0) break;
        off += used;
      }
    }
    if (off < len) this.rest = buf.subarray(off);
  }

  /** Parses one message at `off`; returns its length, or 0 when it is not complete yet. */
  private message(buf: Buffer, off: number): number {
    const startLen = Math.min(buf.length - off, 8);
    const start = buf.toString('latin1', off, off + startLen);
    // "RTSP/1.0 200" or a request line "GET_PARAMETER rtsp://…": anything else is not RTSP
    if (!/^(RTSP\/|[A-Z_]{1,8}$|[A-Z_]+ )/.test(start) && !'RTSP/'.startsWith(start))
      throw new RtspError(`transcoder: rtsp: hostile or garbled answer (not RTSP): ${JSON.stringify(start)}`);
    // the head ends at a blank line: CRLF CRLF, or LF LF from the few cameras that end lines with LF alone
    const crlf = buf.indexOf(CRLFCRLF, off);
    const lf = buf.indexOf(LFLF, off);
    const end = lf >= 0 && (crlf < 0 || lf < crlf) ? lf : crlf;
    const sepLen = end === lf && end >= 0 ? 2 : 4;
    if (end < 0 || end - off > this.maxMessageBytes) {
      if (buf.length - off > this.maxMessageBytes || (end >= 0 && end - off > this.maxMessageBytes))
        throw new RtspError(`transcoder: rtsp: hostile answer head longer than ${this.maxMessageBytes} bytes`);
      return 0;
    }
    const lines = buf.toString('latin1', off, end).split(/\r?\n/);
    if (lines.length > MAX_HEADER_LINES)
      throw new RtspError(
        `transcoder: rtsp: hostile answer with ${lines.length} header lines (limit ${MAX_HEADER_LINES})`,
      );
    const first = lines[0]!;
    const status = /^RTSP\/\d\.\d (\d{3})(?: (.*))?$/.exec(first);
    if (!status && !/^[A-Z_]+ \S+ RTSP\/\d\.\d$/.test(first))
      throw new RtspError(`transcoder: rtsp: garbled status line ${JSON.stringify(first.slice(0, 80))}`);
    const headers: Array<[string, string]> = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(':');
      if (colon <= 0) throw new RtspError(`transcoder: rtsp: garbled header line ${JSON.stringify(line.slice(0, 80))}`);
      headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
    const headLen = end + sepLen - off;
    const cl = headers.find(([k]) => k === 'content-length')?.[1] ?? '0';
    if (!/^\d{1,10}$/.test(cl))
      throw new RtspError(`transcoder: rtsp: garbled Content-Length ${JSON.stringify(cl.slice(0, 20))}`);
    const bodyLen = Number(cl);
    if (headLen + bodyLen > this.maxMessageBytes)
      throw new RtspError(
        `transcoder: rtsp: hostile Content-Length ${bodyLen}: the answer would exceed the ${this.maxMessageBytes}-byte limit`,
      );
    if (off + headLen + bodyLen > buf.length) return 0;
    const body = Buffer.from(buf.subarray(off + headLen, off + headLen + bodyLen));
    this.onMessage({
      status: status ? Number(status[1]) : 0,
      // the reason phrase ends up in 'closed' reasons and logs: printable and short
      reason: (status ? (status[2] ?? '') : first).replace(/[^\x20-\x7e]/g, '?').slice(0, 200),
      headers,
      body,
    });
    return headLen + bodyLen;
  }
}
