// One run of an output (an ffmpeg process, or the gateway's own RTSP pull) and the sink it delivers to.
import type { Fragment, InitSegment } from '../fmp4/types';

/** Where a run delivers what it produces; the supervised output owns it. */
export interface RunSink {
  /** The run's init segment (once, before its first fragment). */
  init(init: InitSegment): void;
  /** A fragment; `split`: the source was seen to split pictures (rejoined, see fmp4/access-units.ts). */
  fragment(f: Omit<Fragment, 'seq'>, split: boolean): void;
  /** The run's output cannot be used (garbled fMP4, a hostile or unsupported answer): the run is ended for this reason. */
  fail(reason: string): void;
  /** A line for the output's log (level error or worse for ffmpeg; notable events for the native pull). */
  log(line: string): void;
}

/** A running source of one output's fragments. */
export interface OutputRun {
  /** Process id of its ffmpeg, or null (the native pull runs inside the gateway). */
  readonly pid: number | null;
  /** Resolves (never rejects) with why it ended, once nothing of it is left: process, pipes, socket. */
  readonly exited: Promise<string>;
  /** Ends it now (SIGKILL; the native pull drops its connection). Resolves when it has ended. */
  kill(): Promise<void>;
  /** Ends it in order (SIGINT then SIGKILL after graceMs; the native pull sends TEARDOWN). Resolves when it has ended. */
  stop(graceMs: number): Promise<void>;
}
