// ffmpeg's input for one camera: the source URL (with credentials) travels in a script on a pipe, never in argv.
import { sourceUrlWithCredentials, type StreamSpec } from './stream-spec';

/**
 * The descriptor on which ffmpeg reads the source script (`-i pipe:3`). The spawning process
 * writes the script into it and closes it; nobody else holds it, and /proc/<pid>/fd of the
 * worker is readable by its own user only, unlike /proc/<pid>/cmdline, which every local user reads.
 */
export const SOURCE_FD = 3;

/** What buildSourceInput reads. */
export interface SourceInputOptions {
  /** RTSP socket I/O timeout in seconds (ffmpeg's rtsp `timeout`, in µs). */
  rtspTimeoutS: number;
  /** Ask the camera for video only (`allowed_media_types video`). Default false. */
  videoOnly?: boolean;
}

/** The input half of an ffmpeg command: its arguments (no secret in them) and the script fed on SOURCE_FD. */
export interface SourceInput {
  /** Input options and `-i pipe:3`; safe to show in a process list. */
  args: string[];
  /** ffconcat script naming the source URL with its credentials and the RTSP options. */
  script: string;
}

// Measured on ffmpeg 5.1 against the simulated cameras: 32 KiB / 0.5 s opens h264, h265 and MJPEG
// (4 KiB never opens MJPEG: a frame is larger); defaults (5 MB / 5 s) cost ~0.7 s more on h264 copy.
/** ffmpeg's probesize for a source, bytes. */
export const PROBE_SIZE = '32768';
/** ffmpeg's analyzeduration for a source, µs. */
export const ANALYZE_US = '500000';

/** Quotes a value for an ffconcat line: single quotes, an embedded ' written as '\''. */
export function ffconcatQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

/**
 * The input of an ffmpeg run reading `spec` (already validated by validateSpec) over RTSP/TCP.
 * The concat demuxer reads a one-entry ffconcat script from SOURCE_FD; the script carries the URL
 * (credentials percent-encoded into it) and the RTSP demuxer's options, so the command line shows
 * neither the password nor the camera's address. Pure: same input, same output.
 */
export function buildSourceInput(
  spec: Pick<StreamSpec, 'url' | 'username' | 'password'>,
  options: SourceInputOptions,
): SourceInput {
  const url = sourceUrlWithCredentials(spec);
  const tls = /^rtsps:/.test(url);
  const args = [
    '-protocol_whitelist',
    tls ? `pipe,rtsp,rtsps,rtp,udp,tcp,tls` : 'pipe,rtsp,rtp,udp,tcp',
    '-f',
    'concat',
    '-safe',
    '0',
    '-probesize',
    PROBE_SIZE,
    '-analyzeduration',
    ANALYZE_US,
    '-i',
    `pipe:${SOURCE_FD}`,
  ];
  const lines = [
    'ffconcat version 1.0',
    `file ${ffconcatQuote(url)}`,
    'option rtsp_transport tcp',
    `option timeout ${Math.round(options.rtspTimeoutS * 1_000_000)}`,
    `option probesize ${PROBE_SIZE}`,
    `option analyzeduration ${ANALYZE_US}`,
  ];
  if (options.videoOnly === true) lines.push('option allowed_media_types video');
  return { args, script: `${lines.join('\n')}\n` };
}
