// Muxes H.264/H.265 access units (from the native RTSP pull) into an fMP4 init segment and one moof + mdat per picture.
import { Fmp4Error } from '../errors';
import type { AccessUnit, VideoTrack } from '../rtsp/types';
import { parseInit } from './init-segment';
import { sampleEntryOf, TRACK_ID, writeInit, type ParameterSets, type WrittenInit } from './init-writer';
import type { Fragment, InitSegment } from './types';

/** Sample flags (ISO 14496-12 8.8.3.1): depends on no other sample; depends on others and is not a sync sample. */
export const SYNC_SAMPLE_FLAGS = 0x02000000;
export const NON_SYNC_SAMPLE_FLAGS = 0x01010000;

/** moof (mfhd, traf: tfhd, tfdt v1, trun with one sample) and the mdat header: fixed size, one sample per fragment. */
const MOOF_BYTES = 100;
const HEADER_BYTES = MOOF_BYTES + 8;
const TEMPLATE = ((): Buffer => {
  const t = Buffer.alloc(HEADER_BYTES);
  const head = (at: number, size: number, type: string, versionFlags?: number): void => {
    t.writeUInt32BE(size, at);
    t.write(type, at + 4, 'latin1');
    if (versionFlags !== undefined) t.writeUInt32BE(versionFlags, at + 8);
  };
  head(0, MOOF_BYTES, 'moof');
  head(8, 16, 'mfhd', 0);
  head(24, 76, 'traf');
  head(32, 16, 'tfhd', 0x020000); // default-base-is-moof
  t.writeUInt32BE(TRACK_ID, 44);
  head(48, 20, 'tfdt', 0x01000000); // version 1: 64-bit baseMediaDecodeTime
  head(68, 32, 'trun', 0x000701); // data-offset, sample duration, size and flags present
  t.writeUInt32BE(1, 80); // sample_count
  t.writeUInt32BE(HEADER_BYTES, 84); // data_offset: from the moof's start to the mdat's payload
  t.write('mdat', MOOF_BYTES + 4, 'latin1');
  return t;
})();
/** Offsets of the fields written per fragment. */
const AT_SEQUENCE = 20;
const AT_TFDT = 60;
const AT_DURATION = 88;
const AT_SIZE = 92;
const AT_FLAGS = 96;
const AT_MDAT_SIZE = MOOF_BYTES;

/** NAL unit types of the parameter sets, per codec. */
const TYPES = {
  h264: { vps: -1, sps: 7, pps: 8, of: (nal: Buffer) => nal[0]! & 0x1f },
  h265: { vps: 32, sps: 33, pps: 34, of: (nal: Buffer) => (nal[0]! >> 1) & 0x3f },
} as const;

function fail(why: string): never {
  throw new Fmp4Error(`transcoder: fmp4: muxer: ${why}`);
}

/**
 * One run's muxer: access units in, the init segment and one fragment per AU out, laid out as
 * ffmpeg's `-movflags empty_moov+default_base_moof+frag_every_frame` (what FragmentReader reads).
 *
 * - AUs before the first keyframe are dropped. At the first keyframe the init is made from the
 *   parameter sets in band in that AU, else those of the SDP (the pictures are coded against the
 *   in-band ones when both are there); no SPS or PPS (or VPS for H.265) by then → Fmp4Error.
 * - Each fragment is emitted at once: tfdt = timestamp − the first keyframe's timestamp (exact);
 *   the sample's duration is not known yet, so it is the interval before it (clockRate/25 for the
 *   first), capped at 2^32 − 1 ticks. In-band SPS/PPS/VPS/SEI stay in the sample, as ffmpeg's copy.
 * - A timestamp that does not advance (B-frame reordering, a reset), a VPS in band that differs from
 *   the init's, or an SPS that describes another sample entry (size, profile, level, chroma, bit
 *   depth: a new init, so a new run) → Fmp4Error; the muxer is then spent and every later push
 *   throws the same error. An SPS that differs in VUI only is passed on in the sample.
 */
