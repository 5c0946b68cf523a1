// Named errors of the transcoder: each message starts with "transcoder:" and carries the bad value.

/** Base class of every error thrown by transcoder/. */
export class TranscoderError extends Error {
  override name = 'TranscoderError';
}

/** A stream spec or source URL was rejected before anything was spawned (HTTP layer: 400). */
export class TranscoderInputError extends TranscoderError {
  override name = 'TranscoderInputError';
}

/**
 * The node is at its worker or transcode limit (HTTP layer: 503 with `Retry-After: retryAfterS`).
 * `retryAfterS` (whole seconds, ≥ 1) is when the earliest idle stream could free its slot.
 */
export class TranscoderCapacityError extends TranscoderError {
  override name = 'TranscoderCapacityError';
  constructor(
    message: string,
    readonly retryAfterS: number,
  ) {
    super(message);
  }
}

/**
 * A stream could not be started: its ffmpeg exited or stalled before the first segment, or the
 * camera is failing (then `retryAfterS` is the time until the next scheduled attempt). HTTP layer:
 * 503 with `Retry-After: retryAfterS` (5 when null).
 */
export class TranscoderStartError extends TranscoderError {
  override name = 'TranscoderStartError';
  constructor(
    message: string,
    readonly key: string,
    readonly retryAfterS: number | null = null,
  ) {
    super(message);
  }
}

/** The supervisor is not started, or is closing/closed (HTTP layer: 503 with `Retry-After: 5`). */
export class TranscoderStateError extends TranscoderError {
  override name = 'TranscoderStateError';
}

/**
 * A frame grab (Supervisor.grab) produced no picture: ffmpeg failed (camera unreachable, RTSP
 * refusal, undecodable stream: `timedOut` false) or gave nothing within the grab timeout
 * (`timedOut` true). The message carries the camera key and ffmpeg's reason. HTTP: 503.
 */
export class TranscoderGrabError extends TranscoderError {
  override name = 'TranscoderGrabError';
  constructor(
    message: string,
    readonly key: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

/**
 * The fMP4 byte stream from ffmpeg is not one the reader accepts: a box with a hostile or
 * malformed size, a truncated or unknown layout, garbage. The reader stops at the first one.
 * It reaches HTTP only as a failed upstream: 502.
 */
export class Fmp4Error extends TranscoderError {
  override name = 'Fmp4Error';
}

/**
 * The native RTSP pull met something it does not accept: a refusal or unexpected answer of the
 * camera, a hostile or malformed message, an SDP without usable H.264/H.265 video, an RTP payload
 * it does not support. The message starts with "transcoder: rtsp:" and carries the bad value.
 */
export class RtspError extends TranscoderError {
  override name = 'RtspError';
}
