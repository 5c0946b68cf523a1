// MPEG-2 program stream demuxer for GB/T 28181 media: PS bytes in, H.264/H.265 pictures out; bounded, resyncs on the next pack start code.
import { isKeyframe, splitAnnexB, type VideoAccessUnit, type VideoCodec } from './nal';

const CODECS: Record<number, VideoCodec> = { 0x1b: 'h264', 0x24: 'h265' };

export interface PsDemuxOptions {
  onAccessUnit: (au: VideoAccessUnit) => void;
  /** Largest picture accepted, bytes; a bigger one is dropped and the demuxer resyncs. Default 8 MiB. */
  maxAccessUnitBytes?: number;
  /** Codec to assume before a PSM is seen (devices that never send one). Default: wait for the PSM. */
  defaultCodec?: VideoCodec;
}

export interface PsDemuxStats {
  accessUnits: number;
  /** Bytes skipped while looking for a pack start code (garbage, or the rest of a broken packet). */
  skippedBytes: number;
  /** Headers that were not valid (pack, PES flags, lengths running past their packet). */
  malformed: number;
  /** Pictures dropped: over the size bound, without a PTS, before the PSM named the codec, or cut by loss. */
  droppedUnits: number;
}

/**
 * Feeds on the PS bytes of an RTP session (payloads in sequence order). Holds at most one PS packet
 * (≤ 64 KiB + 6) plus the picture being assembled (≤ maxAccessUnitBytes). A picture is handed on when
 * the next picture's first PES (a new PTS) arrives, or on flush().
 */
export class PsDemuxer {
  readonly stats: PsDemuxStats = { accessUnits: 0, skippedBytes: 0, malformed: 0, droppedUnits: 0 };
  private buf: Buffer = Buffer.alloc(0);
  private codec: VideoCodec | undefined;
  private videoIds = new Set<number>();
  private cur: { pts: number; codec: VideoCodec | undefined; chunks: Buffer[]; size: number } | null = null;
  /** Skip video payload until a PES with a PTS starts a new picture (after loss or an oversized picture). */
  private skipping = false;
  /** A pack header came after the picture's last PES: the picture is whole (GB/T 28181 starts each picture with a pack). */
  private packSinceData = false;
  /** Offset in buf up to which the video PES being awaited was searched for a pack start code. */
  private scanned = 0;
  /** PTS of a picture dropped by discard(): its later PES packets are skipped too. */
  private droppedPts = -1;
  private readonly maxAu: number;