export class Fmp4Muxer {
  private readonly types: (typeof TYPES)['h264' | 'h265'];
  private sets: ParameterSets | null = null;
  /** In-band SPSs seen mid-run that differ from the init's in bytes only, not in what the init describes (at most 4). */
  private equivalentSps: Buffer[] = [];
  /** sampleEntryOf the init's first SPS. */
  private entry = '';
  private firstTimestamp = 0;
  private lastTimestamp = 0;
  private sequence = 0;
  private error: Fmp4Error | null = null;

  /**
   * @param track the DESCRIBE answer's video track: codec, clockRate (the init's timescale: ticks per
   *   second, 1..2^32−1) and the SDP's parameter sets (empty when the camera sends them only in band)
   * @param generation the run's number, set on the init and every fragment
   */
  constructor(
    private readonly track: Pick<VideoTrack, 'codec' | 'clockRate' | 'vps' | 'sps' | 'pps'>,
    private readonly generation: number,
  ) {
    const rate = track.clockRate;
    if (!Number.isInteger(rate) || rate < 1 || rate > 0xffffffff)
      fail(`clock rate ${rate} is not an integer in 1..2^32-1`);
    if (track.codec !== 'h264' && track.codec !== 'h265') fail(`codec "${String(track.codec)}" is not h264 or h265`);
    this.types = TYPES[track.codec];
  }

  /**
   * Feeds one AU: { init, fragment } at the first keyframe, { fragment } after, {} before it. The
   * fragment's startS is its tfdt in seconds from the first keyframe, durationS its sample duration,
   * receivedAt the AU's. Throws an Fmp4Error (see the class) and then on every later call.
   */
  push(au: AccessUnit): { init?: InitSegment; fragment?: Omit<Fragment, 'seq'> } {
    if (this.error) throw this.error;
    try {
      return this.mux(au);
    } catch (err) {
      if (err instanceof Fmp4Error) this.error = err;
      throw err;
    }
  }

  private mux(au: AccessUnit): { init?: InitSegment; fragment?: Omit<Fragment, 'seq'> } {
    const ts = au.timestamp;
    if (!Number.isSafeInteger(ts) || ts < 0) fail(`timestamp ${ts} is not a non-negative integer`);
    if (!au.nals.some((n) => n.length > 0)) fail(`access unit at ${ts} has no NAL units`);
    let init: InitSegment | undefined;
    let duration: number;
    if (!this.sets) {
      if (!au.keyframe) return {};
      const sets = this.parameterSets(au);
      const written = this.writeInit(sets);
      this.entry = sampleEntryOf(this.track.codec, sets.sps[0]!);
      this.sets = sets;
      init = parseInit(written.data, this.generation);
      this.firstTimestamp = ts;
      duration = Math.round(this.track.clockRate / 25) || 1;
    } else {
      if (ts <= this.lastTimestamp)
        fail(`timestamp ${ts} does not advance past ${this.lastTimestamp} (reordered or reset stream)`);
      this.checkSets(au);
      duration = Math.min(ts - this.lastTimestamp, 0xffffffff);
    }
    this.lastTimestamp = ts;
    const data = this.fragment(au, ts - this.firstTimestamp, duration);
    const rate = this.track.clockRate;
    const fragment = {
      data,
      keyframe: au.keyframe,
      generation: this.generation,
      startS: (ts - this.firstTimestamp) / rate,
      durationS: duration / rate,
      receivedAt: au.receivedAt,
    };
    return init ? { init, fragment } : { fragment };
  }

  /** writeInit, its parameter set errors named as the muxer's. */
  private writeInit(sets: ParameterSets): WrittenInit {
    try {
      return writeInit(this.track.codec, this.track.clockRate, sets);
    } catch (err) {
      if (!(err instanceof Fmp4Error) || err.message.startsWith('transcoder: fmp4: muxer:')) throw err;
      fail(`a parameter set does not parse (${err.message.replace(/^transcoder: fmp4: /, '')})`);
    }
  }

