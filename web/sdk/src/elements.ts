// Web components for pages without a build step: <cloudeye-map> and <cloudeye-player>, each in its own shadow DOM;
// removing one from the page closes its streams and, with the last one, the realtime socket.
import { Connection, type EventMap, type EventName } from './connection';
import { MapWidget } from './map-widget';
import { PlayerWidget } from './player-widget';
import { widgetCss } from './styles';

/** Connections shared by the elements of a page, per gateway and token, counted by holder. */
const shared = new Map<string, { conn: Connection; opened: Promise<void>; holders: number }>();

function acquire(gateway: string, token: string): { conn: Connection; opened: Promise<void> } {
  const key = `${gateway}|${token}`;
  let e = shared.get(key);
  if (!e) {
    const conn = new Connection({ gateway, token });
    e = { conn, opened: conn.open().catch(() => undefined), holders: 0 };
    shared.set(key, e);
  }
  e.holders++;
  return e;
}

function release(conn: Connection): void {
  for (const [key, e] of shared)
    if (e.conn === conn && --e.holders <= 0) {
      shared.delete(key);
      conn.close();
    }
}

const EVENTS: EventName[] = ['camera-click', 'stream-state', 'alarm', 'selection', 'error'];

/** What both elements share: attributes, shadow root, connection, events re-dispatched on the element. */
abstract class CloudEyeElement extends HTMLElement {
  protected conn: Connection | null = null;
  private offs: Array<() => void> = [];
  /** Bumped by each mount/unmount: an unmount during an open cancels the mount. */
  private generation = 0;
  /** The gateway and token mounted with ("gateway|token"), null when not mounted. */
  private mounted: string | null = null;

  protected abstract mountWidget(conn: Connection, root: ShadowRoot): HTMLElement;
  protected abstract unmountWidget(): void;
  /** The mounted widget (the source of the events this element re-dispatches). */
  protected abstract widgetObject(): object | null;

  static observedAttributes = ['gateway', 'token'];

  /** A new gateway or token remounts the widget; the first pair of them mounts it. */
  attributeChangedCallback(name: string, old: string | null, next: string | null): void {
    if ((name !== 'gateway' && name !== 'token') || old === next || !this.isConnected) return;
    if (this.mounted === `${this.getAttribute('gateway') ?? ''}|${this.getAttribute('token') ?? ''}`) return;
    this.disconnectedCallback();
    this.connectedCallback();
  }

  connectedCallback(): void {
    const gateway = this.getAttribute('gateway') ?? '';
    const token = this.getAttribute('token') ?? '';
    // an element made before its attributes (innerHTML, createElement) mounts when they come
    if (!gateway || !token || this.mounted === `${gateway}|${token}`) return;
    if (this.mounted !== null) this.disconnectedCallback();
    this.mounted = `${gateway}|${token}`;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const gen = ++this.generation;
    let held: { conn: Connection; opened: Promise<void> };
    try {
      held = acquire(gateway, token);
    } catch (err) {
      this.dispatch('error', err as EventMap['error']);
      return;
    }
    this.conn = held.conn;
    root.replaceChildren(Object.assign(document.createElement('style'), { textContent: widgetCss(held.conn.gateway) }));
    let told = false;
    // the element's own widget's events, and the connection's own (a refused token)
    for (const name of EVENTS)
      this.offs.push(
        held.conn.on(name, (d, source) => {
          if (source !== undefined && source !== this.widgetObject()) return;
          told ||= name === 'error';
          this.dispatch(name, d);
        }),
      );
    // a token refused before this element came: it is told too
    // a player starts its stream at once (a refused token answers that call too); a map needs the map's configuration
    if (!this.waitsForOpen) root.append(this.mountWidget(held.conn, root));
    void held.opened.then(() => {
      if (gen !== this.generation) return;
      if (held.conn.failure && !told) this.dispatch('error', held.conn.failure);
      if (this.waitsForOpen) root.append(this.mountWidget(held.conn, root));
      else this.sessionKnown();
    });
  }

