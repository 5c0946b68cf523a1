// The live WebSocket protocol: server and client messages, close codes, and the one parser of what a client may send.

/** Sent before each init segment (one binary message follows: the init itself). */
export interface LiveInitMessage {
  type: 'init';
  /** `video/mp4; codecs="…"`, for MediaSource.addSourceBuffer. */
  mime: string;
  codecs: string;
  width: number;
  height: number;
  /** Run of the stream; fragments of a new run follow a new init. */
  generation: number;
}

/** The stream stopped delivering (ffmpeg restarting: 'reconnecting') or delivers again ('live'). */
export interface LiveStateMessage {
  type: 'state';
  state: 'live' | 'reconnecting';
  reason: string;
}

/** Once a second: how far the stream's newest fragment is, for the player's latency figure. */
export interface LiveClockMessage {
  type: 'clock';
  /** Date.now() of the gateway when sent. */
  serverTime: number;
  /** Date.now() when the newest fragment's last byte left ffmpeg; null before the first. */
  edgeReceivedAt: number | null;
  /** startS + durationS of the newest fragment (seconds of the run's timeline); null before the first. */
  edgeS: number | null;
  generation: number | null;
}

/** The answer to a client's ping. */
export interface LivePongMessage {
  type: 'pong';
  serverTime: number;
}

export type LiveServerMessage = LiveInitMessage | LiveStateMessage | LiveClockMessage | LivePongMessage;

/** The only message a client may send: text `{"type":"ping"}`. */
export interface LivePingMessage {
  type: 'ping';
}

/** WebSocket close codes of the live protocol. */
export const LIVE_CLOSE = {
  /** The gateway is stopping. */
  goingAway: 1001,
  /** The client sent something the protocol does not allow. */
  policyViolation: 1008,
  /** Access withdrawn: share revoked or expired, user disabled, camera deleted. */
  accessWithdrawn: 4403,
  /** The viewer did not keep up (the hub gave up on it). */
  tooSlow: 4408,
  /** The stream stopped. */
  streamStopped: 4410,
} as const;

/** Largest client message accepted, in bytes (a ping is 15). */
export const LIVE_MAX_CLIENT_MESSAGE_BYTES = 512;

/**
 * Checks one client message: null when it is the one allowed ping, else why it is refused (the
 * socket is then closed with 1008).
 */
export function refuseClientMessage(data: Buffer, binary: boolean): string | null {
  if (binary) return 'binary messages are not accepted';
  if (data.length > LIVE_MAX_CLIENT_MESSAGE_BYTES)
    return `message of ${data.length} bytes (at most ${LIVE_MAX_CLIENT_MESSAGE_BYTES})`;
  let msg: unknown;
  try {
    msg = JSON.parse(data.toString('utf8'));
  } catch {
    return 'message is not JSON';
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return 'message is not a JSON object';
  const keys = Object.keys(msg);
  if (keys.length !== 1 || (msg as { type?: unknown }).type !== 'ping')
    return `unexpected message ${JSON.stringify(data.toString('utf8').slice(0, 60))} (only {"type":"ping"})`;
  return null;
}
