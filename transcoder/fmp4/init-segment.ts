// Reads an init segment (ftyp + moov): RFC 6381 codec strings, picture size, timescales and fragment defaults.
import { Fmp4Error } from '../errors';
import { children, Fields, inside, need, type Box } from './boxes';
import type { InitSegment } from './types';

/** Per-track defaults of fragments (trex in moov/mvex) and the track's timescale. */
export interface TrackInfo {
  id: number;
  kind: 'video' | 'audio' | 'other';
  timescale: number;
  defaultDuration: number;
  defaultSize: number;
  defaultFlags: number;
}

/** What fragment parsing needs from the init segment, beside the InitSegment itself. */
export interface InitInfo {
  init: InitSegment;
  videoTrackId: number;
  tracks: Map<number, TrackInfo>;
}

function fail(why: string): never {
  throw new Fmp4Error(`transcoder: fmp4: init segment: ${why}`);
}

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** avc1.PPCCLL from an avcC box (prefix: the sample entry's type, avc1 or avc3). */
export function avcCodec(buf: Buffer, avcC: Box, prefix: string): string {
  const f = new Fields(buf, avcC, 'avcC');
  if (f.u8() !== 1) fail('avcC: configurationVersion is not 1');
  return `${prefix}.${hex2(f.u8())}${hex2(f.u8())}${hex2(f.u8())}`;
}

/** hvc1.<space><idc>.<compat reversed>.<L|H><level>[.<constraint bytes>] from an hvcC box (ISO 14496-15 E.3). */
export function hevcCodec(buf: Buffer, hvcC: Box, prefix: string): string {
  const f = new Fields(buf, hvcC, 'hvcC');
  if (f.u8() !== 1) fail('hvcC: configurationVersion is not 1');
  const b = f.u8();
  const space = ['', 'A', 'B', 'C'][b >> 6]!;
  const tier = b & 0x20 ? 'H' : 'L';
  const idc = b & 0x1f;
  let compat = f.u32();
  let reversed = 0;
  for (let i = 0; i < 32; i++) {
    reversed = (reversed << 1) | (compat & 1);
    compat >>>= 1;
  }
  const constraints = [...f.bytes(6)];
  while (constraints.length && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = f.u8();
  const tail = constraints.map((c) => '.' + c.toString(16).toUpperCase()).join('');
  return `${prefix}.${space}${idc}.${(reversed >>> 0).toString(16).toUpperCase()}.${tier}${level}${tail}`;
}

/** Reads an MPEG-4 descriptor's tag and expandable size (ISO 14496-1 8.3.3). */
function descriptor(f: Fields): { tag: number; size: number } {
  const tag = f.u8();
  let size = 0;
  for (let i = 0; i < 4; i++) {
    const b = f.u8();
    size = (size << 7) | (b & 0x7f);
    if (!(b & 0x80)) break;
  }
  return { tag, size };
}

/** mp4a.40.<audio object type> (or mp4a.<OTI hex> for other MPEG-4 audio) from an esds box. */
export function esdsCodec(buf: Buffer, esds: Box): string {
  const f = new Fields(buf, esds, 'esds');
  f.full();
  const es = descriptor(f);
  if (es.tag !== 0x03) fail(`esds: expected an ES_Descriptor (tag 3), got tag ${es.tag}`);
  f.skip(2);
  const esFlags = f.u8();
  if (esFlags & 0x80) f.skip(2);
  if (esFlags & 0x40) f.skip(f.u8());
  if (esFlags & 0x20) f.skip(2);
  const dc = descriptor(f);
  if (dc.tag !== 0x04) fail(`esds: expected a DecoderConfigDescriptor (tag 4), got tag ${dc.tag}`);
  const oti = f.u8();
  f.skip(12);
  if (oti !== 0x40) return `mp4a.${hex2(oti).toUpperCase()}`;
  const dsi = descriptor(f);
  if (dsi.tag !== 0x05) fail(`esds: expected an AudioSpecificConfig (tag 5), got tag ${dsi.tag}`);
  const b0 = f.u8();
  let aot = b0 >> 3;
  if (aot === 31) aot = 32 + (((b0 & 0x07) << 3) | (f.u8() >> 5));
  return `mp4a.40.${aot}`;
}

interface Track {
  info: TrackInfo;
  codec: string;
  videoCodec: 'h264' | 'h265' | null;
  width: number;
  height: number;
}

const VIDEO_ENTRY = 78;
const AUDIO_ENTRY = 28;

function readTrack(buf: Buffer, trak: Box, n: number): Track {
  const where = `moov/trak[${n}]`;
  const kids = inside(buf, trak, where);
  const tkhd = new Fields(buf, need(kids, 'tkhd', where), `${where}/tkhd`);
  const tv = tkhd.full().version;
  tkhd.skip(tv === 1 ? 16 : 8);
  const id = tkhd.u32();
  tkhd.skip(4 + (tv === 1 ? 8 : 4) + 8 + 2 + 2 + 2 + 2 + 36);
  let width = tkhd.u32() >>> 16;
  let height = tkhd.u32() >>> 16;
  const mdia = inside(buf, need(kids, 'mdia', where), `${where}/mdia`);
  const mdhd = new Fields(buf, need(mdia, 'mdhd', `${where}/mdia`), `${where}/mdia/mdhd`);
  mdhd.skip(mdhd.full().version === 1 ? 16 : 8);
  const timescale = mdhd.u32();
  if (timescale === 0) fail(`${where}: mdhd timescale is 0`);
  const hdlr = new Fields(buf, need(mdia, 'hdlr', `${where}/mdia`), `${where}/mdia/hdlr`);
  hdlr.skip(8);
  const handler = hdlr.bytes(4).toString('latin1');
  const kind = handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other';
  const info: TrackInfo = { id, kind, timescale, defaultDuration: 0, defaultSize: 0, defaultFlags: 0 };
  if (kind === 'other') return { info, codec: '', videoCodec: null, width: 0, height: 0 };
  const stblPath = `${where}/mdia/minf/stbl`;
  const minf = inside(buf, need(mdia, 'minf', `${where}/mdia`), `${where}/mdia/minf`);
  const stbl = inside(buf, need(minf, 'stbl', `${where}/mdia/minf`), stblPath);
  const entries = inside(buf, need(stbl, 'stsd', stblPath), `${stblPath}/stsd`, 8);
  const entry = entries[0];
  if (!entry) fail(`${stblPath}/stsd: no sample entry`);
  const ew = `${stblPath}/stsd/${entry.type}`;
  if (kind === 'video') {
    const e = new Fields(buf, entry, ew);
    e.skip(24);
    width ||= e.u16();
    height ||= e.u16();
    const boxes = inside(buf, entry, ew, VIDEO_ENTRY);
    if (entry.type === 'avc1' || entry.type === 'avc3') {
      const codec = avcCodec(buf, need(boxes, 'avcC', ew), entry.type);
      return { info, codec, videoCodec: 'h264', width, height };
    }
    if (entry.type === 'hvc1' || entry.type === 'hev1') {
      const codec = hevcCodec(buf, need(boxes, 'hvcC', ew), entry.type);
      return { info, codec, videoCodec: 'h265', width, height };
    }
    fail(`${where}: video sample entry "${entry.type}" is not H.264 (avc1/avc3) or H.265 (hvc1/hev1)`);
  }
  if (entry.type === 'mp4a') {
    const boxes = inside(buf, entry, ew, AUDIO_ENTRY);
    return { info, codec: esdsCodec(buf, need(boxes, 'esds', ew)), videoCodec: null, width: 0, height: 0 };
  }
  if (entry.type === 'Opus') return { info, codec: 'opus', videoCodec: null, width: 0, height: 0 };
  fail(`${where}: audio sample entry "${entry.type}" is not AAC (mp4a) or Opus`);
}

/** Reads ftyp + moov (and nothing else) with everything fragment parsing needs. */
export function readInit(data: Buffer, generation: number): InitInfo {
  const top = children(data, 0, data.length, 'init');
  if (top[0]?.type !== 'ftyp') fail(`starts with "${top[0]?.type ?? 'nothing'}", not ftyp`);
  const moov = inside(data, need(top, 'moov', 'init'), 'moov');
  const traks = moov.filter((b) => b.type === 'trak');
  const tracks = traks.map((t, i) => readTrack(data, t, i));
  const video = tracks.filter((t) => t.videoCodec);
  if (video.length !== 1) fail(`${video.length} video tracks (exactly one H.264 or H.265 track is expected)`);
  const v = video[0]!;
  const mvex = moov.find((b) => b.type === 'mvex');
  if (!mvex) fail('no mvex box: not a fragmented MP4');
  for (const trex of inside(data, mvex, 'moov/mvex').filter((b) => b.type === 'trex')) {
    const f = new Fields(data, trex, 'moov/mvex/trex');
    f.full();
    const id = f.u32();
    f.skip(4);
    const t = tracks.find((x) => x.info.id === id);
    if (!t) continue;
    t.info.defaultDuration = f.u32();
    t.info.defaultSize = f.u32();
    t.info.defaultFlags = f.u32();
  }
  const codecs = [v, ...tracks.filter((t) => t.info.kind === 'audio')].map((t) => t.codec).join(',');
  const init: InitSegment = {
    data,
    generation,
    codecs,
    mime: `video/mp4; codecs="${codecs}"`,
    videoCodec: v.videoCodec!,
    width: v.width,
    height: v.height,
    timescale: v.info.timescale,
  };
  return { init, videoTrackId: v.info.id, tracks: new Map(tracks.map((t) => [t.info.id, t.info])) };
}

/** The InitSegment of ftyp + moov (codec strings from avcC/hvcC/esds); an Fmp4Error for layouts it cannot read. */
export function parseInit(data: Buffer, generation: number): InitSegment {
  return readInit(data, generation).init;
}
