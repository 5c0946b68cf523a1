// The realtime link: socket.io at /socket.io authenticated with the access token; typed server events.
import { io, type Socket } from 'socket.io-client';
import type {
  AlarmMessage,
  CameraEventMessage,
  PtzControlMessage,
  WallScreenMessage,
} from '../../../gateway/realtime/messages';
import { accessToken, onToken } from './api';

export type StreamState = 'starting' | 'live' | 'stalled' | 'restarting' | 'stopped' | 'failed';

export interface ServerEvents {
  'camera:status': (changes: Array<{ id: string; status: string; reason: string; lastSeen: string | null }>) => void;
  'camera:changed': (e: { id: string }) => void;
  'camera:removed': (e: { id: string }) => void;
  'camera:event': (m: CameraEventMessage) => void;
  'stream:state': (e: { cameraId: string; profile: 'main' | 'sub'; state: StreamState; reason?: string }) => void;
  'recording:state': (e: {
    cameraId: string;
    state: 'off' | 'starting' | 'recording' | 'standby' | 'failed';
    reason: string;
    cause: 'write' | 'volume-full' | 'stream' | null;
    volume: string | null;
    since: string;
  }) => void;
  'scan:progress': (e: {
    scanId: number | string;
    probed: number;
    total: number;
    found: number;
    done: boolean;
  }) => void;
  'alarm:notify': (m: AlarmMessage) => void;
  'wall:screen': (m: WallScreenMessage) => void;
  'ptz:control': (m: PtzControlMessage) => void;
}

type Handler<K extends keyof ServerEvents> = ServerEvents[K];

/** One socket for the whole console; components subscribe with on() and keep the returned unsubscribe. */
export class Realtime {
  private socket: Socket<ServerEvents> | null = null;
  private stopToken: (() => void) | null = null;
  private stopNet: (() => void) | null = null;
  private readonly reconnects = new Set<() => void>();
  private readonly links = new Set<(up: boolean) => void>();
  private everUp = false;

  /** `url`: the gateway's origin when it is not this page's (an embedded widget: WebSocket only, no CORS polling). */
  /** `token`: an embedded widget's own token (several on one page), instead of the page's session. */
  constructor(
    private readonly url?: string,
    private readonly token?: string,
  ) {}

  start(): void {
    if (this.socket) return;
    const opts = {
      path: '/socket.io',
      auth: (cb: (a: Record<string, string>) => void) => cb({ token: this.token ?? accessToken() ?? '' }),
      transports: this.url ? ['websocket'] : ['websocket', 'polling'],
      reconnectionDelayMax: 10_000,
    };
    this.socket = this.url ? io(this.url, opts) : io(opts);
    // a fresh access token is only read on the next handshake: reconnect so the server sees it
    this.stopToken = onToken(() => this.reconnect());
    this.socket.on('connect', () => {
      if (this.everUp) for (const fn of this.reconnects) fn();
      this.everUp = true;
      for (const fn of this.links) fn(true);
    });
    this.socket.on('disconnect', () => {
      for (const fn of this.links) fn(false);
    });
    // The browser says the network is gone: drop the link at once (an open WebSocket may linger for
    // minutes without a word) and do not retry until it is back; then reconnect at once, not after
    // the back-off, and reload what was pushed meanwhile.
    if (typeof window !== 'undefined') {
      const down = (): void => void this.socket?.disconnect();
      const up = (): void => this.reconnect();
      window.addEventListener('offline', down);
      window.addEventListener('online', up);
      this.stopNet = () => {
        window.removeEventListener('offline', down);
        window.removeEventListener('online', up);
      };
    }
  }

  private reconnect(): void {
    if (this.socket && !this.socket.connected) this.socket.connect();
  }

  on<K extends keyof ServerEvents>(event: K, fn: Handler<K>): () => void {
    const s = this.socket;
    if (!s) return () => undefined;
    // socket.io's typed-event overloads do not narrow through a generic key
    (s as unknown as { on(e: string, f: unknown): void }).on(event, fn);
    return () => (s as unknown as { off(e: string, f: unknown): void }).off(event, fn);
  }

  /** Called each time the link is back after a drop (what was pushed meanwhile was missed: reload it). */
  onReconnect(fn: () => void): () => void {
    this.reconnects.add(fn);
    return () => this.reconnects.delete(fn);
  }

  /** Called with true each time the link is up, false each time it drops. */
  onLink(fn: (up: boolean) => void): () => void {
    this.links.add(fn);
    return () => this.links.delete(fn);
  }

  emit(event: string, payload: unknown): void {
    (this.socket as unknown as { emit(e: string, p: unknown): void } | null)?.emit(event, payload);
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  close(): void {
    this.stopToken?.();
    this.stopNet?.();
    this.links.clear();
    this.reconnects.clear();
    this.socket?.disconnect();
    this.socket = null;
  }
}
