// RTP (RFC 3550) of one H.264/H.265 track → NAL units → access units, with loss handling and bounds.
import { RtspError } from '../errors';
import type { AccessUnit } from './types';
import { type NalSink, unpackH264, unpackH265 } from './nal-payload';

export interface DepacketizerOptions {
  codec: 'h264' | 'h265';
  payloadType: number;
  /** One assembled picture, bytes. Default 8 MiB. */
  maxAccessUnitBytes?: number;
  /** NAL units in one picture. Default 1024. */
  maxNals?: number;
  onAccessUnit: (au: AccessUnit) => void;
  onLog: (line: string) => void;
}

/** What an RTCP receiver report needs to say about the stream (RFC 3550 §6.4.1). */
export interface RtpStats {
  ssrc: number;
  /** Packets received (the right payload type), and the extended highest sequence number. */
  received: number;
  extendedSeq: number;
  /** The extended sequence number of the first packet. */
  baseSeq: number;
}

/**
 * Feed it RTP packets in arrival order (`push`); it calls `onAccessUnit` for each complete picture.
 * A picture ends when the RTP timestamp changes or a packet has the marker bit. Pictures are
 * handed on only from the first keyframe, and after a loss (a sequence gap, a broken fragment,
 * a malformed aggregate) from the next keyframe again: a decoder could not use what lies between.
 * Exceeding a bound throws RtspError; payload types other than the track's are ignored.
 */
export class RtpDepacketizer implements NalSink {
  private readonly maxAu: number;
  private readonly maxNals: number;
  private nals: Buffer[] = [];
  private bytes = 0;
  private keyframe = false;
  /** the picture has a coded slice (not only parameter sets or SEI) */
  private vcl = false;
  private auTimestamp = -1;
  /** RTP timestamp of the current packet, extended past wraps */
  private extTs = 0;
  private lastTs = -1;
  private waitKeyframe = true;
  private fuParts: Buffer[] = [];
  private fuBytes = 0;
  private fuHeader: Buffer | null = null;
  private readonly unpack: (payload: Buffer, sink: NalSink) => void;
  readonly stats: RtpStats = { ssrc: 0, received: 0, extendedSeq: -1, baseSeq: 0 };
  private receivedAt = 0;
  private otherPtSeen = false;

  constructor(private readonly opts: DepacketizerOptions) {
    this.maxAu = opts.maxAccessUnitBytes ?? 8 * 1024 * 1024;
    this.maxNals = opts.maxNals ?? 1024;
    this.unpack = opts.codec === 'h264' ? unpackH264 : unpackH265;
  }

  /** One RTP packet (any Buffer view; NAL units handed on may share its memory). `now`: Date.now(). */
  push(pkt: Buffer, now: number): void {
    if (pkt.length < 12 || pkt[0]! >> 6 !== 2) return this.damaged(`malformed RTP packet of ${pkt.length} bytes`);
    const b0 = pkt[0]!;
    const b1 = pkt[1]!;
    if ((b1 & 0x7f) !== this.opts.payloadType) {
      if (!this.otherPtSeen)
        this.opts.onLog(`rtp: ignoring packets of payload type ${b1 & 0x7f} (the track is ${this.opts.payloadType})`);
      this.otherPtSeen = true;
      return;
    }
    let start = 12 + (b0 & 0x0f) * 4;
    let end = pkt.length;
    if (b0 & 0x10) {
      if (start + 4 > end) return this.damaged('RTP header extension past the packet end');
      start += 4 + pkt.readUInt16BE(start + 2) * 4;
    }
    if (b0 & 0x20) end -= pkt[end - 1]!;
    if (start > end) return this.damaged('RTP header, extension or padding longer than the packet');
    const seq = pkt.readUInt16BE(2);
    const ts = pkt.readUInt32BE(4);
    const ssrc = pkt.readUInt32BE(8);
    const st = this.stats;
    if (st.extendedSeq < 0 || ssrc !== st.ssrc) {
      if (st.extendedSeq >= 0) this.damaged(`SSRC changed from ${st.ssrc} to ${ssrc}`);
      st.ssrc = ssrc;
      st.extendedSeq = seq;
      st.baseSeq = seq;
      st.received = 0;
      this.lastTs = -1;
    } else {
      const gap = (seq - st.extendedSeq - 1) & 0xffff;
      // behind or a duplicate (a half range back): TCP delivers in order, so this is a replay
      if (gap >= 0x8000) return;
      if (gap > 0) this.damaged(`${gap} RTP packet(s) lost before sequence number ${seq}`);
      st.extendedSeq += gap + 1;
    }
    st.received++;
    if (this.lastTs < 0) this.extTs = ts;
    else this.extTs += (ts - this.lastTs) | 0;
    this.lastTs = ts;
    this.receivedAt = now;
    if (this.auTimestamp !== this.extTs && (this.nals.length > 0 || this.fuHeader)) this.flush();
    this.auTimestamp = this.extTs;
    if (end > start) this.unpack(pkt.subarray(start, end), this);
    if (b1 & 0x80) this.flush();
  }

