// Writes the init segment (ftyp + moov) of one H.264 or H.265 video track from its parameter sets, as ffmpeg's mp4 muxer lays it out.
import { Fmp4Error } from '../errors';
import { box, fields, fullBox, UNITY_MATRIX } from './box-writer';
import { parseH264Sps } from './h264-sps';
import { mergeProfileTierLevels, parseH265Sps, parseH265Vps } from './h265-sps';

/** The track id of the one video track (ffmpeg numbers it 1 too). */
export const TRACK_ID = 1;

/** Parameter sets of one stream, raw NAL units (no start codes). vps is empty for H.264. */
export interface ParameterSets {
  vps: Buffer[];
  sps: Buffer[];
  pps: Buffer[];
}

export interface WrittenInit {
  data: Buffer;
  width: number;
  height: number;
}

function fail(why: string): never {
  throw new Fmp4Error(`transcoder: fmp4: muxer: ${why}`);
}

/** 16-bit length then the NAL unit, for each (avcC/hvcC arrays). */
function lengthPrefixed(nals: Buffer[], what: string): Buffer[] {
  return nals.flatMap((n) => {
    if (n.length > 0xffff) fail(`${what} of ${n.length} bytes does not fit avcC/hvcC`);
    return [fields([n.length, 2]), n];
  });
}

/**
 * Profiles whose avcC gets no chroma format / bit depth extension. ISO 14496-15 5.3.3.1 requires it
 * for 100, 110, 122 and 144; ffmpeg writes it for every profile but these three (244 included), and
 * so does this writer, so that its avcC is ffmpeg's byte for byte.
 */
const AVCC_NO_EXT_PROFILES = new Set([66, 77, 88]);

function avcC(p: ParameterSets): { entry: Buffer; width: number; height: number } {
  const s = parseH264Sps(p.sps[0]!);
  if (p.sps.length > 31 || p.pps.length > 255) fail(`${p.sps.length} SPS / ${p.pps.length} PPS do not fit avcC`);
  const parts = [
    fields([1, 1], [s.profileIdc, 1], [s.constraintFlags, 1], [s.levelIdc, 1], [0xff, 1], [0xe0 | p.sps.length, 1]),
    ...lengthPrefixed(p.sps, 'an SPS'),
    fields([p.pps.length, 1]),
    ...lengthPrefixed(p.pps, 'a PPS'),
  ];
  if (!AVCC_NO_EXT_PROFILES.has(s.profileIdc))
    parts.push(
      fields(
        [0xfc | s.chromaFormatIdc, 1],
        [0xf8 | (s.bitDepthLuma - 8), 1],
        [0xf8 | (s.bitDepthChroma - 8), 1],
        [0, 1],
      ),
    );
  return { entry: sampleEntry('avc1', s.width, s.height, box('avcC', ...parts)), width: s.width, height: s.height };
}

function hvcC(p: ParameterSets): { entry: Buffer; width: number; height: number } {
  const vps = p.vps.map(parseH265Vps);
  const spss = p.sps.map(parseH265Sps);
  const s = spss[0]!;
  const last = spss[spss.length - 1]!;
  const t = mergeProfileTierLevels([...vps.map((v) => v.ptl), ...spss.map((x) => x.ptl)]);
  const layers = Math.max(...vps.map((v) => v.maxSubLayers), ...spss.map((x) => x.maxSubLayers));
  const arrays = (
    [
      [32, p.vps],
      [33, p.sps],
      [34, p.pps],
    ] as const
  ).filter(([, list]) => list.length > 0);
  const parts = [
    fields([1, 1], [(t.profileSpace << 6) | (t.tierFlag << 5) | t.profileIdc, 1], [t.compatibilityFlags, 4]),
    t.constraintFlags,
    fields(
      [t.levelIdc, 1],
      [0xf000, 2], // min_spatial_segmentation_idc 0: not known
      [0xfc, 1], // parallelismType 0: not known
      [0xfc | last.chromaFormatIdc, 1],
      [0xf8 | (last.bitDepthLuma - 8), 1],
      [0xf8 | (last.bitDepthChroma - 8), 1],
      [0, 2], // avgFrameRate 0: not given
      [(layers << 3) | (last.temporalIdNesting << 2) | 3, 1],
      [arrays.length, 1],
    ),
    ...arrays.flatMap(([type, list]) => {
      if (list.length > 0xffff) fail(`${list.length} parameter sets of type ${type} do not fit hvcC`);
      return [fields([0x80 | type, 1], [list.length, 2]), ...lengthPrefixed(list, `a parameter set of type ${type}`)];
    }),
  ];
  return { entry: sampleEntry('hvc1', s.width, s.height, box('hvcC', ...parts)), width: s.width, height: s.height };
}

