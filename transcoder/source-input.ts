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
  /** 'small' (default): the click path's probe window; 'wide': the fallback after a run failed before its first fragment. */
  probe?: ProbeWindow;
}

/** How much ffmpeg probes a source before its output starts (see PROBE). */
export type ProbeWindow = 'small' | 'wide';

/** The input half of an ffmpeg command: its arguments (no secret in them) and the script fed on SOURCE_FD. */
export interface SourceInput {
  /** Input options and `-i pipe:3`; safe to show in a process list. */
  args: string[];
  /** ffconcat script naming the source URL with its credentials and the RTSP options. */
  script: string;
}

// The codec is known from registration and the RTSP SDP carries the parameter sets (sprop-*), so
// ffmpeg needs no probing to copy or decode: ffmpeg's probe window sets most of the time to the
// first fragment. Measured on ffmpeg 5.1 against the simulated 640×360 cameras (spawn → first
// keyframe fragment on the pipe, median of 5, a keyframe at once): probesize 32 KiB /
// analyzeduration 0.5 s 836 ms, 32 KiB / 0.1 s 469 ms, 32 B / 1 µs 282 ms, plus fpsprobesize 0
// 253 ms; h264 and h265 copy and MJPEG → H.264 all open with it and report their real size.
// analyzeduration 0 would mean ffmpeg's 5 s default, hence 1 µs. Both the concat demuxer and the
// RTSP demuxer inside it probe, so both get the window. A camera that sends its parameter sets only
// in band may need more: after a run fails before its first fragment, the next run probes 'wide'
// (the former 32 KiB / 0.5 s, which opens MJPEG with 4 KiB frames too).
/** probesize (bytes), analyzeduration (µs) and fpsprobesize (frames) of each probe window. */
export const PROBE: Readonly<Record<ProbeWindow, { size: string; analyzeUs: string; fpsFrames: string }>> = {
  small: { size: '32', analyzeUs: '1', fpsFrames: '0' },
  wide: { size: '32768', analyzeUs: '500000', fpsFrames: '-1' },
};

/**
 * The input of an ffmpeg fed fragmented MP4 on stdin by the gateway (a derived output, a grab of a
 * running stream): the pipe protocol only, and no probing, since the init segment names the codec and
 * its parameters. `beforeInput`: input options of the caller's own, placed before `-i`.
 */
export function fmp4StdinInput(beforeInput: string[] = []): string[] {
  const p = PROBE.small;
  return [
    '-protocol_whitelist',
    'pipe',
    '-f',
    'mp4',
    '-probesize',
    p.size,
    '-analyzeduration',
    p.analyzeUs,
    ...beforeInput,
    '-i',
    'pipe:0',
  ];
}

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
  const probe = PROBE[options.probe ?? 'small'];
  const tls = /^rtsps:/.test(url);
  const args = [
    '-protocol_whitelist',
    tls ? `pipe,rtsp,rtsps,rtp,udp,tcp,tls` : 'pipe,rtsp,rtp,udp,tcp',
    '-f',
    'concat',
    '-safe',
    '0',
    '-probesize',
    probe.size,
    '-analyzeduration',
    probe.analyzeUs,
    '-fpsprobesize',
    probe.fpsFrames,
    '-i',
    `pipe:${SOURCE_FD}`,
  ];
  const lines = [
    'ffconcat version 1.0',
    `file ${ffconcatQuote(url)}`,
    'option rtsp_transport tcp',
    `option timeout ${Math.round(options.rtspTimeoutS * 1_000_000)}`,
    `option probesize ${probe.size}`,
    `option analyzeduration ${probe.analyzeUs}`,
    `option fpsprobesize ${probe.fpsFrames}`,
  ];
  if (options.videoOnly === true) lines.push('option allowed_media_types video');
  return { args, script: `${lines.join('\n')}\n` };
}
