// RTP (RFC 3550) packets with bounds checks, RFC 4571 framing over TCP, and a receiver that checks SSRC and sequence.
import { GbMediaError } from './errors';

export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** Parses one RTP packet; throws GbMediaError on a wrong version or lengths that run past the packet. */
export function parseRtp(buf: Buffer): RtpPacket {
  if (buf.length < 12) throw new GbMediaError('RTP packet shorter than 12 bytes', buf.length);
  const b0 = buf[0] ?? 0;
  if (b0 >> 6 !== 2) throw new GbMediaError('RTP version is not 2', b0 >> 6);
  let at = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (at + 4 > buf.length) throw new GbMediaError('RTP extension header past the end', buf.length);
    at += 4 + buf.readUInt16BE(at + 2) * 4;
  }
  let end = buf.length;
  if (b0 & 0x20) end -= buf[buf.length - 1] ?? 0;
  if (at > end) throw new GbMediaError('RTP header or padding longer than the packet', buf.length);
  const b1 = buf[1] ?? 0;
  return {
    payloadType: b1 & 0x7f,
    marker: (b1 & 0x80) !== 0,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    payload: buf.subarray(at, end),
  };
}

export function buildRtp(p: RtpPacket): Buffer {
  const h = Buffer.alloc(12);
  h[0] = 0x80;
  h[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  h.writeUInt16BE(p.sequence & 0xffff, 2);
  h.writeUInt32BE(p.timestamp >>> 0, 4);
  h.writeUInt32BE(p.ssrc >>> 0, 8);
  return Buffer.concat([h, p.payload]);
}

/** RFC 4571: a 2-byte big-endian length before each packet on a TCP stream. */
export function frame4571(packet: Buffer): Buffer {
  if (packet.length > 0xffff) throw new GbMediaError('RTP packet over 65535 bytes for RFC 4571', packet.length);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(packet.length);
  return Buffer.concat([len, packet]);
}

/** Cuts an RFC 4571 stream into packets; holds at most one partial frame (< 64 KiB + 2). */
export class Rfc4571Framer {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buf.length >= 2) {
      const len = this.buf.readUInt16BE(0);
      if (this.buf.length < 2 + len) break;
      if (len > 0) out.push(Buffer.from(this.buf.subarray(2, 2 + len)));
      this.buf = this.buf.subarray(2 + len);
    }
    return out;
  }
}

export interface RtpReceiverStats {
  packets: number;
  /** Packets refused as malformed. */
  malformed: number;
  /** Packets with another SSRC than the one expected. */
  wrongSsrc: number;
  /** Sequence numbers missing (a gap counts its size). */
  lost: number;
}

/**
 * Checks packets of one RTP session: parses, drops malformed ones and (when `ssrc` is given) those
 * of another SSRC, and reports sequence gaps so the depacketiser can discard a damaged picture.
 */
export class RtpReceiver {
  readonly stats: RtpReceiverStats = { packets: 0, malformed: 0, wrongSsrc: 0, lost: 0 };
  private lastSeq = -1;

  constructor(
    private readonly onPacket: (p: RtpPacket, gap: boolean) => void,
    private readonly ssrc?: number,
  ) {}

  push(buf: Buffer): void {
    let p: RtpPacket;
    try {
      p = parseRtp(buf);
    } catch {
      this.stats.malformed++;
      return;
    }
    if (this.ssrc !== undefined && p.ssrc !== this.ssrc) {
      this.stats.wrongSsrc++;
      return;
    }
    this.stats.packets++;
    let gap = false;
    if (this.lastSeq >= 0) {
      const d = (p.sequence - this.lastSeq) & 0xffff;
      if (d === 0 || d > 0x8000) return; // duplicate or late: dropped
      if (d > 1) {
        gap = true;
        this.stats.lost += d - 1;
      }
    }
    this.lastSeq = p.sequence;
    this.onPacket(p, gap);
  }
}

/** Cuts a payload (a PS chunk of one picture) into RTP packets of at most `mtu` payload bytes, marker on the last. */
export class RtpPacketizer {
  private seq: number;

  constructor(
    readonly ssrc: number,
    readonly payloadType = 96,
    private readonly mtu = 1400,
  ) {
    this.seq = Math.floor(Math.random() * 0xffff);
  }

  packetize(payload: Buffer, timestamp: number): Buffer[] {
    const out: Buffer[] = [];
    for (let at = 0; at < payload.length; at += this.mtu) {
      const part = payload.subarray(at, at + this.mtu);
      const marker = at + this.mtu >= payload.length;
      out.push(
        buildRtp({
          payloadType: this.payloadType,
          marker,
          sequence: this.seq,
          timestamp,
          ssrc: this.ssrc,
          payload: part,
        }),
      );
      this.seq = (this.seq + 1) & 0xffff;
    }
    return out;
  }
}
