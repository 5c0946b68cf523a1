// Pure construction of the ffmpeg argument array (and its setpriv wrapper) for one stream.
import path from 'node:path';
import type { TranscoderOptions } from './options';
import { buildSourceInput } from './source-input';
import { needsTranscode, validateSpec, type StreamSpec } from './stream-spec';

/** The options buildFfmpegArgs reads. */
export type FfmpegArgOptions = Pick<
  TranscoderOptions,
  'segmentSeconds' | 'listSize' | 'rtspTimeoutS' | 'maxHeight' | 'audio'
>;

/** An ffmpeg invocation: arguments (no secret in them) and the source script fed on SOURCE_FD. */
export interface FfmpegCommand {
  args: string[];
  /** The ffconcat script with the source URL and its credentials (see source-input.ts). */
  sourceScript: string;
}

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

/**
 * The ffmpeg arguments (without the executable) that read `spec` over RTSP/TCP and write a live
 * fMP4 HLS playlist `outDir/ffmpeg.m3u8` (published as index.m3u8 by SegmentPublisher), and the source
 * script that names the camera (read by ffmpeg on a pipe, so no credential is in the command line).
 * Pure: same input, same output. Validates the spec first
 * (throws TranscoderInputError). H.264 is copied; H.265 is copied (tag hvc1) when passthroughH265,
 * else it and every other codec are transcoded to H.264 (libx264 veryfast/zerolatency, a keyframe
 * every segmentSeconds, height capped at maxHeight). Audio: AAC copied; others dropped, or
 * transcoded to AAC when options.audio = 'transcode'; unknown (undefined) audio is only taken
 * (transcoded, optional map) under 'transcode'.
 */
export function buildFfmpegArgs(
  spec: StreamSpec,
  options: FfmpegArgOptions,
  outDir: string,
  run: RunNumbers = { generation: 0, startNumber: 0 },
): FfmpegCommand {
  const s = validateSpec(spec);
  const audio = audioPlan(s.audioCodec, options.audio);
  const input = buildSourceInput(s, { rtspTimeoutS: options.rtspTimeoutS, videoOnly: audio === 'none' });
  // info: the input report names the codec the camera really sends (the worker keeps only errors as such)
  const args = [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'level+info',
    '-nostats',
    '-progress',
    'pipe:1',
    ...input.args,
  ];
  args.push('-map', '0:v:0');
  if (audio !== 'none') args.push('-map', '0:a:0?');
  if (!needsTranscode(s)) {
    args.push('-c:v', 'copy');
    if (s.codec === 'h265' || s.codec === 'hevc') args.push('-tag:v', 'hvc1');
  } else {
    const gop = String(options.segmentSeconds);
    args.push(
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-tune',
      'zerolatency',
      '-profile:v',
      'high',
      '-pix_fmt',
      'yuv420p',
      '-vf',
      `scale=-2:'min(ih,${Math.floor(options.maxHeight)})'`,
      '-force_key_frames',
      `expr:gte(t,n_forced*${gop})`,
      '-sc_threshold',
      '0',
    );
  }
  if (audio === 'copy') args.push('-c:a', 'copy');
  if (audio === 'aac') args.push('-c:a', 'aac', '-b:a', '64k', '-ac', '1');
  const flags = ['delete_segments', 'omit_endlist', 'independent_segments'];
  if (run.generation > 0) flags.push('discont_start');
  args.push(
    '-f',
    'hls',
    '-hls_segment_type',
    'fmp4',
    '-hls_time',
    hlsTime(options.segmentSeconds),
    '-hls_list_size',
    String(options.listSize),
    '-hls_flags',
    flags.join('+'),
    '-start_number',
    String(run.startNumber),
    '-hls_fmp4_init_filename',
    initName(run.generation),
    '-hls_segment_filename',
    path.join(outDir, SEGMENT_PATTERN),
    path.join(outDir, FFMPEG_PLAYLIST_NAME),
  );
  return { args, sourceScript: input.script };
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
export function buildSpawnCommand(
  ffmpegPath: string,
  setprivPath: string | null,
  ffmpegArgs: string[],
): { file: string; args: string[] } {
  if (setprivPath === null) return { file: ffmpegPath, args: ffmpegArgs };
  return { file: setprivPath, args: ['--pdeathsig', 'SIGKILL', '--', ffmpegPath, ...ffmpegArgs] };
}
