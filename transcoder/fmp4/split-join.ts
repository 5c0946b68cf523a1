// Joins two fragments when the second's first sample continues the first's last picture (a split picture).
import { children, type Box } from './boxes';
import { readFragment, type ParsedFragment, type Sample } from './fragment';
import type { InitInfo } from './init-segment';

/** A fragment as the reader holds it: its bytes, where its moof is, and what the moof says. */
export interface HeldFragment {
  data: Buffer;
  moof: Box;
  parsed: ParsedFragment;
  receivedAt: number;
}

function box(type: string, ...parts: Buffer[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, ...parts]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/**
 * One fragment holding a's samples then b's, b's first sample folded into a's last (sizes and
 * durations added, flags and composition offset of a's sample kept). Only for fragments whose
 * moof has a single traf, of the video track, with the sample data located (default base in the
 * moof): anything else gives null and the caller passes both on as they are.
 */
export function joinSplit(a: HeldFragment, b: HeldFragment, info: InitInfo): HeldFragment | null {
  const ok = (f: HeldFragment) =>
    f.parsed.runs.length === 1 && f.parsed.video !== null && f.parsed.video.samples.every((s) => s.offset >= 0);
  if (!ok(a) || !ok(b)) return null;
  const va = a.parsed.video!;
  const vb = b.parsed.video!;
  const samples: Sample[] = va.samples.map((s) => ({ ...s }));
  const last = samples[samples.length - 1]!;
  last.size += vb.samples[0]!.size;
  last.duration += vb.samples[0]!.duration;
  samples.push(...vb.samples.slice(1).map((s) => ({ ...s })));
  const payload = Buffer.concat([
    ...va.samples.map((s) => a.data.subarray(s.offset, s.offset + s.size)),
    ...vb.samples.map((s) => b.data.subarray(s.offset, s.offset + s.size)),
  ]);
  const build = (dataOffset: number): Buffer => {
    const mfhd = box('mfhd', u32s(0, a.parsed.sequence));
    const tfhd = box('tfhd', u32s(0x20000, va.trackId));
    const time = Buffer.alloc(12);
    time.writeUInt32BE(0x01000000, 0);
    time.writeBigUInt64BE(BigInt(va.baseTime), 4);
    const tfdt = box('tfdt', time);
    const rows = samples.flatMap((s) => [s.duration, s.size, s.flags, s.cts | 0]);
    // version 1: signed composition offsets; data offset, duration, size, flags and cts per sample
    const trun = box('trun', u32s(0x01000f01, samples.length, dataOffset, ...rows));
    return box('moof', mfhd, box('traf', tfhd, tfdt, trun));
  };
  const moofBytes = build(build(0).length + 8);
  const prefix = a.data.subarray(0, a.moof.start);
  const data = Buffer.concat([prefix, moofBytes, box('mdat', payload)]);
  const moof = children(data, prefix.length, prefix.length + moofBytes.length, 'joined')[0]!;
  return { data, moof, parsed: readFragment(data, moof, info), receivedAt: b.receivedAt };
}
