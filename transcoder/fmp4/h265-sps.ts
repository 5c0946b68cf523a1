// Reads what an MP4 sample entry needs from an H.265 sequence parameter set (ITU-T H.265 7.3.2.2): profile_tier_level, picture size.
import { Fmp4Error } from '../errors';
import { BitReader, unescapeRbsp } from './bit-reader';
import { MAX_PICTURE_SIDE } from './h264-sps';

/** general_* fields of profile_tier_level (7.3.3), as hvcC carries them. */
export interface H265ProfileTierLevel {
  profileSpace: number;
  tierFlag: number;
  profileIdc: number;
  /** general_profile_compatibility_flag[0..31], flag 0 in the most significant bit. */
  compatibilityFlags: number;
  /** The 48 bits from general_progressive_source_flag on (6 bytes). */
  constraintFlags: Buffer;
  levelIdc: number;
}

export interface H265Sps {
  ptl: H265ProfileTierLevel;
  /** sps_max_sub_layers_minus1 + 1. */
  maxSubLayers: number;
  temporalIdNesting: number;
  /** 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4. */
  chromaFormatIdc: number;
  bitDepthLuma: number;
  bitDepthChroma: number;
  /** Displayed size: the coded size minus the conformance window. */
  width: number;
  height: number;
}

function profileTierLevel(r: BitReader, maxSubLayersMinus1: number): H265ProfileTierLevel {
  const profileSpace = r.u(2);
  const tierFlag = r.u1();
  const profileIdc = r.u(5);
  const compatibilityFlags = r.u(32);
  const constraintFlags = Buffer.alloc(6);
  for (let i = 0; i < 6; i++) constraintFlags[i] = r.u(8);
  const levelIdc = r.u(8);
  const profilePresent: number[] = [];
  const levelPresent: number[] = [];
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    profilePresent.push(r.u1());
    levelPresent.push(r.u1());
  }
  if (maxSubLayersMinus1 > 0) r.skip(2 * (8 - maxSubLayersMinus1)); // reserved_zero_2bits
  for (let i = 0; i < maxSubLayersMinus1; i++) {
    if (profilePresent[i]) r.skip(88);
    if (levelPresent[i]) r.skip(8);
  }
  return { profileSpace, tierFlag, profileIdc, compatibilityFlags, constraintFlags, levelIdc };
}

/** Parses an H.265 SPS NAL unit (2-byte header included, no start code); an Fmp4Error for anything it cannot read. */
export function parseH265Sps(nal: Buffer): H265Sps {
  const what = 'H.265 SPS';
  const fail = (why: string): never => {
    throw new Fmp4Error(`transcoder: fmp4: ${what}: ${why}`);
  };
  if (nal.length < 16) fail(`${nal.length} bytes, too short`);
  const type = (nal[0]! >> 1) & 0x3f;
  if (type !== 33) fail(`NAL unit type ${type}, not 33`);
  const r = new BitReader(unescapeRbsp(nal, 2, what), what);
  r.skip(4); // sps_video_parameter_set_id
  const maxSubLayersMinus1 = r.u(3);
  if (maxSubLayersMinus1 > 6) fail(`sps_max_sub_layers_minus1 ${maxSubLayersMinus1} is above 6`);
  const temporalIdNesting = r.u1();
  const ptl = profileTierLevel(r, maxSubLayersMinus1);
  r.ueMax(15, 'sps_seq_parameter_set_id');
  const chromaFormatIdc = r.ueMax(3, 'chroma_format_idc');
  const separateColourPlane = chromaFormatIdc === 3 ? r.u1() : 0;
  let width = r.ueMax(MAX_PICTURE_SIDE, 'pic_width_in_luma_samples');
  let height = r.ueMax(MAX_PICTURE_SIDE, 'pic_height_in_luma_samples');
  if (width === 0 || height === 0) fail(`picture size ${width}x${height}`);
  if (r.u1()) {
    const chromaArrayType = separateColourPlane ? 0 : chromaFormatIdc;
    const subWidthC = chromaArrayType === 1 || chromaArrayType === 2 ? 2 : 1;
    const subHeightC = chromaArrayType === 1 ? 2 : 1;
    const [left, right, top, bottom] = [r.ue(), r.ue(), r.ue(), r.ue()];
    width -= subWidthC * (left + right);
    height -= subHeightC * (top + bottom);
    if (width <= 0 || height <= 0) fail(`conformance window (${left}, ${right}, ${top}, ${bottom}) leaves no picture`);
  }
  const bitDepthLuma = 8 + r.ueMax(8, 'bit_depth_luma_minus8');
  const bitDepthChroma = 8 + r.ueMax(8, 'bit_depth_chroma_minus8');
  return {
    ptl,
    maxSubLayers: maxSubLayersMinus1 + 1,
    temporalIdNesting,
    chromaFormatIdc,
    bitDepthLuma,
    bitDepthChroma,
    width,
    height,
  };
}

/** What hvcC takes from a VPS (ITU-T H.265 7.3.2.1): its profile_tier_level and sub-layer count. */
export interface H265Vps {
  ptl: H265ProfileTierLevel;
  maxSubLayers: number;
}

/** Parses an H.265 VPS NAL unit up to its profile_tier_level; an Fmp4Error for anything it cannot read. */
export function parseH265Vps(nal: Buffer): H265Vps {
  const what = 'H.265 VPS';
  if (nal.length < 6) throw new Fmp4Error(`transcoder: fmp4: ${what}: ${nal.length} bytes, too short`);
  const type = (nal[0]! >> 1) & 0x3f;
  if (type !== 32) throw new Fmp4Error(`transcoder: fmp4: ${what}: NAL unit type ${type}, not 32`);
  const r = new BitReader(unescapeRbsp(nal, 2, what), what);
  r.skip(4 + 1 + 1 + 6); // vps_video_parameter_set_id, base layer flags, vps_max_layers_minus1
  const maxSubLayersMinus1 = r.u(3);
  if (maxSubLayersMinus1 > 6)
    throw new Fmp4Error(`transcoder: fmp4: ${what}: vps_max_sub_layers_minus1 ${maxSubLayersMinus1} is above 6`);
  r.skip(1 + 16); // vps_temporal_id_nesting_flag, vps_reserved_0xffff_16bits
  return { ptl: profileTierLevel(r, maxSubLayersMinus1), maxSubLayers: maxSubLayersMinus1 + 1 };
}

/**
 * The general profile_tier_level of hvcC from those of every VPS and SPS, in order, as ffmpeg
 * combines them: highest tier, profile and level (a higher tier takes its level), compatibility and
 * constraint flags common to all, profile space of the last.
 */
export function mergeProfileTierLevels(list: H265ProfileTierLevel[]): H265ProfileTierLevel {
  const out: H265ProfileTierLevel = {
    profileSpace: 0,
    tierFlag: 0,
    profileIdc: 0,
    compatibilityFlags: 0xffffffff,
    constraintFlags: Buffer.alloc(6, 0xff),
    levelIdc: 0,
  };
  for (const p of list) {
    out.profileSpace = p.profileSpace;
    out.levelIdc = out.tierFlag < p.tierFlag ? p.levelIdc : Math.max(out.levelIdc, p.levelIdc);
    out.tierFlag = Math.max(out.tierFlag, p.tierFlag);
    out.profileIdc = Math.max(out.profileIdc, p.profileIdc);
    out.compatibilityFlags = (out.compatibilityFlags & p.compatibilityFlags) >>> 0;
    for (let i = 0; i < 6; i++) out.constraintFlags[i]! &= p.constraintFlags[i]!;
  }
  return out;
}
