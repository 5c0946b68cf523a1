// The states, snapshots and report hooks of the supervisor's outputs (camera pulls and derived transcodes).
import type { Profile, StreamKey } from '../stream-spec';

/**
 * State of an output. starting: a worker runs, no keyframe fragment yet · live: fragments flowing ·
 * stalled: no fragment in time, the worker is being killed · failed: a run ended (exit, spawn error,
 * garbled fMP4) · restarting: waiting out the backoff (or, for a derived output, its source) · stopped: final.
 */
export type StreamState = 'starting' | 'live' | 'stalled' | 'restarting' | 'stopped' | 'failed';

/** A snapshot of an output for status pages and tests. */
export interface StreamInfo {
  /** Output key: `<cam>.<profile>` (the pull) or `<cam>.<profile>.h264` (derived). */
  key: StreamKey;
  /** Key of the camera pull this output comes from (its own key for a pull). */
  pullKey: StreamKey;
  /** True for the H.264 transcoded from an H.265 pull by a second ffmpeg. */
  derived: boolean;
  cameraId: string;
  profile: Profile;
  state: StreamState;
  /** Pid of the current ffmpeg, or null between runs and while the native pull runs. */
  pid: number | null;
  /** What runs (or will run next): the gateway's own RTSP pull, or ffmpeg. */
  engine: 'native' | 'ffmpeg';
  /** Runs started so far (1 = never restarted). */
  runs: number;
  /** Consecutive failed runs. */
  failures: number;
  failing: boolean;
  /** True while this output's ffmpeg encodes video (counts against maxTranscodes). */
  transcode: boolean;
  /** Video codec of the source: as registered until ffmpeg's input report names it (normalized: h265, not hevc). */
  codec: string;
  /** Video codec of what viewers get, from the current init segment; null before the first one. */
  outputCodec: 'h264' | 'h265' | null;
  /** Milliseconds since the last touch. */
  idleMs: number;
  /** Viewers attached to the output's hub. */
  sinks: number;
}

/** Anything the hooks report about. */
export interface OutputRef {
  readonly key: StreamKey;
  readonly pullKey: StreamKey;
  readonly derived: boolean;
  readonly cameraId: string;
  readonly profile: Profile;
  info(): StreamInfo;
}

/** Callbacks through which an output reports to its supervisor. */
export interface OutputHooks {
  state(s: OutputRef, state: StreamState, previous: StreamState | null, reason: string): void;
  failing(s: OutputRef, reason: string, retryInMs: number): void;
  recovered(s: OutputRef, downForMs: number): void;
  log(s: OutputRef, line: string): void;
  /** ffmpeg reported a video codec other than the registered one; `restart`: the run is redone to copy/transcode. */
  codec(s: OutputRef, registered: string, actual: string, restart: boolean): void;
  /** A run showed whether the source splits pictures (remembered for the camera's next pulls). */
  split(s: OutputRef, split: boolean): void;
}
