// Rejoins pictures that ffmpeg split into two samples of an fMP4 media segment (parameter sets between slices).
//
// A camera that repeats SPS/PPS (VPS) before every slice of a keyframe sends a second access
// unit start inside the picture (H.264 7.4.1.2.3, H.265 7.4.2.4.4). ffmpeg's parser believes
// it, and the copied segment holds the picture as two samples 1 tick apart: the first with the
// top slice(s), the second starting with a slice that is not the picture's first. Browsers
// decode each sample as a picture of its own and conceal the missing part (green blocks that
// smear until the next keyframe); ffmpeg's own decoder hides the damage. A sample whose first
// slice is not the first of its picture belongs to the sample before it: this module merges
// them (sizes and durations added, mdat untouched, trun data offsets moved by the moof's change).
// Only moof/traf/trun are rewritten; any layout it does not understand is left as it is.

/** Video codecs whose slice headers are read. */
export type SliceCodec = 'h264' | 'h265';

/** What mergeSplitPictures did to one segment. */
export interface MergeResult {
  /** The segment to serve: `input` itself when nothing was merged. */
  segment: Buffer;
  /** Samples folded into the sample before them (0 = unchanged). */
  merged: number;
}

/** The SliceCodec of a (normalized) codec name, or null when its slices are not read (MJPEG, …). */
export function sliceCodec(codec: string): SliceCodec | null {
  if (codec === 'h264') return 'h264';
  return codec === 'h265' || codec === 'hevc' ? 'h265' : null;
}

const TRUN_DATA_OFFSET = 0x1;
const TRUN_FIRST_FLAGS = 0x4;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;
const TRUN_CTS = 0x800;
const TFHD_BASE_OFFSET = 0x1;
const TFHD_DESCRIPTION = 0x2;
const TFHD_DURATION = 0x8;
const TFHD_SIZE = 0x10;

interface Box {
  type: string;
  start: number;
  size: number;
  /** Offset of the payload (after size, type and any 64-bit size). */
  body: number;
}

interface Sample {
  offset: number;
  duration: number;
  size: number;
  flags: number;
  cts: number;
}

function boxes(buf: Buffer, from: number, to: number): Box[] | null {
  const out: Box[] = [];
  let p = from;
  while (p < to) {
    if (p + 8 > to) return null;
    let size = buf.readUInt32BE(p);
    let body = p + 8;
    if (size === 1) {
      if (p + 16 > to) return null;
      size = Number(buf.readBigUInt64BE(p + 8));
      body = p + 16;
    } else if (size === 0) size = to - p;
    if (size < body - p || p + size > to) return null;
    out.push({ type: buf.toString('latin1', p + 4, p + 8), start: p, size, body });
    p += size;
  }
  return out;
}

/**
 * True when the sample (4-byte NAL lengths) holds a slice and its first slice does not start a
 * picture: H.264 first_mb_in_slice ≠ 0, H.265 first_slice_segment_in_pic_flag = 0. False for a
 * sample whose NAL lengths do not tile it exactly.
 */
export function startsMidPicture(sample: Buffer, codec: SliceCodec): boolean {
  let p = 0;
  while (p + 4 <= sample.length) {
    const len = sample.readUInt32BE(p);
    const nal = p + 4;
    if (len < 3 || nal + len > sample.length) return false;
    if (codec === 'h264') {
      const type = sample[nal]! & 0x1f;
      if (type >= 1 && type <= 5) return (sample[nal + 1]! & 0x80) === 0;
    } else {
      const type = (sample[nal]! >> 1) & 0x3f;
      if (type <= 31) return (sample[nal + 2]! & 0x80) === 0;
    }
    p = nal + len;
  }
  return false;
}

/**
 * Merges split pictures in the samples of track `trackId` (ffmpeg numbers the mapped video 1) of
 * an fMP4 media segment (styp/moof/mdat…). Returns the input unchanged (merged 0) when nothing is
 * split or when the layout is one it does not handle (64-bit or explicit base data offsets,
 * sample data outside the mdat that follows the moof).
 */
