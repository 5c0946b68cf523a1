// Pure construction of the ffmpeg arguments that grab one full-resolution JPEG from a camera's stream.
import path from 'node:path';
import { TranscoderInputError } from './errors';
import type { FfmpegArgOptions, FfmpegCommand } from './ffmpeg-args';
import { buildSourceInput, fmp4StdinInput } from './source-input';
import { validateSpec, type StreamSpec } from './stream-spec';

/** What a frame grab needs of a stream spec: no audio, nothing passed through. */
export type GrabSpec = Pick<StreamSpec, 'cameraId' | 'profile' | 'url' | 'codec' | 'username' | 'password'>;

/** JPEG quality handed to ffmpeg's mjpeg encoder (`-q:v`, 2 = best … 31 = worst). */
export const GRAB_JPEG_QUALITY = 2;

const jpegOut = (outFile: string): string[] => [
  '-map',
  '0:v:0',
  '-an',
  '-frames:v',
  '1',
  '-c:v',
  'mjpeg',
  '-q:v',
  String(GRAB_JPEG_QUALITY),
  '-pix_fmt',
  'yuvj420p',
  '-f',
  'image2',
  '-update',
  '1',
  '-y',
  outFile,
];

/**
 * The ffmpeg arguments (without the executable) that read `spec` over RTSP/TCP with the same
 * input as a stream (buildSourceInput: the URL and credentials on a pipe, socket timeout, probe window),
 * decode keyframes only (`-skip_frame nokey`: never a half-decoded picture) and write the first one,
 * unscaled, as a JPEG to `outFile`. Validates the spec first (throws TranscoderInputError), so a
 * URL refused for streaming is refused here with the same message.
 */
export function buildFrameGrabArgs(
  spec: GrabSpec,
  options: Pick<FfmpegArgOptions, 'rtspTimeoutS'>,
  outFile: string,
): FfmpegCommand {
  const s = validateSpec({ ...spec, audioCodec: null });
  const input = buildSourceInput(s, { rtspTimeoutS: options.rtspTimeoutS, videoOnly: true });
  return {
    args: [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-nostats',
      '-skip_frame',
      'nokey',
      ...input.args,
      ...jpegOut(outFile),
    ],
    sourceScript: input.script,
  };
}

/**
 * The ffmpeg arguments that write the first keyframe of the fragmented MP4 on stdin — a running pull's
 * init segment and its newest keyframe fragment, fed by the grabber — as a JPEG to `outFile`. Only
 * the pipe protocol and the mp4 demuxer on the input: nothing from a camera reaches this command
 * line. `outFile` must be absolute (throws TranscoderInputError otherwise).
 */
export function buildOutputGrabArgs(outFile: string): string[] {
  if (!path.isAbsolute(outFile) || /[\u0000-\u001f]/.test(outFile))
    throw new TranscoderInputError(`transcoder: grab file ${JSON.stringify(outFile)} must be an absolute path`);
  return [
    '-nostdin',
    '-hide_banner',
    '-loglevel',
    'error',
    '-nostats',
    ...fmp4StdinInput(['-skip_frame', 'nokey']),
    ...jpegOut(outFile),
  ];
}
