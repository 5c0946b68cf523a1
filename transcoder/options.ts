// Transcoder options: the `transcoder:` section of config/default.yaml plus a few test hooks.
import type { Config } from '../config/schema';
import { TranscoderInputError } from './errors';

/** Audio policy: copy AAC and drop others, always drop, or transcode non-AAC to AAC. */
export type AudioPolicy = 'aac-or-drop' | 'drop' | 'transcode';

/** The config section as validated by config/ (same key names and units). */
export type TranscoderConfig = Config['transcoder'];

/** Options of the supervisor; every field of the config section plus optional extras. */
export interface TranscoderOptions {
  /** ffmpeg executable, name on PATH or absolute path. Default "ffmpeg". */
  ffmpegPath: string;
  /** Directory holding one sub-directory per stream; stale stream dirs are removed at start(). */
  hlsDir: string;
  /** Stop a stream when not touched for this many seconds. Default 30. */
  idleTimeoutS: number;
  /** Most streams (ffmpeg workers, running or in backoff) on this node. Default 150. */
  maxWorkers: number;
  /** Most of those that transcode rather than remux. Default 4. */
  maxTranscodes: number;
  /** HLS target segment duration, seconds (also the GOP of transcoded output). Default 1. */
  segmentSeconds: number;
  /** Segments listed in the live playlist. Default 6. */
  listSize: number;
  /** No new segment for this many seconds (or none this long after spawn) → stalled → restart. Default 10. */
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
   * Wrapper that makes workers die with this process: `setpriv --pdeathsig SIGKILL -- ffmpeg …`.
   * Default "/usr/bin/setpriv"; null spawns ffmpeg directly (non-Linux only; workers may then leak).
   */
  setprivPath?: string | null;
  /** A frame grab (Supervisor.grab) that has no picture after this many seconds is killed. Default 10. */
  grabTimeoutS?: number;
  /** Most frame grabs running at once on this node (beyond: TranscoderCapacityError). Default 8. */
  maxGrabs?: number;
}

/** Defaults: the values shipped in config/default.yaml. */
export const DEFAULT_TRANSCODER_OPTIONS: Readonly<Required<TranscoderOptions>> = Object.freeze({
  ffmpegPath: 'ffmpeg',
  hlsDir: './data/hls',
  idleTimeoutS: 30,
  maxWorkers: 150,
  maxTranscodes: 4,
  segmentSeconds: 1,
  listSize: 6,
  stallTimeoutS: 10,
  rtspTimeoutS: 5,
  backoffInitialMs: 500,
  backoffMaxMs: 30000,
  failuresBeforeOffline: 5,
  killGraceMs: 3000,
  maxHeight: 720,
  audio: 'aac-or-drop',
  setprivPath: '/usr/bin/setpriv',
  grabTimeoutS: 10,
  maxGrabs: 8,
});

const POSITIVE: Array<keyof TranscoderOptions> = [
  'idleTimeoutS',
  'maxWorkers',
  'segmentSeconds',
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
];

/** Fills defaults and checks ranges; throws TranscoderInputError naming the key and value. */
export function resolveOptions(partial: Partial<TranscoderOptions>): Required<TranscoderOptions> {
  const o: Required<TranscoderOptions> = { ...DEFAULT_TRANSCODER_OPTIONS, ...stripUndefined(partial) };
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
  if (typeof o.hlsDir !== 'string' || o.hlsDir.trim() === '' || o.hlsDir.trim() === '/')
    throw new TranscoderInputError(
      `transcoder: option hlsDir = ${JSON.stringify(o.hlsDir)}: must be a dedicated directory`,
    );
  return o;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
