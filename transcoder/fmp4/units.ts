// Turns an fMP4 stream (init, then moof+mdat fragments) back into access units: the NAL units of each picture, the
// init's parameter sets before each keyframe, a 90 kHz timestamp increasing across runs (a new init starts a run).
// What a cascade's upper platform pulls from a lower one, and what a GB/T 28181 superior is sent as PS.
import { children, inside, need, type Box } from './boxes';
import { NON_SYNC, readFragment } from './fragment';
import { readInit, type InitInfo } from './init-segment';
import type { ExternalAccessUnit } from '../pull/external';

/** 90 kHz: the clock of access units fed to an external pull. */
const CLOCK = 90_000;
/** Gap put between two runs of the stream (one frame at 25 fps), in 90 kHz ticks. */
const RUN_GAP = 3600;
/** sample entry header bytes before a visual sample entry's child boxes (ISO 14496-12 12.1.3). */
const VIDEO_ENTRY = 78;

interface Video {
  info: InitInfo;
  codec: 'h264' | 'h265';
  /** NAL length field size in bytes (avcC/hvcC lengthSizeMinusOne + 1). */
  lengthSize: number;
  /** Parameter sets of the init (VPS, SPS, PPS), put before each keyframe's NALs. */
  sets: Buffer[];
  timescale: number;
}

function videoEntry(data: Buffer, info: InitInfo): Box {
  const moov = need(children(data, 0, data.length, 'init'), 'moov', 'init');
  for (const trak of inside(data, moov, 'moov').filter((b) => b.type === 'trak')) {
    const mdia = inside(data, need(inside(data, trak, 'trak'), 'mdia', 'trak'), 'mdia');
    const minf = inside(data, need(mdia, 'minf', 'mdia'), 'minf');
    const stbl = inside(data, need(minf, 'stbl', 'minf'), 'stbl');
    const entry = inside(data, need(stbl, 'stsd', 'stbl'), 'stsd', 8)[0];
    if (entry && ['avc1', 'avc3', 'hvc1', 'hev1'].includes(entry.type)) return entry;
  }
  throw new Error(`fmp4 units: init segment has no H.264/H.265 sample entry (video track ${info.videoTrackId})`);
}

/** Parameter sets and NAL length size of an avcC (H.264) or hvcC (H.265) box. */
export function parameterSets(data: Buffer, box: Box, codec: 'h264' | 'h265'): { lengthSize: number; sets: Buffer[] } {
  const end = box.end;
  const sets: Buffer[] = [];
  const take = (at: number): [Buffer, number] => {
    if (at + 2 > end) throw new Error('fmp4 units: truncated parameter set');
    const n = data.readUInt16BE(at);
    if (at + 2 + n > end) throw new Error('fmp4 units: truncated parameter set');
    return [data.subarray(at + 2, at + 2 + n), at + 2 + n];
  };
  let p = box.body;
  if (codec === 'h264') {
    if (p + 6 > end) throw new Error('fmp4 units: avcC too short');
    const lengthSize = (data[p + 4]! & 3) + 1;
    let count = data[p + 5]! & 0x1f;
    p += 6;
    for (; count > 0; count--) [sets[sets.length], p] = take(p);
    if (p >= end) return { lengthSize, sets };
    count = data[p]!;
    p += 1;
    for (; count > 0; count--) [sets[sets.length], p] = take(p);
    return { lengthSize, sets };
  }
  if (p + 23 > end) throw new Error('fmp4 units: hvcC too short');
  const lengthSize = (data[p + 21]! & 3) + 1;
  let arrays = data[p + 22]!;
  p += 23;
  for (; arrays > 0; arrays--) {
    if (p + 3 > end) throw new Error('fmp4 units: truncated hvcC array');
    let n = data.readUInt16BE(p + 1);
    p += 3;
    for (; n > 0; n--) [sets[sets.length], p] = take(p);
  }
  return { lengthSize, sets };
}

/** The NAL units of one length-prefixed sample. */
function splitNals(sample: Buffer, lengthSize: number): Buffer[] {
  const out: Buffer[] = [];
  let p = 0;
  while (p + lengthSize <= sample.length) {
    const n = sample.readUIntBE(p, lengthSize);
    p += lengthSize;
    if (n === 0 || p + n > sample.length) throw new Error(`fmp4 units: NAL unit of ${n} bytes runs past its sample`);
    out.push(sample.subarray(p, p + n));
    p += n;
  }
  return out;
}

/** An access unit with its composition offset: its presentation time is `timestamp + cts` (90 kHz). */
export type UnpackedUnit = ExternalAccessUnit & { cts: number };

/**
 * One fMP4 stream, unpacked: `init(data)` at each run's init segment, `fragment(data)` for each moof+mdat;
 * access units come out with a 90 kHz decode timestamp increasing across runs. Throws on malformed input.
 */
export class Fmp4Units {
  private video: Video | null = null;
  /** Added to a run's decode times (90 kHz) so they continue the previous run's. */
  private offset = 0;
  private last = -1;
  private runStart = true;

  init(data: Buffer): void {
    const info = readInit(data, 0);
    const entry = videoEntry(data, info);
    const codec = info.init.videoCodec;
    const cfg = need(inside(data, entry, entry.type, VIDEO_ENTRY), codec === 'h264' ? 'avcC' : 'hvcC', entry.type);
    const { lengthSize, sets } = parameterSets(data, cfg, codec);
    this.video = { info, codec, lengthSize, sets, timescale: info.init.timescale };
    this.runStart = true;
  }

  /** The access units of one fragment (none before an init). */
  fragment(data: Buffer, receivedAt = Date.now()): UnpackedUnit[] {
    const v = this.video;
    if (!v) return [];
    const moof = children(data, 0, data.length, 'fragment').find((b) => b.type === 'moof');
    if (!moof) throw new Error('fmp4 units: fragment without moof');
    const run = readFragment(data, moof, v.info).video;
    if (!run) return [];
    const out: UnpackedUnit[] = [];
    let t = run.baseTime;
    for (const s of run.samples) {
      const ts90 = Math.round((t * CLOCK) / v.timescale);
      t += s.duration;
      if (s.offset < 0) throw new Error('fmp4 units: fragment sample data is not located in the fragment');
      if (this.runStart) {
        // a new run starts its timeline again: continue ours after the last picture
        this.offset = this.last < 0 ? -ts90 : this.last + RUN_GAP - ts90;
        this.runStart = false;
      }
      const timestamp = ts90 + this.offset;
      if (timestamp <= this.last) continue;
      this.last = timestamp;
      const keyframe = (s.flags & NON_SYNC) === 0;
      const nals = splitNals(data.subarray(s.offset, s.offset + s.size), v.lengthSize);
      const cts = Math.round((s.cts * CLOCK) / v.timescale);
      out.push({ codec: v.codec, nals: keyframe ? [...v.sets, ...nals] : nals, keyframe, timestamp, cts, receivedAt });
    }
    return out;
  }
}
