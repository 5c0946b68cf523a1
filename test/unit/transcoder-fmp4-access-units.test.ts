// mergeSplitPictures: pictures split into two samples are rejoined; everything else is left byte for byte.
import assert from 'node:assert/strict';
import { mergeSplitPictures, startsMidPicture, type SliceCodec } from '../../transcoder/fmp4/access-units';

const box = (type: string, ...body: Buffer[]): Buffer => {
  const b = Buffer.concat(body);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(b.length + 8, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, b]);
};
const u32 = (...v: number[]): Buffer => {
  const b = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => b.writeUInt32BE(x >>> 0, i * 4));
  return b;
};
/** Length-prefixed NAL units (4-byte lengths), as ffmpeg's mp4 muxer writes them. */
const nals = (...units: number[][]): Buffer =>
  Buffer.concat(units.map((u) => Buffer.concat([u32(u.length), Buffer.from(u)])));

// H.264: AUD, SPS, PPS, IDR slice starting the picture (first_mb_in_slice 0 → first bit 1), IDR slice at MB 40 (first bit 0)
const AUD = [0x09, 0xf0, 0x00];
const SPS = [0x67, 0x42, 0xc0, 0x1e, 0xaa];
const PPS = [0x68, 0xce, 0x3c, 0x80];
const IDR_FIRST = [0x65, 0x88, 0x84, 0x21, 0x11];
const IDR_REST = [0x65, 0x00, 0xa2, 0x41, 0x12];
const P_FIRST = [0x41, 0x9a, 0x21, 0x6c];
const P_REST = [0x41, 0x01, 0x62, 0x6c];
// H.265: IDR_W_RADL (type 19), first_slice_segment_in_pic_flag in the first bit after the 2-byte header
const H5_IDR_FIRST = [0x26, 0x01, 0xaf, 0x11, 0x22];
const H5_IDR_REST = [0x26, 0x01, 0x2f, 0x11, 0x22];
const H5_VPS = [0x40, 0x01, 0x0c, 0x01];

interface S {
  data: Buffer;
  duration: number;
  flags?: number;
}

/** One fragment (styp, moof with one traf per track, mdat) the way ffmpeg's hls muxer lays it out. */
function segment(tracks: Array<{ id: number; samples: S[] }>): Buffer {
  const build = (offsets: number[]): Buffer =>
    box(
      'moof',
      box('mfhd', u32(0, 7)),
      ...tracks.map((t, i) =>
        box(
          'traf',
          box('tfhd', u32(0x020000, t.id)),
          box('tfdt', u32(0x01000000, 0, 9000)),
          box(
            'trun',
            u32(0x000f01, t.samples.length, offsets[i]!),
            ...t.samples.map((s) => u32(s.duration, s.data.length, s.flags ?? 0x01010000, 0)),
          ),
        ),
      ),
    );
  const sizing = build(tracks.map(() => 0));
  const offsets: number[] = [];
  let at = sizing.length + 8;
  for (const t of tracks) {
    offsets.push(at);
    at += t.samples.reduce((n, s) => n + s.data.length, 0);
  }
  const styp = box('styp', Buffer.from('msdh'), u32(0), Buffer.from('msdhmsix'));
  return Buffer.concat([styp, build(offsets), box('mdat', ...tracks.flatMap((t) => t.samples.map((s) => s.data)))]);
}

