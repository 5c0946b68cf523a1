// A connection to one gateway with one embed token: its session, what its widgets share (the map's realtime link),
// events out to the host page.
import { ApiError, api, type ApiAuth } from '../../src/core/api';
import type { ClientConfig } from '../../src/map/base-map';
import type { EmbedSession } from '../../../gateway/contract';

/** Why the SDK stopped or refused: the token's problem, the network, or the gateway's refusal. */
export type ErrorReason =
  'malformed' | 'unknown' | 'expired' | 'revoked' | 'origin' | 'forbidden' | 'network' | 'input';

/** An error the host page is told of (the `error` event, `onError`). */
export class CloudEyeError extends Error {
  override name = 'CloudEyeError';
  constructor(
    message: string,
    readonly reason: ErrorReason,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** The SDK's events (host page ← widgets). */
export interface EventMap {
  'camera-click': { id: string; name: string; status: string; lng: number; lat: number };
  'stream-state': {
    cameraId: string;
    state: 'starting' | 'playing' | 'reconnecting' | 'stopped' | 'failed';
    transport?: string;
    reason?: string;
  };
  alarm: { cameraId: string | null; kind: string; at: string; detail: unknown };
  selection: { shape: unknown; cameras: Array<{ id: string; name: string }> };
  error: CloudEyeError;
}
export type EventName = keyof EventMap;

export interface ConnectOptions {
  /** The gateway's origin, e.g. "https://cloudeye.example.gov.cn". */
  gateway: string;
  /** An embed token ("cee_…") the host page's server obtained with its API key. */
  token: string;
  /** Called with every error (also the `error` event). */
  onError?: (err: CloudEyeError) => void;
}

/** Turns a failed call into the host page's error (a refused token says why). */
export function toCloudEyeError(err: unknown): CloudEyeError {
  if (err instanceof CloudEyeError) return err;
  if (err instanceof ApiError) {
    const why = (err.problem as { reason?: string }).reason as ErrorReason | undefined;
    const reason: ErrorReason = why ?? (err.status === 401 ? 'unknown' : 'forbidden');
    return new CloudEyeError(err.describe(), reason, err.status);
  }
  return new CloudEyeError(err instanceof Error ? err.message : String(err), 'network');
}

export class Connection {
  readonly gateway: string;
  readonly token: string;
  /** Every call of this connection's widgets carries it: widgets of two tokens on one page keep their own. */
  readonly auth: ApiAuth;
  session: EmbedSession | null = null;
  config: ClientConfig | null = null;
  /** What the widgets share on this connection, by name (closed with it). */
  private readonly parts = new Map<string, { close(): void }>();
  private readonly listeners = new Map<EventName, Set<(d: never, source: object | undefined) => void>>();
  private closed = false;
  /** The first refusal of the token: every later widget shows it too. */
  failure: CloudEyeError | null = null;

  constructor(opts: ConnectOptions) {
    let origin: string;
    try {
      origin = new URL(opts.gateway).origin;
    } catch {
      throw new CloudEyeError(`CloudEye.connect: gateway must be a URL, got ${JSON.stringify(opts.gateway)}`, 'input');
    }
    if (typeof opts.token !== 'string' || !opts.token)
      throw new CloudEyeError('CloudEye.connect: token is required (an embed token from your server)', 'input');
    this.gateway = origin;
    this.token = opts.token;
    if (opts.onError) this.on('error', opts.onError);
    this.auth = { origin, token: opts.token };
  }

  /** Reads the token's session; rejects (and emits `error`) when refused. */
  async open(): Promise<void> {
    try {
      this.session = await api<EmbedSession>('GET', '/embed/session', { auth: this.auth });
    } catch (err) {
      throw this.fail(err);
    }
  }

  private configuring: Promise<ClientConfig> | null = null;

  /** Reads the map's configuration once (a player never needs it); rejects (and emits `error`) when refused. */
  loadConfig(): Promise<ClientConfig> {
    this.configuring ??= api<ClientConfig>('GET', '/client-config', { auth: this.auth }).then(
      (config) => {
        const at = (u: string): string => (u.startsWith('/') ? this.gateway + u : u);
        for (const b of config.map.baseLayers ?? []) b.urls = b.urls.map(at);
        this.config = config;
        return config;
      },
      (err: unknown) => {
        throw this.fail(err);
      },
    );
    return this.configuring;
  }

  /** Whether the token allows an action on its cameras. */
  allows(action: 'live' | 'playback' | 'ptz'): boolean {
    return this.session?.actions.includes(action) ?? false;
  }

  /**
   * The connection's shared `name` (made by `make` on first use, closed with the connection): the map's realtime
   * link lives here, so a page with only a player never loads socket.io.
   */
  part<T extends { close(): void }>(name: string, make: () => T): T {
    let p = this.parts.get(name) as T | undefined;
    if (!p) this.parts.set(name, (p = make()));
    return p;
  }

  /** `fn` hears every widget's events; `source` is the widget that emitted one (undefined: the connection's own). */
  on<K extends EventName>(event: K, fn: (detail: EventMap[K], source: object | undefined) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const f = fn as (d: never, source: object | undefined) => void;
    set.add(f);
    return () => set!.delete(f);
  }

  emit<K extends EventName>(event: K, detail: EventMap[K], source?: object): void {
    for (const fn of this.listeners.get(event) ?? [])
      (fn as (d: EventMap[K], s: object | undefined) => void)(detail, source);
  }

  /** Records and emits a refusal (`source`: the widget it happened in); returns it for throwing. */
  fail(err: unknown, source?: object): CloudEyeError {
    const e = toCloudEyeError(err);
    const refused = e.status === 401 || e.reason === 'origin';
    // the token's refusal is told once, however many calls it answered (session, map configuration, stream)
    if (refused && this.failure) return this.failure;
    if (refused) this.failure = e;
    this.emit('error', e, source);
    return e;
  }

  /** Closes the shared parts (the realtime link) and forgets the listeners. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.parts.values()) p.close();
    this.parts.clear();
    this.listeners.clear();
  }
}
