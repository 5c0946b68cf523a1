// H.264/H.265 SPS parsing for the muxer's sample entry: real encoder SPSs, hand-built corner cases, and hostile ones (Fmp4Error, never a hang).
import assert from 'node:assert/strict';
import { Fmp4Error } from '../../transcoder/errors';
import { parseH264Sps } from '../../transcoder/fmp4/h264-sps';
import {
  mergeProfileTierLevels,
  parseH265Sps,
  parseH265Vps,
  type H265ProfileTierLevel,
} from '../../transcoder/fmp4/h265-sps';
import { BitWriter } from '../helpers/bit-writer';

const hex = (s: string) => Buffer.from(s, 'hex');

/** SPSs written by x264 / x265 (ffmpeg 5.1, lavfi testsrc2), with what ffprobe reports for their streams. */
const REAL_H264: Array<
  [string, string, { profileIdc: number; levelIdc: number; width: number; height: number; chroma: number }]
> = [
  [
    'High 1920x1080 (1088 coded, cropped)',
    '67640028acd940780227e5c044000003000400000300c83c60c658',
    { profileIdc: 100, levelIdc: 40, width: 1920, height: 1080, chroma: 1 },
  ],
  [
    'Constrained Baseline 642x362 (cropped on both axes)',
    '6742c01ed900a42fe224c044000003000400000300c83c58b920',
    { profileIdc: 66, levelIdc: 30, width: 642, height: 362, chroma: 1 },
  ],
  [
    'High 4:4:4 Predictive 1280x720',
    '67f4001f919b280a00b76022000003000200000300641e30632c',
    { profileIdc: 244, levelIdc: 31, width: 1280, height: 720, chroma: 3 },
  ],
  [
    'High 4:2:2 1280x720',
    '677a001fbcd9405005bb011000000300100000030320f1831960',
    { profileIdc: 122, levelIdc: 31, width: 1280, height: 720, chroma: 2 },
  ],
  [
    'High 720x576 interlaced (frame_mbs_only_flag 0)',
    '6764001eacd940b424d8088000000300800000190f8a14cb',
    { profileIdc: 100, levelIdc: 30, width: 720, height: 576, chroma: 1 },
  ],
];

const REAL_H265: Array<
  [string, string, { profileIdc: number; levelIdc: number; width: number; height: number; depth: number }]
> = [
  [
    'Main 2560x1440',
    '420101016000000300900000030000030096a001402005a165959a4932bc05a02000000300200000030321',
    { profileIdc: 1, levelIdc: 150, width: 2560, height: 1440, depth: 8 },
  ],
  [
    'Main 642x362 (conformance window)',
    '42010101600000030090000003000003003fa005120171c9265959a4932bc05a020000030002000003003210',
    { profileIdc: 1, levelIdc: 63, width: 642, height: 362, depth: 8 },
  ],
  [
    'Main 10 1920x1080',
    '420101022000000300900000030000030078a003c08010e4d96566924caf016808000003000800000300c840',
    { profileIdc: 2, levelIdc: 120, width: 1920, height: 1080, depth: 10 },
  ],
];

interface H264Fields {
  profile?: number;
  chroma?: number;
  /** Per list: null = not present, 'default' = use the default matrix, else the explicit values. */
  lists?: Array<number[] | 'default' | null>;
  pocType?: 0 | 1 | 2;
  pocCycle?: number;
  widthMbs: number;
  heightUnits: number;
  frameMbsOnly?: 0 | 1;
  crop?: [number, number, number, number];
}

/** An H.264 SPS written field by field (ITU-T H.264 7.3.2.1.1). */
function h264Sps(f: H264Fields): Buffer {
  const w = new BitWriter()
    .u(8, f.profile ?? 100)
    .u(8, 0)
    .u(8, 40)
    .ue(0);
  if ([100, 110, 122, 244].includes(f.profile ?? 100)) {
    w.ue(f.chroma ?? 1);
    if (f.chroma === 3) w.u(1, 0);
    w.ue(0)
      .ue(0)
      .u(1, 0)
      .u(1, f.lists ? 1 : 0);
    for (const list of f.lists ?? []) {
      w.u(1, list ? 1 : 0);
      if (list === 'default') w.se(-8);
      else if (list) {
        let last = 8;
        for (const v of list) {
          w.se(((v - last + 128) % 256) - 128);
          last = v;
        }
      }
    }
  }
  w.ue(0).ue(f.pocType ?? 0);
  if ((f.pocType ?? 0) === 0) w.ue(2);
  else if (f.pocType === 1) {
    w.u(1, 0)
      .se(-2)
      .se(1)
      .ue(f.pocCycle ?? 0);
    for (let i = 0; i < (f.pocCycle ?? 0); i++) w.se(i - 1);
  }
  w.ue(4)
    .u(1, 0)
    .ue(f.widthMbs - 1)
    .ue(f.heightUnits - 1)
    .u(1, f.frameMbsOnly ?? 1);
  if (f.frameMbsOnly === 0) w.u(1, 0);
  w.u(1, 1).u(1, f.crop ? 1 : 0);
  for (const c of f.crop ?? []) w.ue(c);
  return w.u(1, 0).nal([0x67]);
}

