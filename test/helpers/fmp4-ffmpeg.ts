// Real fragmented MP4 from ffmpeg (lavfi test sources) and ffprobe's view of it, for the fmp4 and fan-out tests.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The movflags of the pull: one fragment per frame, data offsets from the moof. */
export const FRAG_FLAGS = 'empty_moov+default_base_moof+frag_every_frame';

export interface Fmp4Source {
  codec: 'h264' | 'h265';
  /** Sample entry of H.265: hvc1 (parameter sets only in hvcC) or hev1 (ffmpeg's default). */
  tag?: 'hvc1' | 'hev1';
  audio?: boolean;
  seconds?: number;
  fps?: number;
  /** Keyframe interval in frames. */
  gop?: number;
  size?: string;
  /** x264 profile (baseline, main, high). */
  profile?: string;
  /** H.264 made quickly and large (ultrafast, QP 8): bulk footage, a few MB a second at 640x480. */
  fast?: boolean;
}

/** ffmpeg's fMP4 of a lavfi test pattern (and a sine tone with `audio`), as it writes it to a pipe. */
export function ffmpegFmp4(s: Fmp4Source): Buffer {
  const fps = s.fps ?? 25;
  const args = ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=${s.size ?? '320x240'}:rate=${fps}`];
  if (s.audio) args.push('-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  args.push('-t', String(s.seconds ?? 2), '-pix_fmt', 'yuv420p');
  if (s.codec === 'h264' && s.fast) args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '8');
  else if (s.codec === 'h264') args.push('-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', s.profile ?? 'high');
  else
    args.push('-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=error', '-tag:v', s.tag ?? 'hvc1');
  args.push('-g', String(s.gop ?? fps), '-bf', '0');
  if (s.audio) args.push('-c:a', 'aac', '-b:a', '64k');
  args.push('-f', 'mp4', '-movflags', FRAG_FLAGS, 'pipe:1');
  return execFileSync('ffmpeg', args, { maxBuffer: 256 * 1024 * 1024 });
}

/** Cuts a buffer into chunks of pseudo-random sizes (1..max bytes), reproducibly from `seed`. */
export function chunks(buf: Buffer, seed: number, max = 5000): Buffer[] {
  let x = seed >>> 0 || 1;
  const out: Buffer[] = [];
  for (let p = 0; p < buf.length;) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    const n = 1 + ((x >>> 0) % max);
    out.push(buf.subarray(p, p + n));
    p += n;
  }
  return out;
}

export interface ProbeStream {
  index: number;
  codec_type: string;
  codec_name: string;
  codec_tag_string: string;
  profile?: string;
  level?: number;
  width?: number;
  height?: number;
  time_base: string;
}

export interface ProbePacket {
  stream: number;
  key: boolean;
  dtsS: number;
  size: number;
}

/** Runs ffprobe (or ffmpeg) on bytes written to a scratch file; the file is removed after. */
function onFile<T>(data: Buffer, f: (file: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-fmp4-'));
  try {
    const file = path.join(dir, 'in.mp4');
    writeFileSync(file, data);
    return f(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** key_frame of each decoded video frame (in output order), as ffprobe's decoder sees the bitstream. */
export function keyFrames(data: Buffer): boolean[] {
  return onFile(data, (file) => {
    const out = execFileSync(
      'ffprobe',
      ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=key_frame', '-of', 'json', file],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    return (JSON.parse(out) as { frames: Array<{ key_frame: number }> }).frames.map((f) => f.key_frame === 1);
  });
}

/** ffprobe's streams and packets of an MP4 held in memory. */
export function probe(data: Buffer): { streams: ProbeStream[]; packets: ProbePacket[] } {
  return onFile(data, (file) => {
    const out = execFileSync(
      'ffprobe',
      ['-v', 'error', '-show_streams', '-show_entries', 'packet=stream_index,flags,dts_time,size', '-of', 'json', file],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const j = JSON.parse(out) as {
      streams: ProbeStream[];
      packets?: Array<{ stream_index: number; flags: string; dts_time: string; size: string }>;
    };
    return {
      streams: j.streams,
      packets: (j.packets ?? []).map((p) => ({
        stream: p.stream_index,
        key: p.flags.startsWith('K'),
        dtsS: Number(p.dts_time),
        size: Number(p.size),
      })),
    };
  });
}

/** Frames ffmpeg decodes from the video of an MP4 held in memory, and its error output (empty when clean). */
export function decodeVideo(data: Buffer): { frames: number; errors: string } {
  return onFile(data, (file) => {
    const r = spawnSync(
      'ffmpeg',
      ['-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', 'passthrough', '-f', 'framemd5', '-'],
      {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    if (r.status !== 0) throw new Error(`ffmpeg could not decode: ${r.stderr}`);
    return { frames: r.stdout.split('\n').filter((l) => /^\d+,/.test(l)).length, errors: r.stderr.trim() };
  });
}

/** ffmpeg's framemd5 of every video frame it decodes from a URL (one line each), asserting it decoded without errors. */
export async function framemd5OfUrl(url: string): Promise<string[]> {
  const r = await execFileAsync('ffmpeg', ['-v', 'error', '-i', url, '-map', '0:v:0', '-f', 'framemd5', '-'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 90_000,
  });
  if (r.stderr.trim()) throw new Error(`ffmpeg decoding ${url}: ${r.stderr.trim().slice(0, 400)}`);
  return r.stdout.split('\n').filter((l) => /^\d+,/.test(l));
}
