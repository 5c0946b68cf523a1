// Reads what an MP4 sample entry needs from an H.264 sequence parameter set (ITU-T H.264 7.3.2.1.1): profile, level, picture size.
import { Fmp4Error } from '../errors';
import { BitReader, unescapeRbsp } from './bit-reader';

/** Largest picture side accepted (pixels): 8K is 7680; anything above is a hostile or corrupt SPS. */
export const MAX_PICTURE_SIDE = 16384;

export interface H264Sps {
  profileIdc: number;
  /** constraint_set0..5 flags and the reserved bits: the byte between profile and level. */
  constraintFlags: number;
  levelIdc: number;
  /** 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Displayed size: coded macroblocks minus the frame cropping. */
  width: number;
  height: number;
}

/** Profiles whose SPS carries chroma format, bit depths and scaling lists (7.3.2.1.1). */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

function scalingList(r: BitReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) {
      const delta = r.se();
      if (delta < -128 || delta > 127)
        throw new Fmp4Error(`transcoder: fmp4: H.264 SPS: delta_scale ${delta} out of range`);
      next = (last + delta + 256) % 256;
    }
    last = next === 0 ? last : next;
  }
}

/** Parses an H.264 SPS NAL unit (header byte included, no start code); an Fmp4Error for anything it cannot read. */
export function parseH264Sps(nal: Buffer): H264Sps {
  const what = 'H.264 SPS';
  const fail = (why: string): never => {
    throw new Fmp4Error(`transcoder: fmp4: ${what}: ${why}`);
  };
  if (nal.length < 4) fail(`${nal.length} bytes, too short`);
  if ((nal[0]! & 0x1f) !== 7) fail(`NAL unit type ${nal[0]! & 0x1f}, not 7`);
  const r = new BitReader(unescapeRbsp(nal, 1, what), what);
  const profileIdc = r.u(8);
  const constraintFlags = r.u(8);
  const levelIdc = r.u(8);
  r.ueMax(31, 'seq_parameter_set_id');
  let chromaFormatIdc = 1;
  let separateColourPlane = 0;
  let bitDepthLuma = 8;
  let bitDepthChroma = 8;
  if (HIGH_PROFILES.has(profileIdc)) {
    chromaFormatIdc = r.ueMax(3, 'chroma_format_idc');
    if (chromaFormatIdc === 3) separateColourPlane = r.u1();
    bitDepthLuma = 8 + r.ueMax(6, 'bit_depth_luma_minus8');
    bitDepthChroma = 8 + r.ueMax(6, 'bit_depth_chroma_minus8');
    r.u1(); // qpprime_y_zero_transform_bypass_flag
    if (r.u1()) {
      const lists = chromaFormatIdc !== 3 ? 8 : 12;
      for (let i = 0; i < lists; i++) if (r.u1()) scalingList(r, i < 6 ? 16 : 64);
    }
  }
  r.ueMax(12, 'log2_max_frame_num_minus4');
  const pocType = r.ueMax(2, 'pic_order_cnt_type');
  if (pocType === 0) r.ueMax(12, 'log2_max_pic_order_cnt_lsb_minus4');
  else if (pocType === 1) {
    r.u1();
    r.se();
    r.se();
    const cycle = r.ueMax(255, 'num_ref_frames_in_pic_order_cnt_cycle');
    for (let i = 0; i < cycle; i++) r.se();
  }
  r.ueMax(32, 'max_num_ref_frames');
  r.u1(); // gaps_in_frame_num_value_allowed_flag
  const widthMbs = r.ueMax(MAX_PICTURE_SIDE / 16 - 1, 'pic_width_in_mbs_minus1') + 1;
  const heightUnits = r.ueMax(MAX_PICTURE_SIDE / 16 - 1, 'pic_height_in_map_units_minus1') + 1;
  const frameMbsOnly = r.u1();
  if (!frameMbsOnly) r.u1(); // mb_adaptive_frame_field_flag
  r.u1(); // direct_8x8_inference_flag
  let width = widthMbs * 16;
  let height = (2 - frameMbsOnly) * heightUnits * 16;
  if (r.u1()) {
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
    const subHeightC = chromaArrayType === 1 ? 2 : 1;
    const cropX = chromaArrayType === 0 ? 1 : subWidthC;
    const cropY = (chromaArrayType === 0 ? 1 : subHeightC) * (2 - frameMbsOnly);
    const [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
    width -= cropX * (left + right);
    height -= cropY * (top + bottom);
    if (width <= 0 || height <= 0) fail(`frame cropping (${left}, ${right}, ${top}, ${bottom}) leaves no picture`);
  }
  if (height > MAX_PICTURE_SIDE) fail(`picture height ${height} is above ${MAX_PICTURE_SIDE}`);
  return { profileIdc, constraintFlags, levelIdc, chromaFormatIdc, bitDepthLuma, bitDepthChroma, width, height };
}
