// Types of the Cloud Eye web SDK (@cloudeye/web-sdk): the ES module's exports, and `window.CloudEye` of the classic script.

export declare const version: string;

/** Why a widget stopped or was refused. */
export type ErrorReason =
  'malformed' | 'unknown' | 'expired' | 'revoked' | 'origin' | 'forbidden' | 'network' | 'input';

export declare class CloudEyeError extends Error {
  readonly reason: ErrorReason;
  /** The gateway's HTTP status, when it answered. */
  readonly status: number | null;
}

export interface FoundCamera {
  id: string;
  name: string;
  status: string;
  lng: number;
  lat: number;
  /** Metres from the point searched around. */
  distanceM?: number;
}

/** Events out (client.on(name, fn); on the elements: CustomEvent(name) with `detail`). */
export interface EventMap {
  'camera-click': { id: string; name: string; status: string; lng: number; lat: number };
  'stream-state': {
    cameraId: string;
    state: 'starting' | 'playing' | 'reconnecting' | 'stopped' | 'failed';
    /** 'MSE', 'LL-HLS', 'HLS' or 'playback'. */
    transport?: string;
    reason?: string;
  };
  /** An event (alarm input, analytics, plate…) of a camera the token sees. */
  alarm: { cameraId: string | null; kind: string; at: string; detail: unknown };
  selection: { shape: unknown; cameras: Array<{ id: string; name: string }> };
  error: CloudEyeError;
}
export type EventName = keyof EventMap;

export interface ConnectOptions {
  /** The gateway's origin, e.g. "https://cloudeye.example.gov.cn". */
  gateway: string;
  /** An embed token ("cee_…") your server obtained with its API key (POST /api/v1/embed/tokens). */
  token: string;
  /** Called with every error, e.g. an expired or revoked token. */
  onError?: (err: CloudEyeError) => void;
}

export interface PlayerHandle {
  /** Plays a camera live (low-latency WebSocket; HLS fallback loaded only when needed). */
  play(cameraId: string): Promise<void>;
  /** Plays recorded footage from a wall-clock time (the token must allow 'playback'). */
  playAt(cameraId: string, at: Date | number): Promise<void>;
  stop(): void;
  /** Removes the player; its stream is closed. */
  close(): void;
}

export interface MapHandle {
  flyTo(lng: number, lat: number, zoom?: number): void;
  /** Shows only cameras matching the filter; {} shows every camera the token sees. */
  filter(f: { status?: string; tag?: string; q?: string }): void;
  /** The token's cameras within radiusM (default 500) of a point, nearest first. */
  searchAround(lng: number, lat: number, radiusM?: number): Promise<FoundCamera[]>;
  /** Lets the user draw a circle or polygon; the cameras inside it (also the `selection` event). */
  select(kind?: 'circle' | 'polygon'): Promise<FoundCamera[]>;
  close(): void;
}

export type WallLayout = 1 | 4 | 9;

export interface WallHandle {
  /** Plays a camera in pane `pane` (0-based), or in the selected pane; the selection moves to the next pane. */
  play(cameraId: string, pane?: number): Promise<void>;
  /** Plays the cameras in the panes from the first on. */
  playAll(cameraIds: string[]): Promise<void>;
  setLayout(n: WallLayout): void;
  /** The camera of each pane (null: empty). */
  cameras(): Array<string | null>;
  /** Stops one pane, or all. */
  stop(pane?: number): void;
  /** Removes the wall; its streams are closed. */
  close(): void;
}

export declare class CloudEyeClient {
  /** The token's refusal, or null when it was accepted. */
  readonly failure: CloudEyeError | null;
  /** What the token may do: 'live', 'playback', 'ptz'. */
  readonly actions: string[];
  on<K extends EventName>(event: K, fn: (detail: EventMap[K]) => void): () => void;
  player(container: HTMLElement): PlayerHandle;
  /** A small wall of 1, 4 or 9 players (default 4); a user's click selects the pane the next camera plays in. */
  wall(container: HTMLElement, opts?: { layout?: WallLayout }): WallHandle;
  /** The map; a camera click plays in `opts.player` (a player, or a wall's selected pane). */
  map(container: HTMLElement, opts?: { player?: PlayerHandle | WallHandle }): MapHandle;
  /** Removes every widget and closes the realtime socket. */
  close(): void;
}

/** Connects with an embed token; resolves even when the token is refused (see `failure`, `onError`). */
export declare function connect(opts: ConnectOptions): Promise<CloudEyeClient>;

/** <cloudeye-map gateway token player="id of a cloudeye-player or a cloudeye-wall"> */
export declare class CloudEyeMapElement extends HTMLElement {
  flyTo(lng: number, lat: number, zoom?: number): void;
  filter(f: { status?: string; tag?: string; q?: string }): void;
  searchAround(lng: number, lat: number, radiusM?: number): Promise<FoundCamera[]>;
  select(kind?: 'circle' | 'polygon'): Promise<FoundCamera[]>;
}

/** <cloudeye-player gateway token camera> */
export declare class CloudEyePlayerElement extends HTMLElement {
  play(cameraId: string): Promise<void>;
  playAt(cameraId: string, at: Date | number): Promise<void>;
  stop(): void;
}

/** <cloudeye-wall gateway token layout="1|4|9" cameras="id,id,…"> */
export declare class CloudEyeWallElement extends HTMLElement {
  play(cameraId: string, pane?: number): Promise<void>;
  playAll(cameraIds: string[]): Promise<void>;
  stop(pane?: number): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'cloudeye-map': CloudEyeMapElement;
    'cloudeye-player': CloudEyePlayerElement;
    'cloudeye-wall': CloudEyeWallElement;
  }
}
