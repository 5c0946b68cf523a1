// Parameter sets for the SPS/VPS parser tests: real ones written by x264/x265, and H.264/H.265 SPSs built field by field.
import { BitWriter } from './bit-writer';

export const hex = (s: string) => Buffer.from(s, 'hex');

/** SPSs written by x264 / x265 (ffmpeg 5.1, lavfi testsrc2), with what ffprobe reports for their streams. */
export const REAL_H264: Array<
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

export const REAL_H265: Array<
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

export interface H264Fields {
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
export function h264Sps(f: H264Fields): Buffer {
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
export function h265Sps(o: {
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