  /** The token's session was read (what it may do is known now). */
  protected sessionKnown(): void {}

  /** Whether the widget mounts only once the connection read its session and configuration. */
  protected readonly waitsForOpen: boolean = true;

  disconnectedCallback(): void {
    this.mounted = null;
    this.generation++;
    this.unmountWidget();
    for (const off of this.offs.splice(0)) off();
    if (this.conn) release(this.conn);
    this.conn = null;
    this.shadowRoot?.replaceChildren();
  }

  private dispatch<K extends EventName>(name: K, detail: EventMap[K]): void {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }
}

/** <cloudeye-map gateway="…" token="…" player="id of a cloudeye-player"> */
export class CloudEyeMapElement extends CloudEyeElement {
  private widget: MapWidget | null = null;

  protected widgetObject(): object | null {
    return this.widget;
  }

  protected mountWidget(conn: Connection): HTMLElement {
    // the player is looked up at each click: it may mount after the map, or be replaced
    const player = (): PlayerWidget | null => {
      const id = this.getAttribute('player');
      const el = id ? (this.getRootNode() as Document | ShadowRoot).getElementById?.(id) : null;
      return el instanceof CloudEyePlayerElement ? el.widgetOrNull : null;
    };
    this.widget = new MapWidget(conn, player);
    queueMicrotask(() => this.widget?.start());
    return this.widget.el;
  }

  protected unmountWidget(): void {
    this.widget?.close();
    this.widget = null;
  }

  flyTo(lng: number, lat: number, zoom?: number): void {
    this.widget?.flyTo(lng, lat, zoom);
  }
  filter(f: { status?: string; tag?: string; q?: string }): void {
    this.widget?.filter(f);
  }
  searchAround(lng: number, lat: number, radiusM?: number) {
    return this.widget?.searchAround(lng, lat, radiusM) ?? Promise.resolve([]);
  }
  select(kind?: 'circle' | 'polygon') {
    return this.widget?.select(kind) ?? Promise.resolve([]);
  }
}

/** <cloudeye-player gateway="…" token="…" camera="id"> */
export class CloudEyePlayerElement extends CloudEyeElement {
  protected override readonly waitsForOpen = false;

  protected override sessionKnown(): void {
    this.widget?.actionsKnown();
  }
  static override observedAttributes = ['gateway', 'token', 'camera'];
  private widget: PlayerWidget | null = null;

  get widgetOrNull(): PlayerWidget | null {
    return this.widget;
  }

  protected widgetObject(): object | null {
    return this.widget;
  }

  protected mountWidget(conn: Connection): HTMLElement {
    this.widget = new PlayerWidget(conn);
    const camera = this.getAttribute('camera');
    if (camera && !conn.failure) void this.widget.play(camera);
    return this.widget.el;
  }

  protected unmountWidget(): void {
    this.widget?.close();
    this.widget = null;
  }

  override attributeChangedCallback(name: string, old: string | null, next: string | null): void {
    if (name !== 'camera') return super.attributeChangedCallback(name, old, next);
    if (old !== next && this.widget) void (next ? this.widget.play(next) : this.widget.stop());
  }

  play(cameraId: string): Promise<void> {
    return this.widget?.play(cameraId) ?? Promise.resolve();
  }
  playAt(cameraId: string, at: Date | number): Promise<void> {
    return this.widget?.playAt(cameraId, at) ?? Promise.resolve();
  }
  stop(): void {
    this.widget?.stop();
  }
}

/** Registers the two elements (once per page). */
export function defineElements(): void {
  if (typeof customElements === 'undefined') return;
  if (!customElements.get('cloudeye-map')) customElements.define('cloudeye-map', CloudEyeMapElement);
  if (!customElements.get('cloudeye-player')) customElements.define('cloudeye-player', CloudEyePlayerElement);
}