  /** A complete NAL unit of the current picture (called by the payload unpackers). */
  nal(nal: Buffer, type: number): void {
    if (this.fuHeader) this.damaged('fragmented NAL unit interrupted by another one');
    const codec = this.opts.codec;
    if (codec === 'h264' ? type === 9 : type === 35) return; // access unit delimiter
    if (codec === 'h264' ? type === 5 : type >= 16 && type <= 21) this.keyframe = true;
    if (codec === 'h264' ? type >= 1 && type <= 5 : type <= 31) this.vcl = true;
    this.bytes += nal.length;
    if (this.bytes > this.maxAu) this.tooLarge();
    if (this.nals.length >= this.maxNals)
      throw new RtspError(
        `transcoder: rtsp: picture with more than ${this.maxNals} NAL units (hostile or broken stream)`,
      );
    this.nals.push(nal);
  }

  /** A fragment of a NAL unit: `header` (the rebuilt NAL header) on the first, `last` on the last. */
  fragment(part: Buffer, header: Buffer | null, last: boolean, type: number): void {
    if (header) {
      if (this.fuHeader) this.damaged('fragmented NAL unit restarted before its end');
      this.fuHeader = header;
      this.fuParts = [];
      this.fuBytes = header.length;
    } else if (!this.fuHeader) {
      // a continuation without its start: already counted as a loss, or the stream started mid-NAL
      return;
    }
    this.fuParts.push(part);
    this.fuBytes += part.length;
    if (this.bytes + this.fuBytes > this.maxAu) this.tooLarge();
    if (!last) return;
    const nal = Buffer.concat([this.fuHeader, ...this.fuParts], this.fuBytes);
    this.fuHeader = null;
    this.fuParts = [];
    this.nal(nal, type);
  }

  /** The payload could not be used: the picture in progress is lost, and the pictures until a keyframe. */
  damaged(why: string): void {
    if (!this.waitKeyframe) this.opts.onLog(`rtp: ${why}: pictures dropped until the next keyframe`);
    this.waitKeyframe = true;
    this.nals = [];
    this.bytes = 0;
    this.keyframe = false;
    this.vcl = false;
    this.fuHeader = null;
    this.fuParts = [];
  }

  /** A payload type the track's packetization mode does not allow. */
  unsupported(what: string): never {
    throw new RtspError(`transcoder: rtsp: ${this.opts.codec === 'h264' ? 'H.264' : 'H.265'} ${what} is not supported`);
  }

  private tooLarge(): never {
    throw new RtspError(
      `transcoder: rtsp: picture larger than the ${this.maxAu}-byte limit (hostile or broken stream)`,
    );
  }

  private flush(): void {
    if (this.fuHeader) this.damaged('fragmented NAL unit without its end');
    // parameter sets or SEI sent with a timestamp or marker of their own belong to the next picture
    if (!this.vcl) return;
    const nals = this.nals;
    const keyframe = this.keyframe;
    this.nals = [];
    this.bytes = 0;
    this.keyframe = false;
    this.vcl = false;
    if (this.waitKeyframe) {
      if (!keyframe) return;
      this.waitKeyframe = false;
    }
    this.opts.onAccessUnit({ nals, timestamp: this.auTimestamp, keyframe, receivedAt: this.receivedAt });
  }
}
