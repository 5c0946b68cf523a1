// Transcoder options: the `transcoder:` section of config/default.yaml plus a few test hooks.
import type { Config } from '../config/schema';
import { TranscoderInputError } from './errors';
import type { HubLimits } from './fanout/types';
import type { ExternalSource } from './pull/external';

/** Audio policy: copy AAC and drop others, always drop, or transcode non-AAC to AAC. */
export type AudioPolicy = 'aac-or-drop' | 'drop' | 'transcode';

/** Who pulls H.264/H.265 cameras: the gateway's own RTSP client (one socket, no process) or an ffmpeg per pull. */
export type PullEngine = 'native' | 'ffmpeg';

/** The config section as validated by config/ (same key names and units). */
export type TranscoderConfig = Config['transcoder'];

/** Options of the supervisor; every field of the config section plus optional extras. */
export interface TranscoderOptions {
  /** ffmpeg executable, name on PATH or absolute path. Default "ffmpeg". */
  ffmpegPath: string;
  /** Scratch directory of frame grabs (emptied at start()); nothing of the live streams is written to disk. */
  hlsDir: string;
  /** Stop an output when not touched, with no viewer and nothing subscribed, for this many seconds. Default 30. */
  idleTimeoutS: number;
  /** Most outputs (ffmpeg workers: camera pulls and derived transcodes, running or in backoff) on this node. Default 150. */
  maxWorkers: number;
  /** Most of those that transcode rather than remux (pulls of MJPEG and others, H.264 derived from H.265). Default 4. */
  maxTranscodes: number;
  /** HLS target segment duration, seconds (also the GOP of transcoded output). Default 1. */
  segmentSeconds: number;
  /** LL-HLS partial segment target, seconds. Default 0.25. */
  partSeconds: number;
  /** Segments listed in the live playlist. Default 6. */
  listSize: number;
  /** No fragment for this many seconds (or no keyframe this long after spawn) → stalled → restart. Default 10. */
  stallTimeoutS: number;
  /** RTSP socket I/O timeout handed to ffmpeg, seconds. Default 5. */
  rtspTimeoutS: number;
  /** First restart delay, milliseconds (doubles per failure, ±20 % jitter). Default 500. */
  backoffInitialMs: number;
  /** Restart delay ceiling, milliseconds. Default 30000. */
  backoffMaxMs: number;
  /** Failures in a row before the camera is reported `failing` and retried only at the ceiling. Default 5. */
  failuresBeforeOffline: number;
  /** SIGINT → SIGKILL grace when stopping a worker, milliseconds. Default 3000. */
  killGraceMs: number;
  /** Height cap of transcoded output, pixels. Default 720. */
  maxHeight: number;
  /** Audio policy. Default "aac-or-drop". */
  audio: AudioPolicy;
  /**
   * Pull engine of H.264/H.265 cameras (MJPEG and others are always ffmpeg's, to transcode). "native":
   * the gateway's RTSP client and fMP4 muxer; a pull falls back to ffmpeg for a camera it cannot carry
   * (audio to keep, B-frames, an unsupported packetization) and after a native run fails before its
   * first keyframe. Default "native".
   */
  pullEngine?: PullEngine;
  /**
   * Wrapper that makes workers die with this process: `setpriv --pdeathsig SIGKILL -- ffmpeg …`.
   * Default "/usr/bin/setpriv"; null spawns ffmpeg directly (non-Linux only; workers may then leak).
   */
  setprivPath?: string | null;
  /** A frame grab (Supervisor.grab) that has no picture after this many seconds is killed. Default 10. */
  grabTimeoutS?: number;
  /** Most frame grabs running at once on this node (beyond: TranscoderCapacityError). Default 8. */
  maxGrabs?: number;
  /**
   * Sources the gateway feeds (GB/T 28181 channels): a camera pull whose URL has one's scheme is that
   * source's session, muxed like the native pull. Default none.
   */
  externalSources?: readonly ExternalSource[];
  /** An external source's stream that has not arrived after this many seconds ends the run (retried with backoff). Default 10. */
  externalTimeoutS?: number;
  /** Bounds of every output's hub (viewers' backpressure, keyframe cache, instant replay); missing keys: defaults. */
  hub?: Partial<HubLimits>;
}

