// H.264/H.265 SPS and VPS parsing for the muxer's sample entry: real encoder parameter sets and hand-built corner cases.
import assert from 'node:assert/strict';
import { parseH264Sps } from '../../transcoder/fmp4/h264-sps';
import {
  mergeProfileTierLevels,
  parseH265Sps,
  parseH265Vps,
  type H265ProfileTierLevel,
} from '../../transcoder/fmp4/h265-sps';
import { h264Sps, h265Sps, hex, REAL_H264, REAL_H265, type H264Fields } from '../helpers/parameter-sets';

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
});
