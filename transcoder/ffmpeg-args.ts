// Pure construction of the ffmpeg argument arrays (and their setpriv wrapper): a camera pull, a derived H.264 transcode.
import type { TranscoderOptions } from './options';
import { buildSourceInput, fmp4StdinInput, PROBE, type ProbeWindow } from './source-input';
import { pullTranscodes, validateSpec, type StreamSpec } from './stream-spec';

/** The options buildFfmpegArgs reads. */
export type FfmpegArgOptions = Pick<TranscoderOptions, 'segmentSeconds' | 'rtspTimeoutS' | 'maxHeight' | 'audio'>;

/** An ffmpeg invocation: arguments (no secret in them) and the source script fed on SOURCE_FD. */
export interface FfmpegCommand {
  args: string[];
  /** The ffconcat script with the source URL and its credentials (see source-input.ts). */
  sourceScript: string;
}

/**
 * The output of every streaming ffmpeg: fragmented MP4 on stdout, one fragment (moof+mdat) per frame.
 * - empty_moov: the init segment (ftyp+moov, no samples) is written as soon as the header is, before
 *   any frame; default_base_moof: each fragment is self-contained (what MSE and the HLS parts want).
 * - frag_every_frame: the mp4 muxer closes a fragment at every packet, the lowest latency it offers
 *   (ffmpeg 5.1's movenc writes a sample once it knows its duration, i.e. when the next frame arrives:
 *   one frame interval, ~40–66 ms, is the floor; frag_keyframe would hold a whole GOP, -frag_duration
 *   only coarser pieces). Measured here: the first keyframe fragment leaves ffmpeg ~0.25–0.3 s after
 *   spawn on a 1 s-GOP camera that starts its stream with a keyframe (see source-input.ts).
 * - -flush_packets 1: every fragment is written to the pipe at once, not held in avio's 32 KiB buffer.
 * No progress report: the fragments themselves are the liveness signal (stall = none for stallTimeoutS).
 */
export const FMP4_PIPE_OUTPUT: readonly string[] = Object.freeze([
  '-f',
  'mp4',
  '-movflags',
  'empty_moov+default_base_moof+frag_every_frame',
  '-flush_packets',
  '1',
  'pipe:1',
]);

/** ffmpeg's report options: level-tagged lines (info names the input's codecs), no stats on stderr. */
const REPORT = ['-nostdin', '-hide_banner', '-loglevel', 'level+info', '-nostats'];

/**
 * The ffmpeg arguments (without the executable) that pull `spec` over RTSP/TCP and write fragmented
 * MP4 to stdout (FMP4_PIPE_OUTPUT), and the source script naming the camera (read by ffmpeg on a
 * pipe, so no credential is in the command line). Pure: same input, same output. Validates the spec
 * first (throws TranscoderInputError). H.264 is copied; H.265 is copied tagged hvc1 (viewers without
 * H.265 get a derived output, see buildDerivedH264Args); every other codec is transcoded to H.264
 * (libx264 veryfast/zerolatency, a keyframe every segmentSeconds, height capped at maxHeight).
 * Audio: AAC copied; others dropped, or transcoded to AAC when options.audio = 'transcode'; unknown
 * (undefined) audio is only taken (transcoded, optional map) under 'transcode'.
 */
export function buildFfmpegArgs(
  spec: StreamSpec,
  options: FfmpegArgOptions,
  probe: ProbeWindow = 'small',
): FfmpegCommand {
  const s = validateSpec(spec);
  const audio = audioPlan(s.audioCodec, options.audio);
  const input = buildSourceInput(s, { rtspTimeoutS: options.rtspTimeoutS, videoOnly: audio === 'none', probe });
  const args = [...REPORT, ...input.args, '-map', '0:v:0'];
  if (audio !== 'none') args.push('-map', '0:a:0?');
  if (!pullTranscodes(s.codec)) {
    args.push('-c:v', 'copy');
    if (s.codec === 'h265' || s.codec === 'hevc') args.push('-tag:v', 'hvc1');
  } else args.push(...h264Encode(options));
  if (audio === 'copy') args.push('-c:a', 'copy');
  if (audio === 'aac') args.push('-c:a', 'aac', '-b:a', '64k', '-ac', '1');
  args.push(...FMP4_PIPE_OUTPUT);
  return { args, sourceScript: input.script };
}

/**
 * The ffmpeg arguments of a derived output: the fragmented MP4 of an H.265 pull on stdin (init, then
 * fragments from a keyframe on) transcoded to H.264 fragmented MP4 on stdout, as buildFfmpegArgs
 * transcodes; audio copied. Only the pipe protocol: this ffmpeg never talks to a camera.
 */
export function buildDerivedH264Args(options: Pick<FfmpegArgOptions, 'segmentSeconds' | 'maxHeight'>): string[] {
  return [
    ...REPORT,
    ...fmp4StdinInput(['-fpsprobesize', PROBE.small.fpsFrames]),
    '-map',
    '0:v:0',
    '-map',
    '0:a:0?',
    ...h264Encode(options),
    '-c:a',
    'copy',
    ...FMP4_PIPE_OUTPUT,
  ];
}

/** libx264 for live viewing: low latency, a keyframe every segmentSeconds (HLS segments cut there), height capped. */
function h264Encode(options: Pick<FfmpegArgOptions, 'segmentSeconds' | 'maxHeight'>): string[] {
  const gop = String(options.segmentSeconds);
  return [
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
  ];
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
