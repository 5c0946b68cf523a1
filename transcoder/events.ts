// The events a Supervisor reports (typed EventEmitter map): state changes, failing/recovered, ffmpeg lines, codec checks.
import type { StreamState } from './pull/types';
import type { Profile, StreamKey } from './stream-spec';

/** Identifies the output an event is about. */
export interface StreamRef {
  /** Output key: `<cam>.<profile>` (the camera pull) or `<cam>.<profile>.h264` (derived from it). */
  key: StreamKey;
  /** Key of the camera pull behind the output (`key` itself for a pull). */
  pullKey: StreamKey;
  /** True for a derived output: its failures say nothing about the camera. */
  derived: boolean;
  cameraId: string;
  profile: Profile;
}

/** `state`: an output changed state. Every output ends with exactly one `stopped`. */
export interface StreamStateEvent extends StreamRef {
  state: StreamState;
  previous: StreamState | null;
  /** Why: ffmpeg's last error line, "idle", "no new fragment for 10 s", "attempt 3 in 2000 ms", … */
  reason: string;
  /** Pid of the current ffmpeg (starting/live/stalled), else null. */
  pid: number | null;
  /** Consecutive failed runs so far. */
  failures: number;
}

/** `failing`: failuresBeforeOffline runs in a row failed; from now on retried at backoffMaxMs only. */
export interface StreamFailingEvent extends StreamRef {
  failures: number;
  reason: string;
  /** Delay before the next attempt, milliseconds. */
  retryInMs: number;
}

/** `recovered`: a failing output is live again. */
export interface StreamRecoveredEvent extends StreamRef {
  /** Milliseconds between the `failing` event and now. */
  downForMs: number;
}

/** `log`: one ffmpeg stderr line (loglevel error), passwords masked; or a note of the supervisor. */
export interface StreamLogEvent extends StreamRef {
  line: string;
}

/** `codec`: ffmpeg's input report names another video codec than the registered one. */
export interface StreamCodecEvent extends StreamRef {
  /** Codec the stream was acquired with (normalized: h265, not hevc). */
  registered: string;
  /** Codec the camera sends, from ffmpeg's input report. */
  actual: string;
  /** True when the run was redone (copy ↔ transcode, or another copied codec); false: transcoded either way. */
  restarted: boolean;
}

/** The events of a Supervisor (typed EventEmitter map). */
export interface SupervisorEvents {
  state: [StreamStateEvent];
  failing: [StreamFailingEvent];
  recovered: [StreamRecoveredEvent];
  log: [StreamLogEvent];
  codec: [StreamCodecEvent];
}
