// One WebSocket viewer of a live stream: a hub Sink over the socket, the protocol's text messages, and its one close.
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import type { Attachment, Sink, SinkCloseReason } from '../../transcoder/fanout/types';
import type { LiveHub } from './stream-backend';
import type { SessionViewer } from './stream-service';
import {
  LIVE_CLOSE,
  refuseClientMessage,
  type LiveClockMessage,
  type LiveInitMessage,
  type LiveServerMessage,
} from './live-protocol';

/** The transport under a viewer (a `ws` WebSocket in gateway/http, adapted). */
export interface LiveSocket {
  send(data: string | Buffer): void;
  /** Bytes queued for the client and not yet written to the network. */
  bufferedAmount(): number;
  /** Closes with a code; the transport is torn down even if the client never answers. */
  close(code: number, reason: string): void;
  onMessage(fn: (data: Buffer, binary: boolean) => void): void;
  /** Called once when the connection ends, whoever ended it. */
  onClose(fn: () => void): void;
}

/** Where the newest fragment of a stream is, for the clock messages. */
export interface StreamEdge {
  receivedAt: number;
  edgeS: number;
  generation: number;
}

/** Why a viewer ended, as the session's close audits it. */
const REASONS: Record<number, string> = {
  [LIVE_CLOSE.tooSlow]: 'viewer too slow',
  [LIVE_CLOSE.streamStopped]: 'stream stopped',
  [LIVE_CLOSE.policyViolation]: 'unexpected client message',
  [LIVE_CLOSE.goingAway]: 'gateway stopped',
  [LIVE_CLOSE.accessWithdrawn]: 'access revoked',
};

export class LiveViewer implements Sink, SessionViewer {
  private attachment: Attachment | null = null;
  private ended = false;
  private state: 'live' | 'reconnecting' = 'live';
  /** Set when the viewer ends: what the session's audit says. */
  endReason = '';

  constructor(
    readonly key: string,
    private readonly hub: LiveHub,
    private readonly socket: LiveSocket,
    /** Called once when the viewer is gone (after its socket was told to close). */
    private readonly gone: (v: LiveViewer, reason: string) => void,
  ) {}

  /** Joins the hub (init + cached GOP at once); a hub that closed meanwhile ends the viewer (4410). */
  start(): void {
    this.socket.onMessage((data, binary) => this.message(data, binary));
    this.socket.onClose(() => this.finish('viewer left'));
    try {
      this.attachment = this.hub.attach(this, { start: 'gop' });
    } catch (err) {
      this.end(LIVE_CLOSE.streamStopped, `stream stopped: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Fragments sent and skipped so far (backpressure). */
  counts(): { sent: number; skipped: number } {
    return { sent: this.attachment?.sent ?? 0, skipped: this.attachment?.skipped ?? 0 };
  }

  // --- Sink (called by the hub, synchronously, never awaited) ---

  write(data: Buffer, what: { init: InitSegment } | { fragment: Fragment }): void {
    if (this.ended) return;
    if ('init' in what) {
      const i = what.init;
      const msg: LiveInitMessage = {
        type: 'init',
        mime: i.mime,
        codecs: i.codecs,
        width: i.width,
        height: i.height,
        generation: i.generation,
      };
      this.text(msg);
    }
    this.socket.send(data);
  }

  bufferedBytes(): number {
    return this.socket.bufferedAmount();
  }

  close(reason: SinkCloseReason, detail: string): void {
    this.end(reason === 'slow' ? LIVE_CLOSE.tooSlow : LIVE_CLOSE.streamStopped, detail);
  }

  // --- protocol ---

  /** The stream stopped delivering (a run ended) or delivers again (a new run's init reached the hub). */
  setState(state: 'live' | 'reconnecting', reason: string): void {
    if (this.ended || state === this.state) return;
    this.state = state;
    this.text({ type: 'state', state, reason });
  }

  clock(edge: StreamEdge | null): void {
    if (this.ended) return;
    const msg: LiveClockMessage = {
      type: 'clock',
      serverTime: Date.now(),
      edgeReceivedAt: edge?.receivedAt ?? null,
      edgeS: edge?.edgeS ?? null,
      generation: edge?.generation ?? null,
    };
    this.text(msg);
  }

  /** Ends the viewer with a close code (SessionViewer: the session ended). Idempotent. */
  end(code: number, reason: string): void {
    if (this.ended) return;
    // a close frame's reason holds at most 123 bytes
    this.socket.close(
      code,
      Buffer.from(reason)
        .subarray(0, 120)
        .toString('utf8')
        .replace(/\uFFFD+$/, ''),
    );
    this.finish(REASONS[code] ?? reason);
  }

  private message(data: Buffer, binary: boolean): void {
    if (this.ended) return;
    const refused = refuseClientMessage(data, binary);
    if (refused) return this.end(LIVE_CLOSE.policyViolation, refused);
    this.text({ type: 'pong', serverTime: Date.now() });
  }

  private text(msg: LiveServerMessage): void {
    this.socket.send(JSON.stringify(msg));
  }

  private finish(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.endReason = reason;
    this.attachment?.detach();
    this.attachment = null;
    this.gone(this, reason);
  }
}
