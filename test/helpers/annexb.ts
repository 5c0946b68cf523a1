// Real H.264/H.265 elementary streams from ffmpeg (Annex B, AUD before each picture) cut into access units, as the RTSP pull hands them on.
import { execFileSync } from 'node:child_process';
import type { AccessUnit } from '../../transcoder/rtsp/types';

export interface ElementarySource {
  codec: 'h264' | 'h265';
  size: string;
  frames: number;
  /** Keyframe interval in frames. */
  gop: number;
  /** x264 profile (baseline, main, high). */
  profile?: string;
  pixFmt?: string;
}

/** An Annex B stream of a lavfi test pattern, no B-frames, an access unit delimiter before each picture. */
export function encodeElementary(s: ElementarySource): Buffer {
  const args = ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${s.size}:rate=25`, '-frames:v', String(s.frames)];
  args.push('-pix_fmt', s.pixFmt ?? 'yuv420p', '-g', String(s.gop), '-keyint_min', String(s.gop), '-bf', '0');
  if (s.codec === 'h264')
    args.push(
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-profile:v',
      s.profile ?? 'high',
      '-x264-params',
      'aud=1:scenecut=0',
    );
  else args.push('-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error:aud=1:scenecut=0');
  args.push('-f', s.codec === 'h264' ? 'h264' : 'hevc', 'pipe:1');
  return execFileSync('ffmpeg', args, { maxBuffer: 256 * 1024 * 1024 });
}

/** The NAL units of an Annex B stream (3- or 4-byte start codes), without start codes or trailing zeros. */
export function nalUnits(stream: Buffer): Buffer[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < stream.length; i++)
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  return starts.map((s, k) => {
    let end = k + 1 < starts.length ? starts[k + 1]! - 3 : stream.length;
    while (end > s && stream[end - 1] === 0) end--;
    return stream.subarray(s, end);
  });
}

export const nalType = (codec: 'h264' | 'h265', nal: Buffer): number =>
  codec === 'h264' ? nal[0]! & 0x1f : (nal[0]! >> 1) & 0x3f;

/**
 * Access units cut at each AUD (dropped, as the RTSP pull drops them), keyframe = an IDR (H.264)
 * or IRAP (H.265) slice, timestamps from `timestamps(i)`.
 */
export function accessUnits(codec: 'h264' | 'h265', stream: Buffer, timestamps: (i: number) => number): AccessUnit[] {
  const aud = codec === 'h264' ? 9 : 35;
  const groups: Buffer[][] = [];
  for (const nal of nalUnits(stream)) {
    if (nalType(codec, nal) === aud) groups.push([]);
    else if (groups.length) groups[groups.length - 1]!.push(nal);
  }
  return groups.map((nals, i) => ({
    nals,
    timestamp: timestamps(i),
    keyframe: nals.some((n) => {
      const t = nalType(codec, n);
      return codec === 'h264' ? t === 5 : t >= 16 && t <= 21;
    }),
    receivedAt: 1_700_000_000_000 + i * 40,
  }));
}

/** A NAL unit's bytes with emulation prevention added (00 00 0x → 00 00 03 0x for x ≤ 3). */
export function escapeRbsp(rbsp: Buffer): Buffer {
  const out: number[] = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

/** An Annex B stream of these NAL units (3-byte start codes: ffmpeg 5.1 keeps a 4-byte one's zero_byte at the end of the NAL before it in extradata). */
export function annexB(nals: Buffer[]): Buffer {
  const start = Buffer.from([0, 0, 1]);
  return Buffer.concat(nals.flatMap((n) => [start, n]));
}
