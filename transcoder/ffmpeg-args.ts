// Pure construction of the ffmpeg argument array (and its setpriv wrapper) for one stream.
import path from 'node:path';
import type { TranscoderOptions } from './options';
import { needsTranscode, sourceUrlWithCredentials, validateSpec, type StreamSpec } from './stream-spec';

/** The options buildFfmpegArgs reads. */
export type FfmpegArgOptions = Pick<TranscoderOptions, 'segmentSeconds' | 'listSize' | 'rtspTimeoutS' | 'maxHeight' | 'audio'>;

/** Per-run values: a restarted worker continues the segment numbering with a new init file. */
export interface RunNumbers {
  /** Run number of this stream, 0 for the first spawn; names the init file `init<generation>.mp4`. */
  generation: number;
  /** Number of the first segment written (`seg<startNumber>.m4s`) and the playlist's media sequence. */
  startNumber: number;
}

/** Playlist file name inside a stream directory (published by SegmentPublisher, served). */
export const PLAYLIST_NAME = 'index.m3u8';
/** The playlist ffmpeg writes; never served (see SegmentPublisher). */
export const FFMPEG_PLAYLIST_NAME = 'ffmpeg.m3u8';
/** Init segment name of a run. */
export const initName = (generation: number): string => `init${generation}.mp4`;
/** Segment file name pattern handed to ffmpeg (%d = sequence number). */
export const SEGMENT_PATTERN = 'seg%d.m4s';

// Measured on ffmpeg 5.1 against the simulated cameras: 32 KiB / 0.5 s opens h264, h265 and MJPEG
// (4 KiB never opens MJPEG: a frame is larger); defaults (5 MB / 5 s) cost ~0.7 s more on h264 copy.
const PROBE_SIZE = '32768';
const ANALYZE_US = '500000';

/**
 * The ffmpeg arguments (without the executable) that read `spec` over RTSP/TCP and write a live
 * fMP4 HLS playlist `outDir/ffmpeg.m3u8` (published as index.m3u8 by SegmentPublisher). Pure: same input, same array. Validates the spec first
 * (throws TranscoderInputError). H.264 is copied; H.265 is copied (tag hvc1) when passthroughH265,
 * else it and every other codec are transcoded to H.264 (libx264 veryfast/zerolatency, a keyframe
 * every segmentSeconds, height capped at maxHeight). Audio: AAC copied; others dropped, or
 * transcoded to AAC when options.audio = 'transcode'; unknown (undefined) audio is only taken
 * (transcoded, optional map) under 'transcode'.
 */
export function buildFfmpegArgs(spec: StreamSpec, options: FfmpegArgOptions, outDir: string, run: RunNumbers = { generation: 0, startNumber: 0 }): string[] {
  const s = validateSpec(spec);
  const url = sourceUrlWithCredentials(s);
  const tls = /^rtsps:/i.test(url);
  const audio = audioPlan(s.audioCodec, options.audio);
  const args = [
    // info: the input report names the codec the camera really sends (the worker keeps only errors as such)
    '-nostdin', '-hide_banner', '-loglevel', 'level+info', '-nostats',
    '-progress', 'pipe:1',
    '-protocol_whitelist', tls ? 'rtsp,rtsps,rtp,udp,tcp,tls' : 'rtsp,rtp,udp,tcp',
    '-rtsp_transport', 'tcp',
    '-timeout', String(Math.round(options.rtspTimeoutS * 1_000_000)),
    '-probesize', PROBE_SIZE, '-analyzeduration', ANALYZE_US,
  ];
  if (audio === 'none') args.push('-allowed_media_types', 'video');
  args.push('-i', url, '-map', '0:v:0');
  if (audio !== 'none') args.push('-map', '0:a:0?');
  if (!needsTranscode(s)) {
    args.push('-c:v', 'copy');
    if (s.codec === 'h265' || s.codec === 'hevc') args.push('-tag:v', 'hvc1');
  } else {
    const gop = String(options.segmentSeconds);
    args.push(
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
      '-vf', `scale=-2:'min(ih,${Math.floor(options.maxHeight)})'`,
      '-force_key_frames', `expr:gte(t,n_forced*${gop})`, '-sc_threshold', '0',
    );
  }
  if (audio === 'copy') args.push('-c:a', 'copy');
  if (audio === 'aac') args.push('-c:a', 'aac', '-b:a', '64k', '-ac', '1');
  const flags = ['delete_segments', 'omit_endlist', 'independent_segments'];
  if (run.generation > 0) flags.push('discont_start');
  args.push(
    '-f', 'hls', '-hls_segment_type', 'fmp4',
    '-hls_time', hlsTime(options.segmentSeconds), '-hls_list_size', String(options.listSize),
    '-hls_flags', flags.join('+'),
    '-start_number', String(run.startNumber),
    '-hls_fmp4_init_filename', initName(run.generation),
    '-hls_segment_filename', path.join(outDir, SEGMENT_PATTERN),
    path.join(outDir, FFMPEG_PLAYLIST_NAME),
  );
  return args;
}

/**
 * ffmpeg cuts a segment at the first keyframe at least hls_time after the first timestamped packet;
 * the first packet of an RTSP pull (the keyframe) has none, so with a GOP of exactly segmentSeconds
 * the first segment would end at the second keyframe, a GOP later (measured: first playlist after
 * 2.36 s at 1, 1.26 s at 0.9). 90 % of the length still cuts later segments at every GOP boundary.
 */
function hlsTime(segmentSeconds: number): string {
  return String(Math.round(segmentSeconds * 0.9 * 1000) / 1000);
}

type AudioPlan = 'none' | 'copy' | 'aac';

function audioPlan(codec: string | null | undefined, policy: FfmpegArgOptions['audio']): AudioPlan {
  if (policy === 'drop' || codec === null) return 'none';
  if (codec === 'aac') return 'copy';
  return policy === 'transcode' ? 'aac' : 'none';
}

/**
 * The executable and arguments actually spawned: `setpriv --pdeathsig SIGKILL -- ffmpeg …` so the
 * kernel kills the worker when the spawning process dies, even by SIGKILL. setprivPath null →
 * ffmpeg directly.
 */
export function buildSpawnCommand(ffmpegPath: string, setprivPath: string | null, ffmpegArgs: string[]): { file: string; args: string[] } {
  if (setprivPath === null) return { file: ffmpegPath, args: ffmpegArgs };
  return { file: setprivPath, args: ['--pdeathsig', 'SIGKILL', '--', ffmpegPath, ...ffmpegArgs] };
}
