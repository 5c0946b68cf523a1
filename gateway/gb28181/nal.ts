// H.264/H.265 NAL units in Annex B byte streams: splitting, joining and telling keyframes, for the PS muxer and demuxer.

export type VideoCodec = 'h264' | 'h265';

/** One picture as the PS demuxer hands it on: NAL units without start codes, PTS in 90 kHz ticks. */
export interface VideoAccessUnit {
  codec: VideoCodec;
  nals: Buffer[];
  /** Presentation time, 90 kHz, 33 bits as carried in the PES header. */
  pts: number;
  /** An IDR (H.264 type 5) or IRAP (H.265 types 16–21) picture. */
  keyframe: boolean;
}

/** Splits an Annex B stream at 00 00 01 / 00 00 00 01 start codes; bytes before the first start code are dropped. */
export function splitAnnexB(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = -1;
  let i = 0;
  while (i + 2 < buf.length) {
    if (buf[i] === 0 && buf[i + 1] === 0 && buf[i + 2] === 1) {
      if (start >= 0) {
        let end = i;
        while (end > start && buf[end - 1] === 0) end--; // trailing zero of a 4-byte start code
        if (end > start) out.push(buf.subarray(start, end));
      }
      i += 3;
      start = i;
    } else i++;
  }
  if (start >= 0 && start < buf.length) out.push(buf.subarray(start));
  return out;
}

const START = Buffer.from([0, 0, 0, 1]);

export function joinAnnexB(nals: Buffer[]): Buffer {
  return Buffer.concat(nals.flatMap((n) => [START, n]));
}

export const nalType = (codec: VideoCodec, nal: Buffer): number =>
  codec === 'h264' ? (nal[0] ?? 0) & 0x1f : ((nal[0] ?? 0) >> 1) & 0x3f;

export function isKeyframe(codec: VideoCodec, nals: Buffer[]): boolean {
  return nals.some((n) => {
    const t = nalType(codec, n);
    return codec === 'h264' ? t === 5 : t >= 16 && t <= 21;
  });
}

/** Whether a NAL unit is an access unit delimiter (H.264 type 9, H.265 type 35). */
export const isAud = (codec: VideoCodec, nal: Buffer): boolean => nalType(codec, nal) === (codec === 'h264' ? 9 : 35);
