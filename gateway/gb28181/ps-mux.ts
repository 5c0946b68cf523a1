// MPEG-2 program stream muxer (ISO/IEC 13818-1 §2.5) for GB/T 28181 video: pack header, system header and PSM before keyframes, PES of ≤ 64 kB.
import type { VideoCodec } from './nal';
import { joinAnnexB } from './nal';

export const STREAM_TYPE: Record<VideoCodec, number> = { h264: 0x1b, h265: 0x24 };
const VIDEO_ID = 0xe0;
/** PES payload bytes per packet, leaving room for the header within the 16-bit PES_packet_length. */
const PES_CHUNK = 65_000;

/** CRC-32/MPEG-2 (poly 0x04C11DB7, no reflection), as the PSM's CRC_32 field. */
export function crc32Mpeg(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const b of buf) {
    crc ^= b << 24;
    for (let k = 0; k < 8; k++) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
  }
  return crc >>> 0;
}

/** 33-bit timestamp split as the 3/15/15 bit fields with marker bits, into 5 bytes with a 4-bit prefix. */
function timestamp5(prefix: number, t: number): Buffer {
  const v = t % 2 ** 33;
  const hi = Math.floor(v / 2 ** 30) & 7;
  const mid = Math.floor(v / 2 ** 15) & 0x7fff;
  const lo = v & 0x7fff;
  return Buffer.from([
    (prefix << 4) | (hi << 1) | 1,
    mid >> 7,
    ((mid & 0x7f) << 1) | 1,
    lo >> 7,
    ((lo & 0x7f) << 1) | 1,
  ]);
}

export function packHeader(scr: number, muxRate = 6106): Buffer {
  const v = scr % 2 ** 33;
  const hi = Math.floor(v / 2 ** 30) & 7;
  const mid = Math.floor(v / 2 ** 15) & 0x7fff;
  const lo = v & 0x7fff;
  return Buffer.from([
    0,
    0,
    1,
    0xba,
    0x44 | (hi << 3) | (mid >> 13),
    (mid >> 5) & 0xff,
    ((mid & 0x1f) << 3) | 0x04 | (lo >> 13),
    (lo >> 5) & 0xff,
    ((lo & 0x1f) << 3) | 0x04,
    0x01,
    (muxRate >> 14) & 0xff,
    (muxRate >> 6) & 0xff,
    ((muxRate & 0x3f) << 2) | 0x03,
    0xf8,
  ]);
}

export function systemHeader(muxRate = 6106): Buffer {
  const body = Buffer.from([
    0x80 | ((muxRate >> 15) & 0x7f),
    (muxRate >> 7) & 0xff,
    ((muxRate & 0x7f) << 1) | 1,
    0x04,
    0xe1,
    0xff,
    VIDEO_ID,
    0xe0 | 0x20 | (0x3e8 >> 8),
    0x3e8 & 0xff,
  ]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(body.length);
  return Buffer.concat([Buffer.from([0, 0, 1, 0xbb]), len, body]);
}

export function programStreamMap(codec: VideoCodec): Buffer {
  const entries = Buffer.from([STREAM_TYPE[codec], VIDEO_ID, 0, 0]);
  const fields = Buffer.concat([Buffer.from([0xe0, 0xff, 0, 0, 0, entries.length]), entries]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(fields.length + 4);
  const head = Buffer.concat([Buffer.from([0, 0, 1, 0xbc]), len, fields]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32Mpeg(head));
  return Buffer.concat([head, crc]);
}

function pes(payload: Buffer, pts: number | undefined): Buffer {
  const opt = pts === undefined ? Buffer.alloc(0) : timestamp5(0x2, pts);
  const head = Buffer.from([0, 0, 1, VIDEO_ID, 0, 0, 0x80, pts === undefined ? 0 : 0x80, opt.length]);
  head.writeUInt16BE(3 + opt.length + payload.length, 4);
  return Buffer.concat([head, opt, payload]);
}

/**
 * One picture as program stream bytes: a pack header (SCR = PTS), before a keyframe the system
 * header and PSM, then the picture's Annex B bytes in PES packets (PTS on the first).
 */
export function muxPicture(codec: VideoCodec, nals: Buffer[], pts: number, keyframe: boolean): Buffer {
  const es = joinAnnexB(nals);
  const parts = [packHeader(pts)];
  if (keyframe) parts.push(systemHeader(), programStreamMap(codec));
  for (let at = 0; at < es.length; at += PES_CHUNK)
    parts.push(pes(es.subarray(at, at + PES_CHUNK), at === 0 ? pts : undefined));
  return Buffer.concat(parts);
}