/** An H.265 SPS up to the bit depths (ITU-T H.265 7.3.2.2), with sub-layers in profile_tier_level. */
function h265Sps(o: {
  subLayers: Array<{ profile: boolean; level: boolean }>;
  width: number;
  height: number;
  window?: number[];
}): Buffer {
  const n = o.subLayers.length;
  const w = new BitWriter().u(4, 0).u(3, n).u(1, 1);
  w.u(2, 0).u(1, 1).u(5, 2).u(32, 0x20000000).u(8, 0xb0).u(8, 0).u(32, 0).u(8, 153);
  for (const s of o.subLayers) w.u(1, s.profile ? 1 : 0).u(1, s.level ? 1 : 0);
  if (n > 0) for (let i = n; i < 8; i++) w.u(2, 0);
  for (const s of o.subLayers) {
    if (s.profile) w.u(32, 0xffffffff).u(32, 0xffffffff).u(24, 0xffffff);
    if (s.level) w.u(8, 0xff);
  }
  w.ue(0)
    .ue(1)
    .ue(o.width)
    .ue(o.height)
    .u(1, o.window ? 1 : 0);
  for (const c of o.window ?? []) w.ue(c);
  return w.ue(2).ue(2).ue(4).nal([0x42, 0x01]);
}

const refuses = (f: () => unknown, message: RegExp) =>
  assert.throws(
    f,
    (e: unknown) => e instanceof Fmp4Error && message.test(e.message) && e.message.startsWith('transcoder: fmp4: '),
  );

