// The contract between a stream's hub and whatever consumes it: live viewers (sinks) and lossless taps (HLS, recorder).
import type { Fragment, InitSegment } from '../fmp4/types';

/** Why the hub closed a sink. */
export type SinkCloseReason = 'slow' | 'stopped' | 'detached';

/**
 * A live viewer's transport seen from the hub (a WebSocket, a test client). The hub never awaits it:
 * it reads bufferedBytes() to apply backpressure and closes it when it stops reading.
 */
export interface Sink {
  /** Queue bytes for the viewer (init segment or fragment), never blocking. */
  write(data: Buffer, what: { init: InitSegment } | { fragment: Fragment }): void;
  /** Bytes queued for the viewer and not yet taken by it (e.g. WebSocket.bufferedAmount). */
  bufferedBytes(): number;
  /** Called once when the hub gives up on the sink (it should close its transport). */
  close(reason: SinkCloseReason, detail: string): void;
}

/** How a sink joins a stream. */
export interface AttachOptions {
  /**
   * 'gop' (default): the init and the cached current GOP at once, then live (a warm join shows a
   * picture immediately); 'next-keyframe': the init, then from the next keyframe on.
   */
  start?: 'gop' | 'next-keyframe';
}

/** A sink's membership of a hub. */
export interface Attachment {
  /** Stops sending to the sink (does not call sink.close). Idempotent. */
  detach(): void;
  /** Fragments skipped for this sink because it fell behind, so far. */
  readonly skipped: number;
  /** Fragments written to this sink so far. */
  readonly sent: number;
}

/**
 * A lossless, in-order consumer (HLS packager, recorder). Called synchronously for every init and
 * fragment; must not throw and must bound its own memory.
 */
export interface Tap {
  init(init: InitSegment): void;
  fragment(fragment: Fragment): void;
  /** The run ended (ffmpeg exited, stalled or was stopped); a new init follows if the stream goes on. */
  end(reason: string): void;
}

/** Bounds of a hub. */
export interface HubLimits {
  /** Above this many queued bytes a sink is skipped forward to the next keyframe. Default 2 MiB. */
  skipAboveBytes: number;
  /** A sink above skipAboveBytes for this long without draining below it is closed ('slow'). Default 5000. */
  closeAfterMs: number;
  /** Most bytes of the current GOP kept for warm joins; beyond, the cache waits for the next keyframe. Default 16 MiB. */
  maxGopBytes: number;
  /** Seconds of recent fragments kept for instant replay (whole GOPs). Default 30. */
  replaySeconds: number;
  /** Most bytes kept for instant replay; oldest GOPs dropped first. Default 48 MiB. */
  maxReplayBytes: number;
}