/** Reads back every track's samples (duration, bytes) through the trun data offsets. */
function readSamples(seg: Buffer): Map<number, Array<{ duration: number; data: Buffer }>> {
  const out = new Map<number, Array<{ duration: number; data: Buffer }>>();
  let p = 0;
  while (p < seg.length) {
    const size = seg.readUInt32BE(p);
    if (seg.toString('latin1', p + 4, p + 8) === 'moof') {
      let q = p + 8;
      while (q < p + size) {
        const s = seg.readUInt32BE(q);
        if (seg.toString('latin1', q + 4, q + 8) === 'traf') {
          const id = seg.readUInt32BE(q + 8 + 12);
          const trun = q + 8 + 16 + 20;
          assert.equal(seg.toString('latin1', trun + 4, trun + 8), 'trun');
          const flags = seg.readUInt32BE(trun + 8) & 0xffffff;
          const count = seg.readUInt32BE(trun + 12);
          let offset = seg.readInt32BE(trun + 16);
          let r = trun + 20;
          const list: Array<{ duration: number; data: Buffer }> = [];
          for (let i = 0; i < count; i++) {
            const duration = seg.readUInt32BE(r);
            const len = seg.readUInt32BE(r + 4);
            r += 8 + (flags & 0x400 ? 4 : 0) + (flags & 0x800 ? 4 : 0);
            list.push({ duration, data: seg.subarray(p + offset, p + offset + len) });
            offset += len;
          }
          out.set(id, list);
        }
        q += s;
      }
    }
    p += size;
  }
  return out;
}

const cat = (...b: Buffer[]): Buffer => Buffer.concat(b);
const key = nals(AUD, SPS, PPS, IDR_FIRST);
const keyRest = nals(SPS, PPS, IDR_REST);
const p = nals(AUD, P_FIRST, P_REST);

interface Case {
  name: string;
  codec: SliceCodec;
  tracks: Array<{ id: number; samples: S[] }>;
  merged: number;
  /** Expected samples per track after the merge (data, duration). */
  expected: Record<number, Array<[Buffer, number]>>;
}

const CASES: Case[] = [
  {
    name: 'H.264 keyframe split after its first slice (SPS/PPS repeated) → one sample, durations added',
    codec: 'h264',
    tracks: [
      {
        id: 1,
        samples: [
          { data: key, duration: 1 },
          { data: keyRest, duration: 1023, flags: 0x02000000 },
          { data: p, duration: 1024 },
        ],
      },
    ],
    merged: 1,
    expected: {
      1: [
        [cat(key, keyRest), 1024],
        [p, 1024],
      ],
    },
  },
  {
    name: 'H.264 picture split in three → one sample',
    codec: 'h264',
    tracks: [
      {
        id: 1,
        samples: [
          { data: key, duration: 1 },
          { data: keyRest, duration: 1 },
          { data: keyRest, duration: 1022 },
          { data: p, duration: 1024 },
        ],
      },
    ],
    merged: 2,
    expected: {
      1: [
        [cat(key, keyRest, keyRest), 1024],
        [p, 1024],
      ],
    },
  },
  {
    name: 'H.264 slices of one picture in one sample (the normal case) → untouched',
    codec: 'h264',
    tracks: [
      {
        id: 1,
        samples: [
          { data: nals(AUD, SPS, PPS, IDR_FIRST, IDR_REST), duration: 1024 },
          { data: p, duration: 1024 },
        ],
      },
    ],
    merged: 0,
    expected: {
      1: [
        [nals(AUD, SPS, PPS, IDR_FIRST, IDR_REST), 1024],
        [p, 1024],
      ],
    },
  },
  {
    name: 'a continuation as the first sample of the fragment has nothing to join → kept',
    codec: 'h264',
    tracks: [
      {
        id: 1,
        samples: [
          { data: keyRest, duration: 1024 },
          { data: p, duration: 1024 },
        ],
      },
    ],
    merged: 0,
    expected: {
      1: [
        [keyRest, 1024],
        [p, 1024],
      ],
    },
  },
  {
    name: 'H.265 keyframe split (VPS/SPS/PPS repeated before the second slice segment) → one sample',
    codec: 'h265',
    tracks: [
      {
        id: 1,
        samples: [
          { data: nals(H5_VPS, H5_IDR_FIRST), duration: 2 },
          { data: nals(H5_VPS, H5_IDR_REST), duration: 1022 },
        ],
      },
    ],
    merged: 1,
    expected: { 1: [[cat(nals(H5_VPS, H5_IDR_FIRST), nals(H5_VPS, H5_IDR_REST)), 1024]] },
  },
  {
    name: 'video merged, the audio track after it still addresses its own bytes (data offsets moved)',
    codec: 'h264',
    tracks: [
      {
        id: 1,
        samples: [
          { data: key, duration: 1 },
          { data: keyRest, duration: 1023 },
          { data: p, duration: 1024 },
        ],
      },
      {
        id: 2,
        samples: [
          { data: Buffer.from('audio-frame-1'), duration: 1024 },
          { data: Buffer.from('audio-frame-2'), duration: 1024 },
        ],
      },
    ],
    merged: 1,
    expected: {
      1: [
        [cat(key, keyRest), 1024],
        [p, 1024],
      ],
      2: [
        [Buffer.from('audio-frame-1'), 1024],
        [Buffer.from('audio-frame-2'), 1024],
      ],
    },
  },
  {
    name: 'a sample whose NAL lengths do not tile it is not read as a continuation',
    codec: 'h264',
    tracks: [
      {
        id: 1,
        samples: [
          { data: key, duration: 1 },
          { data: Buffer.concat([u32(999), Buffer.from(IDR_REST)]), duration: 1023 },
        ],
      },
    ],
    merged: 0,
    expected: {
      1: [
        [key, 1],
        [Buffer.concat([u32(999), Buffer.from(IDR_REST)]), 1023],
      ],
    },
  },
];