export function mergeSplitPictures(input: Buffer, codec: SliceCodec, trackId = 1): MergeResult {
  const top = boxes(input, 0, input.length);
  if (!top) return { segment: input, merged: 0 };
  const parts: Buffer[] = [];
  let merged = 0;
  for (const box of top) {
    const raw = input.subarray(box.start, box.start + box.size);
    if (box.type !== 'moof') {
      parts.push(raw);
      continue;
    }
    const fixed = rewriteMoof(input, box, codec, trackId);
    if (!fixed) {
      parts.push(raw);
      continue;
    }
    merged += fixed.merged;
    parts.push(fixed.moof);
  }
  return merged === 0 ? { segment: input, merged: 0 } : { segment: Buffer.concat(parts), merged };
}

interface TrunPlan {
  box: Box;
  flags: number;
  /** null: the trun is copied except for its data offset. */
  samples: Sample[] | null;
  dataOffset: number;
  firstFlags: number | null;
}

function rewriteMoof(
  buf: Buffer,
  moof: Box,
  codec: SliceCodec,
  trackId: number,
): { moof: Buffer; merged: number } | null {
  const children = boxes(buf, moof.body, moof.start + moof.size);
  if (!children) return null;
  const plans = new Map<Box, TrunPlan[]>();
  let merged = 0;
  for (const traf of children.filter((c) => c.type === 'traf')) {
    const inner = boxes(buf, traf.body, traf.start + traf.size);
    const tfhd = inner?.find((b) => b.type === 'tfhd');
    if (!inner || !tfhd) return null;
    const tfFlags = buf.readUInt32BE(tfhd.body) & 0xffffff;
    if (tfFlags & TFHD_BASE_OFFSET) return null;
    const track = buf.readUInt32BE(tfhd.body + 4);
    let q = tfhd.body + 8 + (tfFlags & TFHD_DESCRIPTION ? 4 : 0);
    const defDuration = tfFlags & TFHD_DURATION ? buf.readUInt32BE(q) : null;
    if (tfFlags & TFHD_DURATION) q += 4;
    const defSize = tfFlags & TFHD_SIZE ? buf.readUInt32BE(q) : null;
    const list: TrunPlan[] = [];
    for (const trun of inner.filter((b) => b.type === 'trun')) {
      const plan = readTrun(buf, trun, defDuration, defSize);
      if (!plan) return null;
      if (track === trackId && plan.samples) {
        const before = plan.samples.length;
        plan.samples = mergeSamples(buf, moof.start + plan.dataOffset, plan.samples, codec);
        merged += before - plan.samples.length;
      }
      list.push(plan);
    }
    plans.set(traf, list);
  }
  if (merged === 0) return null;
  return { moof: writeMoof(buf, moof, children, plans), merged };
}

function readTrun(buf: Buffer, trun: Box, defDuration: number | null, defSize: number | null): TrunPlan | null {
  const vf = buf.readUInt32BE(trun.body);
  const version = vf >>> 24;
  const flags = vf & 0xffffff;
  const count = buf.readUInt32BE(trun.body + 4);
  let q = trun.body + 8;
  if (!(flags & TRUN_DATA_OFFSET)) return null;
  const dataOffset = buf.readInt32BE(q);
  q += 4;
  const firstFlags = flags & TRUN_FIRST_FLAGS ? buf.readUInt32BE(q) : null;
  if (firstFlags !== null) q += 4;
  const per = [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_CTS].filter((f) => flags & f).length * 4;
  if (q + count * per > trun.start + trun.size) return null;
  if (((flags & TRUN_DURATION) === 0 && defDuration === null) || ((flags & TRUN_SIZE) === 0 && defSize === null))
    return { box: trun, flags, samples: null, dataOffset, firstFlags };
  const samples: Sample[] = [];
  let offset = dataOffset;
  for (let i = 0; i < count; i++) {
    const duration = flags & TRUN_DURATION ? buf.readUInt32BE(q) : defDuration!;
    if (flags & TRUN_DURATION) q += 4;
    const size = flags & TRUN_SIZE ? buf.readUInt32BE(q) : defSize!;
    if (flags & TRUN_SIZE) q += 4;
    const sflags = flags & TRUN_FLAGS ? buf.readUInt32BE(q) : 0;
    if (flags & TRUN_FLAGS) q += 4;
    const cts = flags & TRUN_CTS ? (version === 0 ? buf.readUInt32BE(q) : buf.readInt32BE(q)) : 0;
    if (flags & TRUN_CTS) q += 4;
    samples.push({ offset, duration, size, flags: sflags, cts });
    offset += size;
  }
  return { box: trun, flags, samples, dataOffset, firstFlags };
}