describe('fmp4: SPS parsing', () => {
  for (const [name, sps, want] of REAL_H264)
    it(`H.264 ${name}`, () => {
      const s = parseH264Sps(hex(sps));
      assert.deepEqual(
        [s.profileIdc, s.levelIdc, s.width, s.height, s.chromaFormatIdc],
        [want.profileIdc, want.levelIdc, want.width, want.height, want.chroma],
      );
      assert.deepEqual([s.bitDepthLuma, s.bitDepthChroma], [8, 8]);
    });

  for (const [name, sps, want] of REAL_H265)
    it(`H.265 ${name}`, () => {
      const s = parseH265Sps(hex(sps));
      assert.deepEqual(
        [s.ptl.profileIdc, s.ptl.levelIdc, s.width, s.height, s.bitDepthLuma, s.chromaFormatIdc],
        [want.profileIdc, want.levelIdc, want.width, want.height, want.depth, 1],
      );
      assert.equal(s.ptl.constraintFlags.toString('hex'), '900000000000');
      assert.equal(s.maxSubLayers, 1);
    });

  const built: Array<[string, H264Fields, [number, number]]> = [
    [
      'scaling lists (explicit 4x4, default 8x8, absent), 4:2:0 cropping',
      {
        lists: [
          [...Array(16).keys()].map((i) => 6 + i * 3),
          'default',
          null,
          null,
          null,
          null,
          [...Array(64)].map(() => 16),
          'default',
        ],
        widthMbs: 120,
        heightUnits: 68,
        crop: [0, 0, 0, 4],
      },
      [1920, 1080],
    ],
    [
      '4:4:4 with 12 scaling lists, cropping in single samples',
      { chroma: 3, lists: Array(12).fill('default'), widthMbs: 5, heightUnits: 5, crop: [1, 2, 3, 4] },
      [77, 73],
    ],
    [
      'monochrome (chroma_format_idc 0): crop unit 1, doubled for fields',
      { chroma: 0, widthMbs: 4, heightUnits: 2, frameMbsOnly: 0, crop: [1, 1, 1, 1] },
      [62, 60],
    ],
    [
      'pic_order_cnt_type 1 with a 200-entry cycle',
      { profile: 77, pocType: 1, pocCycle: 200, widthMbs: 20, heightUnits: 15 },
      [320, 240],
    ],
    [
      'pic_order_cnt_type 2, 4:2:2 cropping (2 across, 1 down)',
      { chroma: 2, pocType: 2, widthMbs: 2, heightUnits: 2, crop: [1, 0, 1, 0] },
      [30, 31],
    ],
  ];
  for (const [name, fields, [width, height]] of built)
    it(`H.264 built: ${name} → ${width}x${height}`, () => {
      const s = parseH264Sps(h264Sps(fields));
      assert.deepEqual([s.width, s.height], [width, height]);
    });

  it('H.265 built: three sub-layers with sub-layer profile and level fields, conformance window', () => {
    const sps = h265Sps({
      subLayers: [
        { profile: true, level: true },
        { profile: false, level: true },
        { profile: true, level: false },
      ],
      width: 2560,
      height: 1448,
      window: [0, 0, 0, 4],
    });
    const s = parseH265Sps(sps);
    assert.deepEqual([s.width, s.height, s.maxSubLayers, s.ptl.profileIdc, s.ptl.levelIdc], [2560, 1440, 4, 2, 153]);
    assert.equal(s.ptl.compatibilityFlags, 0x20000000);
    assert.equal(s.ptl.constraintFlags.toString('hex'), 'b00000000000');
  });

  it('H.265 VPS: its profile_tier_level, merged with the SPS’s as ffmpeg merges them for hvcC', () => {
    const v = parseH265Vps(hex('40010c01ffff016000000300900000030000030096959809'));
    assert.deepEqual(
      [v.maxSubLayers, v.ptl.profileIdc, v.ptl.levelIdc, v.ptl.compatibilityFlags],
      [1, 1, 150, 0x60000000],
    );
    const ptl = (
      tierFlag: number,
      profileIdc: number,
      levelIdc: number,
      compat: number,
      c0: number,
    ): H265ProfileTierLevel => ({
      profileSpace: 0,
      tierFlag,
      profileIdc,
      compatibilityFlags: compat,
      constraintFlags: Buffer.from([c0, 0, 0, 0, 0, 0]),
      levelIdc,
    });
    const m = mergeProfileTierLevels([ptl(0, 1, 153, 0x60000000, 0xb0), ptl(0, 2, 120, 0x20000000, 0x90)]);
    assert.deepEqual(
      [m.tierFlag, m.profileIdc, m.levelIdc, m.compatibilityFlags, m.constraintFlags[0]],
      [0, 2, 153, 0x20000000, 0x90],
    );
    const high = mergeProfileTierLevels([ptl(0, 1, 153, 0x60000000, 0x90), ptl(1, 1, 120, 0x60000000, 0x90)]);
    assert.deepEqual([high.tierFlag, high.levelIdc], [1, 120], 'a higher tier brings its own level');
  });

  describe('hostile SPSs → Fmp4Error', () => {
    it('every truncation of a real SPS: an error or the same picture size, never anything else', () => {
      for (const [, sps, want] of [...REAL_H264, ...REAL_H265]) {
        const full = hex(sps);
        const parse = full[0] === 0x42 ? parseH265Sps : parseH264Sps;
        for (let n = 0; n < full.length; n++) {
          try {
            const s = parse(full.subarray(0, n));
            assert.deepEqual([s.width, s.height], [want.width, want.height], `cut at ${n}`);
          } catch (e) {
            assert.ok(e instanceof Fmp4Error, `cut at ${n}: ${String(e)}`);
          }
        }
      }
      refuses(() => parseH264Sps(hex('6764')), /H\.264 SPS: 2 bytes, too short/);
      refuses(() => parseH264Sps(hex('67640028ac')), /H\.264 SPS: truncated/);
    });

    it('a run of zeros where an exp-Golomb code should be', () => {
      const zeros = new BitWriter().u(8, 100).u(8, 0).u(8, 40).raw('0'.repeat(40)).nal([0x67]);
      refuses(() => parseH264Sps(zeros), /exp-Golomb code longer than 32 bits/);
      const allZero = Buffer.concat([hex('67640028'), Buffer.alloc(4000)]);
      refuses(() => parseH264Sps(allZero), /exp-Golomb code longer than 32 bits|truncated/);
      const h265 = new BitWriter().u(8, 1).u(32, 0).u(32, 0).u(32, 0).u(8, 0).raw('0'.repeat(64)).nal([0x42, 0x01]);
      refuses(() => parseH265Sps(h265), /exp-Golomb code longer than 32 bits/);
    });

    it('absurd sizes and counts', () => {
      refuses(
        () => parseH264Sps(h264Sps({ widthMbs: 100_000, heightUnits: 10 })),
        /pic_width_in_mbs_minus1 99999 is above 1023/,
      );
      refuses(
        () => parseH264Sps(h264Sps({ widthMbs: 10, heightUnits: 1025 })),
        /pic_height_in_map_units_minus1 1024 is above 1023/,
      );
      refuses(
        () => parseH264Sps(h264Sps({ widthMbs: 10, heightUnits: 600, frameMbsOnly: 0 })),
        /picture height 19200 is above 16384/,
      );
      refuses(
        () => parseH264Sps(h264Sps({ widthMbs: 2, heightUnits: 2, crop: [8, 8, 0, 0] })),
        /frame cropping \(8, 8, 0, 0\) leaves no picture/,
      );
      refuses(
        () => parseH264Sps(h264Sps({ widthMbs: 2, heightUnits: 2, crop: [2 ** 31, 0, 0, 0] })),
        /leaves no picture/,
      );
      refuses(
        () => parseH264Sps(h264Sps({ pocType: 1, pocCycle: 256, widthMbs: 2, heightUnits: 2 })),
        /num_ref_frames_in_pic_order_cnt_cycle 256/,
      );
      refuses(
        () => parseH265Sps(h265Sps({ subLayers: [], width: 100_000, height: 10 })),
        /pic_width_in_luma_samples 100000 is above 16384/,
      );
      refuses(() => parseH265Sps(h265Sps({ subLayers: [], width: 0, height: 10 })), /picture size 0x10/);
      refuses(
        () => parseH265Sps(h265Sps({ subLayers: [], width: 64, height: 64, window: [20, 20, 0, 0] })),
        /conformance window/,
      );
      const sevenSubLayers = Array(7).fill({ profile: false, level: false });
      refuses(
        () => parseH265Sps(h265Sps({ subLayers: sevenSubLayers, width: 64, height: 64 })),
        /sps_max_sub_layers_minus1 7 is above 6/,
      );
    });

    it('hostile VPSs', () => {
      const vps = hex('40010c01ffff016000000300900000030000030096959809');
      for (let n = 0; n < 21; n++)
        refuses(() => parseH265Vps(vps.subarray(0, n)), /H\.265 VPS: (\d+ bytes, too short|truncated)/);
      refuses(() => parseH265Vps(hex('4201' + '00'.repeat(20))), /NAL unit type 33, not 32/);
      refuses(() => parseH265Vps(hex('40010c0fffff' + '00'.repeat(20))), /vps_max_sub_layers_minus1 7 is above 6/);
    });

    it('wrong NAL unit types and oversized NAL units', () => {
      refuses(() => parseH264Sps(hex('68ebe3cb22c0')), /NAL unit type 8, not 7/);
      refuses(() => parseH265Sps(hex('4401c172b46240c172b46240c172b46240')), /NAL unit type 34, not 33/);
      refuses(
        () => parseH264Sps(Buffer.concat([hex('67640028'), Buffer.alloc(70_000, 0xff)])),
        /70004 bytes, above the limit 65536/,
      );
    });

    it('random bytes behind an SPS header: only Fmp4Errors, quickly', () => {
      let x = 0x2545f491;
      const rand = () => {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        return x >>> 0;
      };
      const started = Date.now();
      let parsed = 0;
      for (let i = 0; i < 5000; i++) {
        const body = Buffer.from(Array.from({ length: 4 + (rand() % 60) }, () => rand() & 0xff));
        for (const [header, parse] of [
          [[0x67], parseH264Sps],
          [[0x42, 0x01], parseH265Sps],
        ] as const) {
          try {
            const s = parse(Buffer.concat([Buffer.from(header), body]));
            assert.ok(s.width > 0 && s.width <= 16384 && s.height > 0 && s.height <= 16384);
            parsed++;
          } catch (e) {
            assert.ok(e instanceof Fmp4Error, String(e));
          }
        }
      }
      assert.ok(Date.now() - started < 5000, `10000 hostile SPSs took ${Date.now() - started} ms`);
      assert.ok(parsed < 10_000);
    });
  });
});
