// Hand-built RTP packets and NAL units for depacketizer tests (H.264 RFC 6184, H.265 RFC 7798).
import { RtpDepacketizer } from '../../transcoder/rtsp/depacketizer';
import type { AccessUnit } from '../../transcoder/rtsp/types';

export interface Pkt {
  seq: number;
  ts: number;
  payload: Buffer;
  marker?: boolean;
  pt?: number;
  ssrc?: number;
  csrc?: number;
  /** extension words */
  ext?: number;
  /** padding bytes */
  pad?: number;
}

export function rtp(p: Pkt): Buffer {
  const csrc = p.csrc ?? 0;
  const ext = p.ext === undefined ? Buffer.alloc(0) : Buffer.alloc(4 + p.ext * 4);
  if (p.ext !== undefined) {
    ext.writeUInt16BE(0xbede, 0);
    ext.writeUInt16BE(p.ext, 2);
    ext.fill(0xee, 4);
  }
  const h = Buffer.alloc(12 + csrc * 4);
  h[0] = 0x80 | (p.pad ? 0x20 : 0) | (p.ext !== undefined ? 0x10 : 0) | csrc;
  h[1] = (p.marker ? 0x80 : 0) | (p.pt ?? 96);
  h.writeUInt16BE(p.seq & 0xffff, 2);
  h.writeUInt32BE(p.ts >>> 0, 4);
  h.writeUInt32BE(p.ssrc ?? 0x1234, 8);
  const pad = p.pad ? Buffer.alloc(p.pad, 0) : Buffer.alloc(0);
  if (p.pad) pad[p.pad - 1] = p.pad;
  return Buffer.concat([h, ext, p.payload, pad]);
}

/** An H.264 NAL unit of `type` with `len` bytes (header included), recognisable content. */
export const nal264 = (type: number, len = 10, fill = type): Buffer =>
  Buffer.concat([Buffer.from([0x60 | type]), Buffer.alloc(len - 1, fill)]);
/** An H.265 NAL unit (2-byte header, layer 0, tid 1). */
export const nal265 = (type: number, len = 10, fill = type): Buffer =>
  Buffer.concat([Buffer.from([type << 1, 1]), Buffer.alloc(len - 2, fill)]);
export const stapA = (...nals: Buffer[]): Buffer =>
  Buffer.concat([Buffer.from([0x78]), ...nals.flatMap((n) => [Buffer.from([n.length >> 8, n.length & 0xff]), n])]);
export const ap265 = (...nals: Buffer[]): Buffer =>
  Buffer.concat([
    Buffer.from([48 << 1, 1]),
    ...nals.flatMap((n) => [Buffer.from([n.length >> 8, n.length & 0xff]), n]),
  ]);
/** FU-A pieces of an H.264 NAL unit, `size` payload bytes each. */
export function fuA(nal: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  const body = nal.subarray(1);
  for (let off = 0; off < body.length; off += size) {
    const s = off === 0 ? 0x80 : 0;
    const e = off + size >= body.length ? 0x40 : 0;
    out.push(
      Buffer.concat([Buffer.from([(nal[0]! & 0xe0) | 28, s | e | (nal[0]! & 0x1f)]), body.subarray(off, off + size)]),
    );
  }
  return out;
}
export function fu265(nal: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  const body = nal.subarray(2);
  const type = (nal[0]! >> 1) & 0x3f;
  for (let off = 0; off < body.length; off += size) {
    const s = off === 0 ? 0x80 : 0;
    const e = off + size >= body.length ? 0x40 : 0;
    out.push(
      Buffer.concat([
        Buffer.from([(nal[0]! & 0x81) | (49 << 1), nal[1]!, s | e | type]),
        body.subarray(off, off + size),
      ]),
    );
  }
  return out;
}

export function make(codec: 'h264' | 'h265', opts: { maxAccessUnitBytes?: number; maxNals?: number } = {}) {
  const aus: AccessUnit[] = [];
  const logs: string[] = [];
  const d = new RtpDepacketizer({
    codec,
    payloadType: 96,
    ...opts,
    onAccessUnit: (au) => aus.push(au),
    onLog: (l) => logs.push(l),
  });
  let seq = 65530;
  const send = (ts: number, payloads: Buffer[], extra: Partial<Pkt> = {}): void =>
    payloads.forEach((payload, i) =>
      d.push(rtp({ seq: seq++, ts, payload, marker: i === payloads.length - 1, ...extra }), 1000),
    );
  return { d, aus, logs, send, skip: (n: number) => (seq += n) };
}

export const types264 = (au: AccessUnit): number[] => au.nals.map((n) => n[0]! & 0x1f);
export const types265 = (au: AccessUnit): number[] => au.nals.map((n) => (n[0]! >> 1) & 0x3f);