function mergeSamples(buf: Buffer, dataStart: number, samples: Sample[], codec: SliceCodec): Sample[] {
  const out: Sample[] = [];
  for (const s of samples) {
    const at = dataStart + (s.offset - samples[0]!.offset);
    const prev = out[out.length - 1];
    if (prev && at + s.size <= buf.length && startsMidPicture(buf.subarray(at, at + s.size), codec)) {
      prev.size += s.size;
      prev.duration += s.duration;
    } else out.push({ ...s });
  }
  return out;
}

function writeTrun(plan: TrunPlan, buf: Buffer, dataOffset: number): Buffer {
  if (!plan.samples) {
    const copy = Buffer.from(buf.subarray(plan.box.start, plan.box.start + plan.box.size));
    copy.writeInt32BE(dataOffset, plan.box.body - plan.box.start + 8);
    return copy;
  }
  const flags = plan.flags | TRUN_DURATION | TRUN_SIZE;
  const per = [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_CTS].filter((f) => flags & f).length * 4;
  const head = 8 + 4 + 4 + 4 + (plan.firstFlags !== null ? 4 : 0);
  const out = Buffer.alloc(head + plan.samples.length * per);
  out.writeUInt32BE(out.length, 0);
  out.write('trun', 4, 'latin1');
  out.writeUInt32BE(((buf.readUInt32BE(plan.box.body) >>> 24) << 24) | flags, 8);
  out.writeUInt32BE(plan.samples.length, 12);
  out.writeInt32BE(dataOffset, 16);
  let q = 20;
  if (plan.firstFlags !== null) q = out.writeUInt32BE(plan.firstFlags, q);
  for (const s of plan.samples) {
    q = out.writeUInt32BE(s.duration, q);
    q = out.writeUInt32BE(s.size, q);
    if (flags & TRUN_FLAGS) q = out.writeUInt32BE(s.flags, q);
    if (flags & TRUN_CTS) q = out.writeUInt32BE(s.cts >>> 0, q);
  }
  return out;
}

function writeMoof(buf: Buffer, moof: Box, children: Box[], plans: Map<Box, TrunPlan[]>): Buffer {
  // two passes: the first sizes the new moof, the second writes the shifted data offsets
  const build = (delta: number): Buffer => {
    const kids = children.map((c) => {
      const list = plans.get(c);
      if (!list) return buf.subarray(c.start, c.start + c.size);
      const inner = boxes(buf, c.body, c.start + c.size)!;
      const body = inner.map((b) => {
        const plan = b.type === 'trun' ? list.find((p) => p.box.start === b.start) : undefined;
        return plan ? writeTrun(plan, buf, plan.dataOffset + delta) : buf.subarray(b.start, b.start + b.size);
      });
      return withHeader('traf', Buffer.concat(body));
    });
    return withHeader('moof', Buffer.concat(kids));
  };
  const first = build(0);
  return build(first.length - moof.size);
}

function withHeader(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
