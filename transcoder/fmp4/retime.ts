// Re-timing a fragment: shifts each traf's tfdt (baseMediaDecodeTime) by a number of ticks per track, and renumbers its moof.
import { Fmp4Error } from '../errors';
import { children, Fields, inside, need } from './boxes';

const MAX_U32 = 0xffffffff;

function fail(why: string): never {
  throw new Fmp4Error(`transcoder: fmp4: retime: ${why}`);
}

/** Decode time of the first sample of each track in a fragment ([styp/sidx/prft] moof mdat), by track id. */
export function baseTimes(fragment: Buffer): Map<number, number> {
  const out = new Map<number, number>();
  for (const moof of children(fragment, 0, fragment.length, 'fragment').filter((b) => b.type === 'moof'))
    for (const traf of inside(fragment, moof, 'moof').filter((b) => b.type === 'traf')) {
      const kids = inside(fragment, traf, 'moof/traf');
      const h = new Fields(fragment, need(kids, 'tfhd', 'moof/traf'), 'moof/traf/tfhd');
      h.full();
      const track = h.u32();
      const t = new Fields(fragment, need(kids, 'tfdt', 'moof/traf'), 'moof/traf/tfdt');
      if (!out.has(track)) out.set(track, t.full().version === 1 ? t.u64() : t.u32());
    }
  return out;
}

/**
 * A copy of `fragment` whose every traf's tfdt is moved by `deltas.get(trackId)` ticks (of that track's timescale), and,
 * when `sequence` is given, whose mfhd sequence_number is `sequence`. Sample data, sizes and offsets are untouched (the
 * boxes keep their sizes). Throws Fmp4Error for a malformed fragment, a track without a delta, a time that would fall
 * below 0, or one that no longer fits a version-0 (32-bit) tfdt.
 */
export function retime(fragment: Buffer, deltas: ReadonlyMap<number, number>, sequence?: number): Buffer {
  const out = Buffer.from(fragment);
  const top = children(out, 0, out.length, 'fragment');
  const moofs = top.filter((b) => b.type === 'moof');
  if (moofs.length === 0) fail('no moof box');
  for (const moof of moofs) {
    const kids = inside(out, moof, 'moof');
    if (sequence !== undefined) {
      if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_U32) fail(`sequence ${sequence} out of range`);
      const m = new Fields(out, need(kids, 'mfhd', 'moof'), 'moof/mfhd');
      m.full();
      out.writeUInt32BE(sequence, m.pos);
    }
    for (const traf of kids.filter((b) => b.type === 'traf')) {
      const tk = inside(out, traf, 'moof/traf');
      const h = new Fields(out, need(tk, 'tfhd', 'moof/traf'), 'moof/traf/tfhd');
      h.full();
      const track = h.u32();
      const delta = deltas.get(track);
      if (delta === undefined || !Number.isSafeInteger(delta)) fail(`no whole-tick shift for track ${track}`);
      const t = new Fields(out, need(tk, 'tfdt', 'moof/traf'), `moof/traf/tfdt`);
      const { version } = t.full();
      const at = t.pos;
      const old = version === 1 ? t.u64() : t.u32();
      const now = old + delta;
      if (now < 0) fail(`track ${track}: decode time ${old} shifted by ${delta} falls below 0`);
      if (version === 1) out.writeBigUInt64BE(BigInt(now), at);
      else if (now > MAX_U32) fail(`track ${track}: decode time ${now} does not fit a version-0 tfdt`);
      else out.writeUInt32BE(now, at);
    }
  }
  return out;
}

const TFHD_BASE_OFFSET = 0x1;
const TFHD_DESCRIPTION = 0x2;
const TFHD_DURATION = 0x8;
const TRUN_DATA_OFFSET = 0x1;
const TRUN_FIRST_FLAGS = 0x4;
const TRUN_DURATION = 0x100;

/**
 * A copy of a one-sample fragment of track `trackId` (a keyframe, for keyframes-only playback) whose sample lasts
 * `ticks`: the trun's per-sample duration, else the tfhd's default. Throws Fmp4Error when the track's traf holds more
 * than one sample or its duration is only in the init's trex (it cannot be changed in place).
 */
export function setSampleDuration(fragment: Buffer, trackId: number, ticks: number): Buffer {
  if (!Number.isInteger(ticks) || ticks < 1 || ticks > MAX_U32) fail(`sample duration ${ticks} out of range`);
  const out = Buffer.from(fragment);
  let done = false;
  for (const moof of children(out, 0, out.length, 'fragment').filter((b) => b.type === 'moof'))
    for (const traf of inside(out, moof, 'moof').filter((b) => b.type === 'traf')) {
      const kids = inside(out, traf, 'moof/traf');
      const h = new Fields(out, need(kids, 'tfhd', 'moof/traf'), 'moof/traf/tfhd');
      const tf = h.full().flags;
      if (h.u32() !== trackId) continue;
      const runs = kids.filter((b) => b.type === 'trun');
      let count = 0;
      for (const trun of runs) {
        const r = new Fields(out, trun, 'moof/traf/trun');
        const { flags } = r.full();
        const n = r.u32();
        count += n;
        if (flags & TRUN_DATA_OFFSET) r.skip(4);
        if (flags & TRUN_FIRST_FLAGS) r.skip(4);
        if (n === 1 && flags & TRUN_DURATION) {
          out.writeUInt32BE(ticks, r.pos);
          done = true;
        }
      }
      if (count !== 1) fail(`track ${trackId}: ${count} samples where one is expected`);
      if (!done && tf & TFHD_DURATION) {
        if (tf & TFHD_BASE_OFFSET) h.skip(8);
        if (tf & TFHD_DESCRIPTION) h.skip(4);
        out.writeUInt32BE(ticks, h.pos);
        done = true;
      }
    }
  if (!done) fail(`track ${trackId}: no sample duration in the fragment to set`);
  return out;
}