  constructor(private readonly opts: PsDemuxOptions) {
    this.maxAu = opts.maxAccessUnitBytes ?? 8 * 1024 * 1024;
    this.codec = opts.defaultCodec;
  }

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let at = 0;
    for (;;) {
      const used = this.packet(at);
      if (used === 0) break;
      at += used;
    }
    this.buf = at >= this.buf.length ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(at));
    this.scanned = Math.max(0, this.scanned - at);
  }

  /** Loss upstream (an RTP sequence gap): the picture being assembled is dropped and the stream resynced. */
  discard(): void {
    this.giveUp();
    this.scanned = 0;
    this.resyncFrom(0);
  }

  /** Drops the picture being assembled unless a pack header already closed it (then it is whole and handed on). */
  private giveUp(): void {
    if (this.cur && this.packSinceData) this.emit();
    if (this.cur) {
      this.stats.droppedUnits++;
      this.droppedPts = this.cur.pts;
    }
    this.cur = null;
    this.skipping = true;
  }

  /** Hands on the picture being assembled: at the end of the stream, or on the RTP marker bit that closes a picture. */
  flush(): void {
    this.emit();
  }

  /** Parses the packet at `at`; returns bytes consumed, or 0 to wait for more. */
  private packet(at: number): number {
    const b = this.buf;
    if (b.length - at < 4) return 0;
    if (b[at] !== 0 || b[at + 1] !== 0 || b[at + 2] !== 1) return this.skip(at);
    const id = b[at + 3] ?? 0;
    if (id === 0xba) {
      if (b.length - at < 14) return 0;
      if (((b[at + 4] ?? 0) & 0xc4) !== 0x44) return this.bad(at);
      this.packSinceData = true;
      return 14 + ((b[at + 13] ?? 0) & 7);
    }
    if (id === 0xb9) return 4;
    if (id < 0xbb) return this.bad(at);
    if (b.length - at < 6) return 0;
    const len = b.readUInt16BE(at + 4);
    if (len === 0) return this.bad(at); // unbounded PES is a transport-stream form, never valid in PS
    if (id >= 0xe0 && id <= 0xef) {
      // 00 00 01 BA cannot occur inside H.264/H.265 (forbidden_zero_bit set): a pack start inside a video PES means its
      // length is a lie (corruption, or a hostile size); the picture is given up and the stream resyncs there.
      const end = Math.min(b.length, at + 6 + len);
      const inner = b.indexOf(PACK, Math.max(at + 6, this.scanned - 3));
      this.scanned = end;
      if (inner >= 0 && inner < end) {
        this.stats.malformed++;
        this.giveUp();
        this.scanned = 0;
        this.stats.skippedBytes += inner - at;
        return inner - at;
      }
    }
    if (b.length - at < 6 + len) return 0;
    this.scanned = 0;
    const body = b.subarray(at + 6, at + 6 + len);
    if (id === 0xbc) this.psm(body);
    else if (id >= 0xe0 && id <= 0xef && (this.videoIds.size === 0 || this.videoIds.has(id))) {
      if (!this.pes(body)) return this.bad(at);
    }
    return 6 + len;
  }

  private psm(body: Buffer): void {
    if (body.length < 6) return void this.stats.malformed++;
    const infoLen = body.readUInt16BE(2);
    let p = 4 + infoLen;
    if (p + 2 > body.length) return void this.stats.malformed++;
    const mapLen = body.readUInt16BE(p);
    p += 2;
    const end = Math.min(body.length, p + mapLen);
    const ids = new Set<number>();
    while (p + 4 <= end) {
      const type = body[p] ?? 0;
      const id = body[p + 1] ?? 0;
      const codec = CODECS[type];
      if (codec && id >= 0xe0 && id <= 0xef) {
        this.codec = codec;
        ids.add(id);
      }
      p += 4 + body.readUInt16BE(p + 2);
    }
    if (ids.size) this.videoIds = ids;
  }

  /** One video PES body (after its length field); false when its header is malformed. */
  private pes(body: Buffer): boolean {
    if (body.length < 3 || ((body[0] ?? 0) & 0xc0) !== 0x80) return false;
    const hdr = body[2] ?? 0;
    if (3 + hdr > body.length) return false;
    let pts: number | undefined;
    if ((body[1] ?? 0) & 0x80) {
      if (hdr < 5) return false;
      const t = body.subarray(3, 8);
      pts =
        (((t[0] ?? 0) >> 1) & 7) * 2 ** 30 +
        (((t[1] ?? 0) << 7) | ((t[2] ?? 0) >> 1)) * 2 ** 15 +
        (((t[3] ?? 0) << 7) | ((t[4] ?? 0) >> 1));
    }
    let payload = body.subarray(3 + hdr);
    if (pts !== undefined && pts === this.droppedPts && !this.cur) return true;
    if (pts !== undefined && (!this.cur || this.cur.pts !== pts)) {
      // The PTS is that of the first picture starting in this PES; bytes before it end the previous one
      // (GB/T 28181 devices align pictures to PES packets, generic muxers such as DVD/VOB do not).
      const cut = this.pictureStart(payload);
      if (cut > 0 && this.cur && !this.skipping) this.append(payload.subarray(0, cut));
      payload = payload.subarray(cut);
      this.emit();
      this.skipping = false;
      this.cur = { pts, codec: this.codec, chunks: [], size: 0 };
    }
    if (this.skipping) return true;
    if (!this.cur) {
      this.stats.droppedUnits++;
      this.skipping = true;
      return true;
    }
    this.append(payload);
    return true;
  }

  private append(payload: Buffer): void {
    if (!this.cur || !payload.length) return;
    this.cur.size += payload.length;
    if (this.cur.size > this.maxAu) {
      this.stats.droppedUnits++;
      this.cur = null;
      this.skipping = true;
      return;
    }
    this.cur.chunks.push(Buffer.from(payload));
    this.packSinceData = false;
  }

  /** Where a new picture begins in a PES payload: 0 when it starts with a start code, else at its access unit delimiter or first start code. */
  private pictureStart(payload: Buffer): number {
    const sc = (at: number): boolean => payload[at] === 0 && payload[at + 1] === 0 && payload[at + 2] === 1;
    if (sc(0) || (payload[0] === 0 && sc(1))) return 0;
    const audByte = this.codec === 'h265' ? 0x46 : 0x09;
    let first = -1;
    for (let i = payload.indexOf(START3); i >= 0; i = payload.indexOf(START3, i + 3)) {
      const at = i > 0 && payload[i - 1] === 0 ? i - 1 : i;
      if (first < 0) first = at;
      if (payload[i + 3] === audByte) return at;
    }
    return first < 0 ? payload.length : first;
  }

  private emit(): void {
    const cur = this.cur;
    this.cur = null;
    if (!cur || !cur.size) return;
    const codec = cur.codec; // as the PSM said when the picture began
    if (!codec) return void this.stats.droppedUnits++;
    const nals = splitAnnexB(Buffer.concat(cur.chunks));
    if (!nals.length) return void this.stats.droppedUnits++;
    this.stats.accessUnits++;
    this.opts.onAccessUnit({ codec, nals, pts: cur.pts, keyframe: isKeyframe(codec, nals) });
  }

  private bad(at: number): number {
    this.stats.malformed++;
    return this.skipFrom(at, at + 1);
  }

  private skip(at: number): number {
    return this.skipFrom(at, at);
  }

  /** Skips to the next pack start code 00 00 01 BA at or after `from`, keeping a possible partial one. */
  private skipFrom(at: number, from: number): number {
    const next = this.buf.indexOf(PACK, from);
    if (next >= 0) {
      this.stats.skippedBytes += next - at;
      return next - at;
    }
    const keep = Math.max(at, this.buf.length - 3);
    this.stats.skippedBytes += keep - at;
    if (keep === at) return 0;
    return keep - at;
  }

  private resyncFrom(at: number): void {
    const next = this.buf.indexOf(PACK, at);
    this.stats.skippedBytes += next < 0 ? this.buf.length : next;
    this.buf = next < 0 ? Buffer.alloc(0) : Buffer.from(this.buf.subarray(next));
  }
}

const PACK = Buffer.from([0, 0, 1, 0xba]);
const START3 = Buffer.from([0, 0, 1]);
