// Fmp4Muxer on hand-made access units (real x264/x265 parameter sets): what it drops, when it throws, and the times it writes, read back by FragmentReader.
import assert from 'node:assert/strict';
import { Fmp4Error } from '../../transcoder/errors';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import { Fmp4Muxer, NON_SYNC_SAMPLE_FLAGS, SYNC_SAMPLE_FLAGS } from '../../transcoder/fmp4/muxer';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import type { AccessUnit, VideoTrack } from '../../transcoder/rtsp/types';

const hex = (s: string) => Buffer.from(s, 'hex');
/** x264 Constrained Baseline 642x362 and x264 High 1920x1080. */
const SPS_642 = hex('6742c01ed900a42fe224c044000003000400000300c83c58b920');
const PPS_642 = hex('68cb83cb20');
const SPS_1080 = hex('67640028acd940780227e5c044000003000400000300c83c60c658');
const PPS_1080 = hex('68ebe3cb22c0');
/** x265 Main 642x362. */
const VPS_H265 = hex('40010c01ffff01600000030090000003000003003f959809');
const SPS_H265 = hex('42010101600000030090000003000003003fa005120171c9265959a4932bc05a020000030002000003003210');
const PPS_H265 = hex('4401c172b46240');
const IDR = hex('65888400ffee');
const SLICE = hex('419a0011');

type Track = Pick<VideoTrack, 'codec' | 'clockRate' | 'vps' | 'sps' | 'pps'>;
const SDP: Track = { codec: 'h264', clockRate: 90000, vps: [], sps: [SPS_642], pps: [PPS_642] };
const NO_SDP: Track = { ...SDP, sps: [], pps: [] };

const au = (timestamp: number, keyframe: boolean, nals = [keyframe ? IDR : SLICE]): AccessUnit => ({
  nals,
  timestamp,
  keyframe,
  receivedAt: 1000 + timestamp,
});

/** Pushes the AUs; returns what came out, and the bytes read back by FragmentReader. */
function mux(track: Track, aus: AccessUnit[], generation = 4) {
  const m = new Fmp4Muxer(track, generation);
  const inits: InitSegment[] = [];
  const fragments: Array<Omit<Fragment, 'seq'>> = [];
  for (const a of aus) {
    const r = m.push(a);
    if (r.init) inits.push(r.init);
    if (r.fragment) fragments.push(r.fragment);
    assert.ok(!r.init || r.fragment, 'an init comes with its keyframe');
  }
  const read: { init: InitSegment[]; fragments: Array<Omit<Fragment, 'seq'>>; errors: Error[] } = {
    init: [],
    fragments: [],
    errors: [],
  };
  const reader = new FragmentReader({
    generation,
    sliceCodec: null,
    onInit: (i) => read.init.push(i),
    onFragment: (f) => read.fragments.push(f),
    onError: (e) => read.errors.push(e),
  });
  for (const b of [...inits.map((i) => i.data), ...fragments.map((f) => f.data)]) reader.push(b);
  assert.deepEqual(read.errors, []);
  return { m, inits, fragments, read };
}

const refuses = (f: () => unknown, message: RegExp) =>
  assert.throws(
    f,
    (e: unknown) =>
      e instanceof Fmp4Error && e.message.startsWith('transcoder: fmp4: muxer: ') && message.test(e.message),
  );

/** The mdat payload of a fragment, split at its 4-byte lengths. */
function samples(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let p = 108; p < data.length;) {
    const n = data.readUInt32BE(p);
    out.push(data.subarray(p + 4, p + 4 + n));
    p += 4 + n;
  }
  return out;
}

