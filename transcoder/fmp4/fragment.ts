// Reads a fragment's moof: samples per track, whether the video starts with a sync sample, its time and duration.
import { Fmp4Error } from '../errors';
import { Fields, inside, need, type Box } from './boxes';
import type { InitInfo } from './init-segment';

const TFHD_BASE_OFFSET = 0x1;
const TFHD_DESCRIPTION = 0x2;
const TFHD_DURATION = 0x8;
const TFHD_SIZE = 0x10;
const TFHD_FLAGS = 0x20;
const TFHD_BASE_IS_MOOF = 0x20000;
const TRUN_DATA_OFFSET = 0x1;
const TRUN_FIRST_FLAGS = 0x4;
const TRUN_DURATION = 0x100;
const TRUN_SIZE = 0x200;
const TRUN_FLAGS = 0x400;
const TRUN_CTS = 0x800;
/** sample_is_non_sync_sample in sample flags (ISO 14496-12 8.8.3.1). */
export const NON_SYNC = 0x10000;
/** Most samples one trun may claim (ffmpeg's 10 s fragments at 60 fps hold 600). */
const MAX_SAMPLES = 100_000;

/** One sample as the moof describes it. */
export interface Sample {
  /** Offset of its bytes in the fragment buffer, or -1 when the layout does not say (explicit base offset). */
  offset: number;
  size: number;
  duration: number;
  /** Sample flags as resolved (trun first/per-sample flags, else tfhd, else trex defaults). */
  flags: number;
  /** Composition time offset (signed). */
  cts: number;
}

/** One traf of the moof. */
export interface TrackRun {
  trackId: number;
  /** tfdt baseMediaDecodeTime, in the track's timescale. */
  baseTime: number;
  samples: Sample[];
}

/** What a moof says, read against its init segment. */
export interface ParsedFragment {
  keyframe: boolean;
  startS: number;
  durationS: number;
  /** moof sequence_number (mfhd). */
  sequence: number;
  runs: TrackRun[];
  /** The video track's run, if the fragment has one. */
  video: TrackRun | null;
}

function fail(why: string): never {
  throw new Fmp4Error(`transcoder: fmp4: fragment: ${why}`);
}

function readTraf(buf: Buffer, traf: Box, moof: Box, implicitBase: number, info: InitInfo): TrackRun {
  const dataEnd = buf.length;
  const kids = inside(buf, traf, 'moof/traf');
  const h = new Fields(buf, need(kids, 'tfhd', 'moof/traf'), 'moof/traf/tfhd');
  const tf = h.full().flags;
  const trackId = h.u32();
  const track = info.tracks.get(trackId);
  if (!track) fail(`traf for track ${trackId}, which the init segment does not have`);
  // explicit base offsets point into a file we do not have; without one, a traf's data follows the
  // previous traf's (or the moof's start, the first one and always with default-base-is-moof)
  const base = tf & TFHD_BASE_OFFSET ? -1 : tf & TFHD_BASE_IS_MOOF ? moof.start : implicitBase;
  if (tf & TFHD_BASE_OFFSET) h.u64();
  if (tf & TFHD_DESCRIPTION) h.skip(4);
  const defDuration = tf & TFHD_DURATION ? h.u32() : track.defaultDuration;
  const defSize = tf & TFHD_SIZE ? h.u32() : track.defaultSize;
  const defFlags = tf & TFHD_FLAGS ? h.u32() : track.defaultFlags;
  const tfdt = kids.find((b) => b.type === 'tfdt');
  if (!tfdt) fail(`traf of track ${trackId} has no tfdt (decode time unknown)`);
  const t = new Fields(buf, tfdt, 'moof/traf/tfdt');
  const baseTime = t.full().version === 1 ? t.u64() : t.u32();
  const samples: Sample[] = [];
  let next = base;
  for (const trun of kids.filter((b) => b.type === 'trun')) {
    const r = new Fields(buf, trun, 'moof/traf/trun');
    const { version, flags } = r.full();
    const count = r.u32();
    let at = next;
    if (flags & TRUN_DATA_OFFSET) {
      const off = r.i32();
      at = base < 0 ? -1 : base + off;
    }
    const first = flags & TRUN_FIRST_FLAGS ? r.u32() : null;
    const per = [TRUN_DURATION, TRUN_SIZE, TRUN_FLAGS, TRUN_CTS].filter((f) => flags & f).length * 4;
    if (count * per > r.left || count > MAX_SAMPLES)
      fail(
        `trun of track ${trackId} claims ${count} samples (its ${r.left} bytes hold ${per ? Math.floor(r.left / per) : 'any number'})`,
      );
    for (let i = 0; i < count; i++) {
      const duration = flags & TRUN_DURATION ? r.u32() : defDuration;
      const size = flags & TRUN_SIZE ? r.u32() : defSize;
      const own = flags & TRUN_FLAGS ? r.u32() : null;
      const cts = flags & TRUN_CTS ? (version === 0 ? r.u32() : r.i32()) : 0;
      const sflags = i === 0 && first !== null ? first : (own ?? defFlags);
      if (base >= 0 && (at < moof.end || at + size > dataEnd))
        fail(`sample ${i} of track ${trackId} lies outside the fragment's data`);
      samples.push({ offset: at, size, duration, flags: sflags, cts });
      if (base >= 0) at += size;
    }
    next = at;
  }
  return { trackId, baseTime, samples };
}

/**
 * Reads the moof at `moofStart` of `data` (the fragment: optional styp/sidx/prft, moof, mdat) against
 * its init. keyframe: the video track's first sample is a sync sample; startS: its tfdt in seconds;
 * durationS: the sum of its sample durations. A fragment without video samples (audio only) has
 * keyframe false, durationS 0 and the startS of its first track.
 */
export function readFragment(data: Buffer, moof: Box, info: InitInfo): ParsedFragment {
  const kids = inside(data, moof, 'moof');
  const mfhd = new Fields(data, need(kids, 'mfhd', 'moof'), 'moof/mfhd');
  mfhd.full();
  const sequence = mfhd.u32();
  const runs: TrackRun[] = [];
  let implicit = moof.start;
  for (const traf of kids.filter((b) => b.type === 'traf')) {
    const run = readTraf(data, traf, moof, implicit, info);
    const last = run.samples[run.samples.length - 1];
    if (last && last.offset >= 0) implicit = last.offset + last.size;
    runs.push(run);
  }
  if (runs.length === 0) fail('moof has no traf');
  const video = runs.find((r) => r.trackId === info.videoTrackId && r.samples.length > 0) ?? null;
  if (!video) {
    const r = runs[0]!;
    const startS = r.baseTime / info.tracks.get(r.trackId)!.timescale;
    return { keyframe: false, startS, durationS: 0, sequence, runs, video };
  }
  const scale = info.init.timescale;
  const ticks = video.samples.reduce((s, x) => s + x.duration, 0);
  return {
    keyframe: (video.samples[0]!.flags & NON_SYNC) === 0,
    startS: video.baseTime / scale,
    durationS: ticks / scale,
    sequence,
    runs,
    video,
  };
}