/** Defaults: the values shipped in config/default.yaml. */
export const DEFAULT_TRANSCODER_OPTIONS: Readonly<Required<TranscoderOptions>> = Object.freeze({
  ffmpegPath: 'ffmpeg',
  hlsDir: './data/hls',
  idleTimeoutS: 30,
  maxWorkers: 150,
  maxTranscodes: 4,
  segmentSeconds: 1,
  partSeconds: 0.25,
  listSize: 6,
  hub: Object.freeze<HubLimits>({
    skipAboveBytes: 2 * 1024 * 1024,
    closeAfterMs: 5000,
    maxGopBytes: 16 * 1024 * 1024,
    replaySeconds: 30,
    maxReplayBytes: 48 * 1024 * 1024,
  }),
  stallTimeoutS: 10,
  rtspTimeoutS: 5,
  backoffInitialMs: 500,
  backoffMaxMs: 30000,
  failuresBeforeOffline: 5,
  killGraceMs: 3000,
  maxHeight: 720,
  audio: 'aac-or-drop',
  pullEngine: 'native',
  setprivPath: '/usr/bin/setpriv',
  grabTimeoutS: 10,
  maxGrabs: 8,
  externalSources: Object.freeze([]) as readonly ExternalSource[],
  externalTimeoutS: 10,
});

const POSITIVE: Array<keyof TranscoderOptions> = [
  'idleTimeoutS',
  'maxWorkers',
  'segmentSeconds',
  'partSeconds',
  'listSize',
  'stallTimeoutS',
  'rtspTimeoutS',
  'backoffInitialMs',
  'backoffMaxMs',
  'failuresBeforeOffline',
  'killGraceMs',
  'maxHeight',
  'grabTimeoutS',
  'maxGrabs',
  'externalTimeoutS',
];

/** Fills defaults and checks ranges; throws TranscoderInputError naming the key and value. */
export function resolveOptions(partial: Partial<TranscoderOptions>): Required<TranscoderOptions> {
  const o: Required<TranscoderOptions> = {
    ...DEFAULT_TRANSCODER_OPTIONS,
    ...stripUndefined(partial),
    hub: { ...DEFAULT_TRANSCODER_OPTIONS.hub, ...stripUndefined(partial.hub ?? {}) },
  };
  for (const [k, v] of Object.entries(o.hub))
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw new TranscoderInputError(`transcoder: option hub.${k} = ${JSON.stringify(v)}: must be a positive number`);
  if (o.partSeconds > o.segmentSeconds)
    throw new TranscoderInputError(
      `transcoder: option partSeconds = ${o.partSeconds}: must not exceed segmentSeconds (${o.segmentSeconds})`,
    );
  for (const k of POSITIVE) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)
      throw new TranscoderInputError(`transcoder: option ${k} = ${JSON.stringify(v)}: must be a positive number`);
  }
  if (!Number.isInteger(o.maxTranscodes) || o.maxTranscodes < 0)
    throw new TranscoderInputError(
      `transcoder: option maxTranscodes = ${JSON.stringify(o.maxTranscodes)}: must be an integer ≥ 0`,
    );
  if (!['aac-or-drop', 'drop', 'transcode'].includes(o.audio))
    throw new TranscoderInputError(
      `transcoder: option audio = ${JSON.stringify(o.audio)}: must be aac-or-drop, drop or transcode`,
    );
  if (!['native', 'ffmpeg'].includes(o.pullEngine))
    throw new TranscoderInputError(
      `transcoder: option pullEngine = ${JSON.stringify(o.pullEngine)}: must be native or ffmpeg`,
    );
  if (typeof o.hlsDir !== 'string' || o.hlsDir.trim() === '' || o.hlsDir.trim() === '/')
    throw new TranscoderInputError(
      `transcoder: option hlsDir = ${JSON.stringify(o.hlsDir)}: must be a dedicated directory`,
    );
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