describe('transcoder fMP4 split pictures (mergeSplitPictures)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const input = segment(c.tracks);
      const r = mergeSplitPictures(input, c.codec);
      assert.equal(r.merged, c.merged);
      if (c.merged === 0) assert.equal(r.segment, input, 'the very same buffer');
      const got = readSamples(r.segment);
      for (const [id, samples] of Object.entries(c.expected)) {
        const list = got.get(Number(id));
        assert.ok(list, `track ${id} present`);
        assert.deepEqual(
          list.map((s) => s.duration),
          samples.map((s) => s[1]),
          `track ${id} durations`,
        );
        list.forEach((s, i) => assert.ok(s.data.equals(samples[i]![0]), `track ${id} sample ${i} bytes`));
      }
    });
  }

  it('the keyframe flags of the merged sample are those of its first part', () => {
    const samples = [
      { data: key, duration: 1, flags: 0x02000000 },
      { data: keyRest, duration: 1023, flags: 0x01010000 },
    ];
    const r = mergeSplitPictures(segment([{ id: 1, samples }]), 'h264');
    const trun = r.segment.indexOf('trun') - 4;
    assert.equal(r.segment.readUInt32BE(trun + 12), 1, 'one sample');
    assert.equal(r.segment.readUInt32BE(trun + 28), 0x02000000, 'sync sample flags kept');
  });

  it('truncated or foreign input comes back unchanged', () => {
    const whole = segment([
      {
        id: 1,
        samples: [
          { data: key, duration: 1 },
          { data: keyRest, duration: 1023 },
        ],
      },
    ]);
    for (const bad of [whole.subarray(0, whole.length - 30), Buffer.from('not an mp4 at all'), Buffer.alloc(0)]) {
      const r = mergeSplitPictures(bad, 'h264');
      assert.equal(r.merged, 0);
      assert.equal(r.segment, bad);
    }
  });

  it('startsMidPicture reads first_mb_in_slice (H.264) and first_slice_segment_in_pic_flag (H.265) after any parameter sets', () => {
    assert.equal(startsMidPicture(key, 'h264'), false);
    assert.equal(startsMidPicture(keyRest, 'h264'), true);
    assert.equal(startsMidPicture(nals(AUD, P_REST), 'h264'), true);
    assert.equal(startsMidPicture(nals(SPS, PPS), 'h264'), false, 'no slice at all');
    assert.equal(startsMidPicture(nals(H5_VPS, H5_IDR_FIRST), 'h265'), false);
    assert.equal(startsMidPicture(nals(H5_IDR_REST), 'h265'), true);
  });
});
