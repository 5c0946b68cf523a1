// Cloud Eye web SDK (云眼 web核心接口包): connect with an embed token, mount the map and the player, or use the
// <cloudeye-map> / <cloudeye-player> elements. ES module entry; the classic script exposes the same as `CloudEye`.
import './leaflet-private';
import { CloudEyeError, Connection, type ConnectOptions, type EventMap, type EventName } from './connection';
import { CloudEyeMapElement, CloudEyePlayerElement, CloudEyeWallElement, defineElements } from './elements';
import { MapWidget, type FoundCamera, type PlayTarget } from './map-widget';
import { PlayerWidget } from './player-widget';
import { WallWidget, type WallLayout } from './wall-widget';
import { playerCss } from './player-styles';
import { mapCss } from './styles';

export { CloudEyeError, CloudEyeMapElement, CloudEyePlayerElement, CloudEyeWallElement };
export type { ConnectOptions, EventMap, EventName, FoundCamera, WallLayout };

export const version = '0.1.0';

/** A mounted widget's host: a <div> with its own shadow root inside the page's container. */
function shadowHost(container: HTMLElement, css: string): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement('div');
  host.className = 'cloudeye-widget';
  host.style.cssText = 'position:relative;width:100%;height:100%';
  const root = host.attachShadow({ mode: 'open' });
  root.append(Object.assign(document.createElement('style'), { textContent: css }));
  container.append(host);
  return { host, root };
}

export interface PlayerHandle {
  play(cameraId: string): Promise<void>;
  playAt(cameraId: string, at: Date | number): Promise<void>;
  stop(): void;
  /** Removes the player; its stream is closed. */
  close(): void;
}

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

export interface MapHandle {
  flyTo(lng: number, lat: number, zoom?: number): void;
  filter(f: { status?: string; tag?: string; q?: string }): void;
  searchAround(lng: number, lat: number, radiusM?: number): Promise<FoundCamera[]>;
  select(kind?: 'circle' | 'polygon'): Promise<FoundCamera[]>;
  /** Removes the map. */
  close(): void;
}

/** A connection to a gateway with one embed token. */
export class CloudEyeClient {
  private readonly closers = new Set<() => void>();

  constructor(private readonly conn: Connection) {}

  /** The token's refusal (expired, revoked, another origin…), or null when it was accepted. */
  get failure(): CloudEyeError | null {
    return this.conn.failure;
  }

  /** What the token may do: 'live', 'playback', 'ptz'. */
  get actions(): string[] {
    return [...(this.conn.session?.actions ?? [])];
  }

  on<K extends EventName>(event: K, fn: (detail: EventMap[K]) => void): () => void {
    return this.conn.on(event, fn);
  }

  /** Mounts a player in `container`. */
  player(container: HTMLElement): PlayerHandle {
    const { host, root } = shadowHost(container, playerCss(this.conn.gateway));
    const w = new PlayerWidget(this.conn);
    root.append(w.el);
    const close = (): void => {
      this.closers.delete(close);
      w.close();
      host.remove();
    };
    this.closers.add(close);
    return {
      play: (id) => w.play(id),
      playAt: (id, at) => w.playAt(id, at),
      stop: () => w.stop(),
      close,
      // the map's link to it
      ...({ widget: w } as object),
    };
  }

  /** Mounts a small wall of 1, 4 or 9 players in `container` (give it a size). */
  wall(container: HTMLElement, opts: { layout?: WallLayout } = {}): WallHandle {
    const { host, root } = shadowHost(container, playerCss(this.conn.gateway));
    const w = new WallWidget(this.conn, opts.layout ?? 4);
    root.append(w.el);
    const close = (): void => {
      this.closers.delete(close);
      w.close();
      host.remove();
    };
    this.closers.add(close);
    return {
      play: (id, pane) => w.play(id, pane),
      playAll: (ids) => w.playAll(ids),
      setLayout: (n) => w.setLayout(n),
      cameras: () => w.cameras,
      stop: (pane) => w.stop(pane),
      close,
      ...({ widget: w } as object),
    };
  }

  /** Mounts the map in `container` (give it a height); a camera click plays in `opts.player` (a player or a wall). */
  map(container: HTMLElement, opts: { player?: PlayerHandle | WallHandle } = {}): MapHandle {
    const { host, root } = shadowHost(container, mapCss(this.conn.gateway));
    const linked = (opts.player as { widget?: PlayTarget } | undefined)?.widget ?? null;
    const w = new MapWidget(this.conn, linked);
    root.append(w.el);
    w.start();
    const close = (): void => {
      this.closers.delete(close);
      w.close();
      host.remove();
    };
    this.closers.add(close);
    return {
      flyTo: (lng, lat, zoom) => w.flyTo(lng, lat, zoom),
      filter: (f) => w.filter(f),
      searchAround: (lng, lat, r) => w.searchAround(lng, lat, r),
      select: (kind) => w.select(kind),
      close,
    };
  }

  /** Removes every widget and closes the realtime socket. Idempotent. */
  close(): void {
    for (const c of [...this.closers]) c();
    this.conn.close();
  }
}

/**
 * Connects to `gateway` with an embed token. Resolves even when the token is refused (the widgets then show why,
 * and `onError` and the `error` event are called with the reason); rejects only on bad arguments.
 */
export async function connect(opts: ConnectOptions): Promise<CloudEyeClient> {
  const conn = new Connection(opts);
  await Promise.all([conn.open(), conn.loadConfig()]).catch(() => undefined);
  return new CloudEyeClient(conn);
}

defineElements();
