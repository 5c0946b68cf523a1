// RTCP for a receiving client (RFC 3550 §6.4): notes the camera's sender reports, builds receiver reports.
import { randomBytes } from 'node:crypto';
import type { RtpStats } from './depacketizer';

const CNAME = Buffer.from('cloudeye');

/** One per session: `onPacket` with what arrives on the RTCP channel, `report` every few seconds. */
export class RtcpReceiver {
  /** our SSRC, random */
  readonly ssrc = randomBytes(4).readUInt32BE(0);
  /** the middle 32 bits of the NTP time of the last sender report, and when it arrived */
  private lastSr = 0;
  private lastSrAt = 0;
  private prevExpected = 0;
  private prevReceived = 0;

  /** A compound RTCP packet from the camera: sender reports are remembered for LSR/DLSR. */
  onPacket(buf: Buffer, now: number): void {
    let off = 0;
    // bounded by the packet itself: each step advances by at least 4 bytes
    while (off + 8 <= buf.length) {
      const pt = buf[off + 1]!;
      const words = buf.readUInt16BE(off + 2);
      if (pt === 200 && off + 20 <= buf.length) {
        this.lastSr = buf.readUInt32BE(off + 10);
        this.lastSrAt = now;
      }
      off += (words + 1) * 4;
    }
  }

  /** A receiver report about the stream plus an SDES CNAME; null before any RTP packet. */
  report(s: RtpStats, now: number): Buffer | null {
    if (s.extendedSeq < 0) return null;
    const out = Buffer.alloc(32 + 8 + Math.ceil((CNAME.length + 3) / 4) * 4);
    out[0] = 0x81; // V=2, one report block
    out[1] = 201;
    out.writeUInt16BE(7, 2);
    out.writeUInt32BE(this.ssrc, 4);
    out.writeUInt32BE(s.ssrc, 8);
    const expected = s.extendedSeq - s.baseSeq + 1;
    const lost = Math.max(0, Math.min(0x7fffff, expected - s.received));
    const expInt = expected - this.prevExpected;
    const lostInt = expInt - (s.received - this.prevReceived);
    this.prevExpected = expected;
    this.prevReceived = s.received;
    out[12] = expInt > 0 && lostInt > 0 ? Math.min(255, Math.floor((lostInt * 256) / expInt)) : 0;
    out.writeUIntBE(lost, 13, 3);
    out.writeUInt32BE(s.extendedSeq >>> 0, 16);
    out.writeUInt32BE(0, 20); // jitter: not estimated over TCP
    out.writeUInt32BE(this.lastSr >>> 0, 24);
    const dlsr = this.lastSrAt ? Math.min(0xffffffff, Math.round(((now - this.lastSrAt) * 65536) / 1000)) : 0;
    out.writeUInt32BE(dlsr, 28);
    // SDES with one chunk: our SSRC, CNAME item, a null item ending the list, padded to 32 bits
    const sdesLen = out.length - 32;
    out[32] = 0x81;
    out[33] = 202;
    out.writeUInt16BE(sdesLen / 4 - 1, 34);
    out.writeUInt32BE(this.ssrc, 36);
    out[40] = 1;
    out[41] = CNAME.length;
    CNAME.copy(out, 42);
    return out;
  }
}