  /** The parameter sets of the init: in band in the first keyframe, else the SDP's, per kind. */
  private parameterSets(au: AccessUnit): ParameterSets {
    const t = this.types;
    const inBand = (type: number) => au.nals.filter((n) => n.length > 0 && t.of(n) === type);
    const pick = (type: number, sdp: Buffer[]) => {
      const own = inBand(type);
      return own.length ? own : sdp.filter((n) => n.length > 0);
    };
    const sets = {
      vps: t.vps < 0 ? [] : pick(t.vps, this.track.vps),
      sps: pick(t.sps, this.track.sps),
      pps: pick(t.pps, this.track.pps),
    };
    const missing = [
      t.vps >= 0 && !sets.vps.length && 'VPS',
      !sets.sps.length && 'SPS',
      !sets.pps.length && 'PPS',
    ].filter(Boolean);
    if (missing.length)
      fail(`no ${missing.join('/')} in the SDP or in band by the first keyframe (timestamp ${au.timestamp})`);
    return sets;
  }

  /**
   * An SPS or VPS in band must be one of the init's. An SPS whose bytes differ but whose sample entry
   * fields (profile, level, size, chroma, bit depths) are the init's is accepted: cameras whose SDP
   * SPS differs from the in-band one in VUI only would otherwise restart at every in-band SPS.
   */
  private checkSets(au: AccessUnit): void {
    const t = this.types;
    for (const nal of au.nals) {
      if (nal.length === 0) continue;
      const type = t.of(nal);
      if (type === t.vps && !this.sets!.vps.some((k) => k.equals(nal)))
        fail(`parameter sets changed: a new VPS in band at timestamp ${au.timestamp}`);
      if (type !== t.sps || this.sets!.sps.some((k) => k.equals(nal)) || this.equivalentSps.some((k) => k.equals(nal)))
        continue;
      let entry: string;
      try {
        entry = sampleEntryOf(this.track.codec, nal);
      } catch (err) {
        if (!(err instanceof Fmp4Error)) throw err;
        fail(
          `parameter sets changed: a new SPS in band at timestamp ${au.timestamp} (${err.message.replace(/^transcoder: fmp4: /, '')})`,
        );
      }
      if (entry !== this.entry)
        fail(`parameter sets changed: a new SPS in band at timestamp ${au.timestamp} (${this.describe(nal)})`);
      this.equivalentSps = [nal, ...this.equivalentSps.slice(0, 3)];
    }
  }

  /** The new SPS's size and codec, for the error message. */
  private describe(sps: Buffer): string {
    const init = writeInit(this.track.codec, this.track.clockRate, { ...this.sets!, sps: [sps] });
    const i = parseInit(init.data, this.generation);
    return `${i.codecs} ${i.width}x${i.height}`;
  }

  /** moof + mdat of one sample: one allocation, the header from a template, the NALs copied once. */
  private fragment(au: AccessUnit, tfdt: number, duration: number): Buffer {
    let size = 0;
    for (const nal of au.nals) if (nal.length > 0) size += 4 + nal.length;
    if (HEADER_BYTES + size > 0xffffffff) fail(`access unit at ${au.timestamp} is too large (${size} bytes)`);
    const buf = Buffer.allocUnsafe(HEADER_BYTES + size);
    TEMPLATE.copy(buf, 0);
    buf.writeUInt32BE(++this.sequence >>> 0, AT_SEQUENCE);
    buf.writeUInt32BE(Math.floor(tfdt / 0x100000000), AT_TFDT);
    buf.writeUInt32BE(tfdt % 0x100000000, AT_TFDT + 4);
    buf.writeUInt32BE(duration, AT_DURATION);
    buf.writeUInt32BE(size, AT_SIZE);
    buf.writeUInt32BE(au.keyframe ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS, AT_FLAGS);
    buf.writeUInt32BE(8 + size, AT_MDAT_SIZE);
    let p = HEADER_BYTES;
    for (const nal of au.nals) {
      if (nal.length === 0) continue;
      buf.writeUInt32BE(nal.length, p);
      nal.copy(buf, p + 4);
      p += 4 + nal.length;
    }
    return buf;
  }
}
