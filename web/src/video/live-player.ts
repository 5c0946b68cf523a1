// The console's default player: the gateway's fMP4 over a WebSocket (text init, binary init, binary fragments) into MSE; clock messages give the latency.
import type { Latency, Player, PlayerEvents, TransportLabel } from './transport';
import { MseBuffer } from './mse-buffer';
import { liveSocketUrl, type StreamGrant } from './stream-source';

/** Text messages of the live protocol (server → client). */
type ServerMessage =
  | { type: 'init'; mime: string; codecs?: string; width?: number; height?: number; generation: number }
  | { type: 'state'; state: 'live' | 'reconnecting'; reason?: string }
  | {
      type: 'clock';
      serverTime: number;
      edgeReceivedAt: number | null;
      edgeS: number | null;
      generation: number | null;
    }
  | { type: 'pong'; serverTime: number };

/** Close codes the gateway uses (contract of the live WebSocket). */
export const CLOSE_WITHDRAWN = 4403;
export const CLOSE_TOO_SLOW = 4408;
export const CLOSE_STOPPED = 4410;

const PING_EVERY_MS = 10_000;
/** An open socket that brings nothing for this long is given up (then HLS, or a reconnect). */
const SILENT_MS = 8000;

export class LivePlayer implements Player {
  readonly transport = 'mse' as const;
  private ws: WebSocket | null = null;
  private buffer: MseBuffer | null = null;
  /** The init announced by the last text init, waiting for its binary segment. */
  private pendingInit: Extract<ServerMessage, { type: 'init' }> | null = null;
  private generation = -1;
  private fragments = 0;
  private everFragment = false;
  private ended = false;
  /** As of the last clock message: how far the shown frame was behind the gateway's newest, and that one's age (plus the way here). */
  private clock: { behindEdgeS: number; edgeAgeS: number; generation: number } | null = null;
  /** Half the round trip of the last ping, seconds. */
  private transitS = 0;
  private pingSentAt = 0;
  private pinger: ReturnType<typeof setInterval> | null = null;
  private silence: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly video: HTMLVideoElement,
    grant: StreamGrant,
    private readonly events: PlayerEvents,
  ) {
    if (!grant.live) {
      this.ended = true;
      queueMicrotask(() => events.fallback('the gateway offers no live WebSocket'));
      return;
    }
    let ws: WebSocket;
    try {
      ws = new WebSocket(liveSocketUrl(grant.live));
    } catch (err) {
      this.ended = true;
      queueMicrotask(() => events.fallback(`WebSocket: ${(err as Error).message}`));
      return;
    }
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      this.ping();
      this.pinger = setInterval(() => this.ping(), PING_EVERY_MS);
    };
    ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => this.onMessage(e.data);
    ws.onclose = (e) => this.onClose(e.code, e.reason);
    this.ws = ws;
    this.armSilence();
    video.addEventListener('playing', this.onPlaying);
  }

  label(): TransportLabel {
    return 'MSE';
  }

  latency(): Latency | null {
    const c = this.clock;
    if (!c || c.generation !== this.generation || !this.buffer) return null;
    return { behindEdgeS: c.behindEdgeS, edgeAgeS: c.edgeAgeS };
  }

  /** The socket is authorised at upgrade; a renewed token matters for the next connection only. */
  renew(): void {}

  private ping(): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.pingSentAt = performance.now();
    this.ws.send(JSON.stringify({ type: 'ping' }));
  }

  private armSilence(): void {
    if (this.silence) clearTimeout(this.silence);
    this.silence = setTimeout(() => this.end('no data from the live WebSocket', true), SILENT_MS);
  }

  private onMessage(data: string | ArrayBuffer): void {
    if (this.ended) return;
    if (typeof data === 'string') {
      let msg: ServerMessage;
      try {
        msg = JSON.parse(data) as ServerMessage;
      } catch {
        return;
      }
      this.onText(msg);
      return;
    }
    this.armSilence();
    if (this.pendingInit) {
      this.startRun(this.pendingInit, data);
      this.pendingInit = null;
      return;
    }
    if (!this.buffer) return;
    this.fragments++;
    this.everFragment = true;
    this.buffer.append(data);
  }

  private onText(msg: ServerMessage): void {
    switch (msg.type) {
      case 'init':
        this.pendingInit = msg;
        break;
      case 'state':
        if (msg.state === 'reconnecting') this.events.recovering(msg.reason ?? '');
        else if (this.fragments > 0 && !this.video.paused) this.events.playing();
        break;
      case 'clock':
        this.armSilence();
        // null before the stream's first fragment
        if (msg.edgeS === null || msg.edgeReceivedAt === null || msg.generation === null) break;
        this.clock = {
          behindEdgeS: Number(Math.max(0, msg.edgeS - this.video.currentTime).toFixed(3)),
          edgeAgeS: Number((Math.max(0, (msg.serverTime - msg.edgeReceivedAt) / 1000) + this.transitS).toFixed(3)),
          generation: msg.generation,
        };
        break;
      case 'pong':
        if (this.pingSentAt) this.transitS = (performance.now() - this.pingSentAt) / 2000;
        break;
    }
  }

  /** A new run (the first, or after a restart on the server): a fresh MediaSource for its init. */
  private startRun(init: Extract<ServerMessage, { type: 'init' }>, segment: ArrayBuffer): void {
    const mime = init.mime || `video/mp4; codecs="${init.codecs ?? ''}"`;
    if (!MseBuffer.supports(mime)) {
      this.end(`this browser cannot decode ${mime}`, true);
      return;
    }
    this.buffer?.destroy();
    this.generation = init.generation;
    // which run the picture comes from, for integrators' checks
    this.video.dataset.generation = String(init.generation);
    this.fragments = 0;
    this.buffer = new MseBuffer(this.video, mime, {
      error: (reason) => this.end(`decode: ${reason}`, true),
      // the browser fell behind for good: rejoin at a keyframe on a new socket
      overflow: () => this.end('the browser fell behind the stream', false),
    });
    this.buffer.append(segment);
  }

  private readonly onPlaying = (): void => {
    if (!this.ended && this.fragments > 0) this.events.playing();
  };

  private onClose(code: number, reason: string): void {
    if (this.ended) return;
    const why = `WebSocket closed ${code}${reason ? ` ${reason}` : ''}`;
    if (code === CLOSE_WITHDRAWN) this.end(why, false, false);
    else this.end(why, !this.everFragment);
  }

  /**
   * Stops this player and tells the pane: `fallback` true → use HLS (nothing ever played, or a
   * decode error); else a drop after playing, which the pane reconnects unless `retry` is false.
   */
  private end(reason: string, fallback: boolean, retry = true): void {
    if (this.ended) return;
    const decode = reason.startsWith('decode') || reason.startsWith('this browser');
    this.destroy();
    if (retry && (decode || (fallback && !this.everFragment))) this.events.fallback(reason);
    else this.events.dropped(reason, retry);
  }

  destroy(): void {
    this.ended = true;
    if (this.pinger) clearInterval(this.pinger);
    if (this.silence) clearTimeout(this.silence);
    this.pinger = this.silence = null;
    this.video.removeEventListener('playing', this.onPlaying);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = null;
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000, 'done');
    }
    this.buffer?.destroy();
    this.buffer = null;
  }
}