/** VisualSampleEntry (ISO 14496-12 12.1.3) with its configuration box. */
function sampleEntry(type: string, width: number, height: number, config: Buffer): Buffer {
  return box(
    type,
    fields([0, 4], [0, 2], [1, 2]), // reserved, data_reference_index 1
    Buffer.alloc(16), // pre_defined, reserved, pre_defined[3]
    fields([width, 2], [height, 2], [0x00480000, 4], [0x00480000, 4], [0, 4], [1, 2]),
    Buffer.alloc(32), // compressorname
    fields([0x0018, 2], [0xffff, 2]),
    config,
  );
}

/**
 * What the sample entry takes from an SPS (profile, level, constraint flags, size, chroma format,
 * bit depths), as a comparable string: two SPSs with the same one differ only in what the decoder
 * reads from the SPS in band (VUI, reference counts, …), not in what the init describes.
 */
export function sampleEntryOf(codec: 'h264' | 'h265', sps: Buffer): string {
  if (codec === 'h264') return JSON.stringify(parseH264Sps(sps));
  const s = parseH265Sps(sps);
  return JSON.stringify({ ...s, ptl: { ...s.ptl, constraintFlags: s.ptl.constraintFlags.toString('hex') } });
}

/** ftyp + moov for one video track at `timescale` ticks per second (the RTP clock rate). */
export function writeInit(codec: 'h264' | 'h265', timescale: number, p: ParameterSets): WrittenInit {
  const { entry, width, height } = codec === 'h264' ? avcC(p) : hvcC(p);
  const ftyp = box('ftyp', Buffer.from('iso5', 'latin1'), fields([512, 4]), Buffer.from('iso5iso6mp41', 'latin1'));
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    fields([0, 4], [0, 4], [1000, 4], [0, 4], [0x00010000, 4], [0x0100, 2]),
    Buffer.alloc(10),
    UNITY_MATRIX,
    Buffer.alloc(24),
    fields([TRACK_ID + 1, 4]),
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    3, // enabled, in movie
    fields([0, 4], [0, 4], [TRACK_ID, 4], [0, 4], [0, 4]),
    Buffer.alloc(16), // reserved, layer, alternate_group, volume, reserved
    UNITY_MATRIX,
    fields([width * 0x10000, 4], [height * 0x10000, 4]),
  );
  const mdhd = fullBox('mdhd', 0, 0, fields([0, 4], [0, 4], [timescale, 4], [0, 4], [0x55c4, 2], [0, 2]));
  const hdlr = fullBox(
    'hdlr',
    0,
    0,
    fields([0, 4]),
    Buffer.from('vide', 'latin1'),
    Buffer.alloc(12),
    Buffer.from('VideoHandler\0'),
  );
  const dinf = box('dinf', fullBox('dref', 0, 0, fields([1, 4]), fullBox('url ', 0, 1)));
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, fields([1, 4]), entry),
    fullBox('stts', 0, 0, fields([0, 4])),
    fullBox('stsc', 0, 0, fields([0, 4])),
    fullBox('stsz', 0, 0, fields([0, 4], [0, 4])),
    fullBox('stco', 0, 0, fields([0, 4])),
  );
  const minf = box('minf', fullBox('vmhd', 0, 1, fields([0, 2], [0, 2], [0, 2], [0, 2])), dinf, stbl);
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, minf));
  const trex = fullBox('trex', 0, 0, fields([TRACK_ID, 4], [1, 4], [0, 4], [0, 4], [0, 4]));
  const moov = box('moov', mvhd, trak, box('mvex', trex));
  return { data: Buffer.concat([ftyp, moov]), width, height };
}
