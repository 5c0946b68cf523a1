// SIP over a byte stream (TCP, RFC 3261 §18.3): messages cut by the blank line and Content-Length, with bounded buffering.
import { SipParseError, SipTooLargeError } from './errors';
import { DEFAULT_LIMITS, contentLength, headerEnd, parseHead, type SipLimits, type SipMessage } from './sip-message';

/**
 * Accumulates stream bytes and returns each complete message. A missing Content-Length means no
 * body (as RFC 3261 requires it on streams). Throws SipTooLargeError / SipParseError on a message
 * that cannot be framed; the stream cannot be resynchronised after that and the caller closes it.
 */
export class SipStreamFramer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly limits: SipLimits = DEFAULT_LIMITS) {}

  /** Bytes held, waiting for the rest of a message. */
  get buffered(): number {
    return this.buf.length;
  }

  push(chunk: Buffer): SipMessage[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: SipMessage[] = [];
    for (;;) {
      let at = 0;
      while (at < this.buf.length && (this.buf[at] === 0x0d || this.buf[at] === 0x0a)) at++; // CRLF keep-alives
      if (at) this.buf = this.buf.subarray(at);
      if (!this.buf.length) break;
      const end = headerEnd(this.buf);
      if (!end) {
        if (this.buf.length > this.limits.maxMessageBytes)
          throw new SipTooLargeError('a header section', this.buf.length, this.limits.maxMessageBytes);
        break;
      }
      const head = parseHead(this.buf.toString('utf8', 0, end[0]), this.limits);
      const len = contentLength(head) ?? 0;
      const total = end[0] + end[1] + len;
      if (total > this.limits.maxMessageBytes)
        throw new SipTooLargeError('the message', total, this.limits.maxMessageBytes);
      if (this.buf.length < total) break;
      const body = Buffer.from(this.buf.subarray(end[0] + end[1], total));
      out.push({ ...head, body } as SipMessage);
      this.buf = this.buf.subarray(total);
    }
    if (this.buf.length > this.limits.maxMessageBytes)
      throw new SipParseError('unframed bytes', this.buf.toString('latin1', 0, 40));
    return out;
  }
}