describe('fmp4: muxer', () => {
  it('drops pictures before the first keyframe, then emits the init with that keyframe', () => {
    const { inits, fragments, read } = mux(SDP, [au(100, false), au(3700, false), au(7300, true), au(10900, false)]);
    assert.equal(inits.length, 1);
    assert.deepEqual(
      fragments.map((f) => [f.keyframe, f.startS, f.generation, f.receivedAt]),
      [
        [true, 0, 4, 8300],
        [false, 0.04, 4, 11900],
      ],
    );
    const i = inits[0]!;
    assert.deepEqual(
      [i.codecs, i.mime, i.videoCodec, i.width, i.height, i.timescale, i.generation],
      ['avc1.42c01e', 'video/mp4; codecs="avc1.42c01e"', 'h264', 642, 362, 90000, 4],
    );
    assert.deepEqual(read.init[0], i);
    assert.deepEqual(
      read.fragments.map((f) => [f.keyframe, f.startS, f.durationS, f.data.length]),
      fragments.map((f) => [f.keyframe, f.startS, f.durationS, f.data.length]),
    );
    assert.deepEqual(
      fragments.map((f) => [f.data.readUInt32BE(20), f.data.readUInt32BE(96)]),
      [
        [1, SYNC_SAMPLE_FLAGS],
        [2, NON_SYNC_SAMPLE_FLAGS],
      ],
      'mfhd sequence numbers from 1; sync / non-sync sample flags',
    );
  });

  it('durations: clockRate/25 for the first sample, then the interval before each; tfdt exact', () => {
    const times = [5000, 8000, 11_600, 11_601, 20_000];
    const { fragments, read } = mux(
      SDP,
      times.map((t, i) => au(t, i === 0)),
    );
    assert.deepEqual(
      fragments.map((f) => [f.startS * 90000, f.durationS * 90000]),
      [
        [0, 3600],
        [3000, 3000],
        [6600, 3600],
        [6601, 1],
        [15000, 8399],
      ],
    );
    assert.deepEqual(
      read.fragments.map((f) => [f.startS, f.durationS]),
      fragments.map((f) => [f.startS, f.durationS]),
    );
    const other = mux({ ...SDP, clockRate: 1000 }, [au(0, true), au(40, false)]).fragments;
    assert.deepEqual(
      other.map((f) => [f.startS, f.durationS]),
      [
        [0, 0.04],
        [0.04, 0.04],
      ],
    );
  });

  it('timestamps past 2^32 (extended RTP time): tfdt is written as 64 bits', () => {
    const t0 = 2 ** 33 + 5;
    const { fragments, read } = mux(SDP, [
      au(t0, true),
      au(t0 + 3600, false),
      au(t0 + 2 ** 32 + 7200, false),
      au(t0 + 2 ** 32 + 10_800, false),
    ]);
    const tfdt = fragments.map((f) => Number(f.data.readBigUInt64BE(60)));
    assert.deepEqual(tfdt, [0, 3600, 2 ** 32 + 7200, 2 ** 32 + 10_800]);
    assert.deepEqual(
      read.fragments.map((f) => f.startS * 90000),
      tfdt,
    );
    // a jump longer than a 32-bit duration can hold is capped; the next one is the interval again
    assert.deepEqual(
      fragments.map((f) => f.data.readUInt32BE(88)),
      [3600, 3600, 0xffffffff, 3600],
    );
  });

  it('keeps NAL units in order, 4-byte length-prefixed, in-band parameter sets and SEI included', () => {
    const sei = hex('0605ffee80');
    const nals = [SPS_642, PPS_642, sei, IDR, hex('6588000011')];
    const { fragments } = mux(NO_SDP, [au(0, true, nals), au(3600, false, [SLICE, Buffer.alloc(0)])]);
    assert.deepEqual(samples(fragments[0]!.data), nals);
    assert.deepEqual(samples(fragments[1]!.data), [SLICE], 'an empty NAL unit is left out');
    assert.equal(
      fragments[0]!.data.readUInt32BE(92),
      nals.reduce((n, x) => n + 4 + x.length, 0),
      'trun sample size',
    );
    assert.equal(fragments[0]!.data.readUInt32BE(100), 8 + nals.reduce((n, x) => n + 4 + x.length, 0), 'mdat size');
  });

  it('parameter sets: from the SDP, or in band in the first keyframe (which wins when both are there)', () => {
    assert.equal(mux(SDP, [au(0, true)]).inits[0]!.width, 642);
    assert.equal(mux(NO_SDP, [au(0, true, [SPS_1080, PPS_1080, IDR])]).inits[0]!.codecs, 'avc1.640028');
    const both = mux(SDP, [au(0, true, [SPS_1080, PPS_1080, IDR])]).inits[0]!;
    assert.deepEqual([both.width, both.height, both.codecs], [1920, 1080, 'avc1.640028']);
    const h265 = mux({ codec: 'h265', clockRate: 90000, vps: [VPS_H265], sps: [SPS_H265], pps: [PPS_H265] }, [
      au(0, true, [hex('2601af0011')]),
    ]).inits[0]!;
    assert.deepEqual([h265.codecs, h265.width, h265.height, h265.videoCodec], ['hvc1.1.6.L63.90', 642, 362, 'h265']);
  });

  it('no SPS/PPS (or VPS for H.265) by the first keyframe → Fmp4Error', () => {
    refuses(
      () => mux(NO_SDP, [au(0, false), au(3600, true)]),
      /no SPS\/PPS in the SDP or in band by the first keyframe \(timestamp 3600\)/,
    );
    refuses(() => mux({ ...NO_SDP, sps: [SPS_642] }, [au(0, true)]), /no PPS in the SDP/);
    refuses(
      () => mux({ codec: 'h265', clockRate: 90000, vps: [], sps: [SPS_H265], pps: [PPS_H265] }, [au(0, true)]),
      /no VPS in the SDP/,
    );
  });

  it('an SPS that does not parse → Fmp4Error naming the muxer and the SPS', () => {
    refuses(
      () => mux({ ...SDP, sps: [SPS_642.subarray(0, 6)] }, [au(0, true)]),
      /a parameter set does not parse \(H\.264 SPS: truncated/,
    );
    refuses(
      () => mux({ ...SDP, sps: [hex('6764001f' + '00'.repeat(20))] }, [au(0, true)]),
      /a parameter set does not parse \(H\.264 SPS: exp-Golomb/,
    );
  });

  it('a timestamp that does not advance → Fmp4Error, and the muxer stays failed', () => {
    const m = new Fmp4Muxer(SDP, 0);
    m.push(au(90_000, true));
    m.push(au(93_600, false));
    refuses(
      () => m.push(au(90_000, false)),
      /timestamp 90000 does not advance past 93600 \(reordered or reset stream\)/,
    );
    refuses(() => m.push(au(97_200, false)), /timestamp 90000 does not advance past 93600/);
    const same = new Fmp4Muxer(SDP, 0);
    same.push(au(0, true));
    refuses(() => same.push(au(0, false)), /timestamp 0 does not advance past 0/);
    refuses(() => new Fmp4Muxer(SDP, 0).push(au(-1, true)), /timestamp -1 is not a non-negative integer/);
    refuses(() => new Fmp4Muxer(SDP, 0).push(au(1.5, true)), /timestamp 1.5 is not a non-negative integer/);
    refuses(() => new Fmp4Muxer(SDP, 0).push({ ...au(0, true), nals: [] }), /access unit at 0 has no NAL units/);
    refuses(
      () => new Fmp4Muxer(SDP, 0).push({ ...au(7, false), nals: [Buffer.alloc(0)] }),
      /access unit at 7 has no NAL units/,
    );
  });

  it('a new SPS (other size/profile) or VPS in band mid-run → "parameter sets changed"; the same one repeated is fine', () => {
    const m = new Fmp4Muxer(SDP, 0);
    m.push(au(0, true, [SPS_642, PPS_642, IDR]));
    m.push(au(3600, true, [SPS_642, PPS_642, IDR]));
    m.push(au(7200, false, [PPS_1080, SLICE]));
    refuses(
      () => m.push(au(10_800, true, [SPS_1080, PPS_1080, IDR])),
      /parameter sets changed: a new SPS in band at timestamp 10800 \(avc1\.640028 1920x1080\)/,
    );
    const broken = new Fmp4Muxer(SDP, 0);
    broken.push(au(0, true));
    refuses(
      () => broken.push(au(3600, true, [SPS_642.subarray(0, 8), IDR])),
      /parameter sets changed: a new SPS .*H\.264 SPS: truncated/,
    );
    const h = new Fmp4Muxer({ codec: 'h265', clockRate: 90000, vps: [VPS_H265], sps: [SPS_H265], pps: [PPS_H265] }, 0);
    h.push(au(0, true, [hex('2601af0011')]));
    const vps2 = Buffer.from(VPS_H265);
    vps2.writeUInt8(vps2.readUInt8(vps2.length - 2) ^ 1, vps2.length - 2);
    refuses(
      () => h.push(au(3600, true, [vps2, SPS_H265, PPS_H265, hex('2601af0011')])),
      /parameter sets changed: a new VPS/,
    );
  });

  it('an SPS in band that differs from the SDP’s in VUI only is passed on, not a change', () => {
    // the SDP's SPS says 50 fields/s in its VUI timing, the stream's 25: same sample entry
    const vui = hex(SPS_642.toString('hex').replace('0300c83c58b920', '0300643c58b920'));
    const { inits, fragments } = mux(SDP, [
      au(0, false, [vui, PPS_642, SLICE]),
      au(3600, true),
      au(7200, true, [vui, PPS_642, IDR]),
    ]);
    assert.equal(inits[0]!.width, 642);
    assert.deepEqual(samples(fragments[1]!.data), [vui, PPS_642, IDR]);
  });

  it('refuses a clock rate it cannot write', () => {
    for (const clockRate of [0, -90000, 1.5, 2 ** 32, NaN])
      refuses(() => new Fmp4Muxer({ ...SDP, clockRate }, 0), /clock rate .* is not an integer in 1\.\.2\^32-1/);
  });

  it('costs a few microseconds per fragment (30 KB pictures)', function () {
    const m = new Fmp4Muxer(SDP, 0);
    const big = Buffer.alloc(30_000, 0x55);
    big[0] = 0x41;
    const n = 20_000;
    m.push(au(0, true));
    const started = process.hrtime.bigint();
    for (let i = 1; i <= n; i++) m.push(au(i * 3600, false, [big]));
    const us = Number(process.hrtime.bigint() - started) / 1000 / n;
    this.test!.title += ` (${us.toFixed(2)} µs)`;
    assert.ok(us < 200, `${us} µs per fragment`);
  });
});
