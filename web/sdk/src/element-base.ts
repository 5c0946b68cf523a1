// What <cloudeye-map>, <cloudeye-player> and <cloudeye-wall> share: the page's connections (one per gateway and token, counted by
// holder), the shadow root, the widget mounted when gateway and token are known, events re-dispatched on the element.
import { Connection, type EventMap, type EventName } from './connection';

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

/** A Cloud Eye element: attributes gateway and token mount its widget in its shadow root. */
export abstract class CloudEyeElement extends HTMLElement {
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
  /** Whether an event's source is this element's widget (or a part of it). */
  protected owns(source: unknown): boolean {
    return source === this.widgetObject();
  }
  /** The widget's style sheet, with the gateway's asset URLs. */
  protected abstract css(gateway: string): string;

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
    root.replaceChildren(Object.assign(document.createElement('style'), { textContent: this.css(held.conn.gateway) }));
    let told = false;
    // the element's own widget's events, and the connection's own (a refused token)
    for (const name of EVENTS)
      this.offs.push(
        held.conn.on(name, (d, source) => {
          if (source !== undefined && !this.owns(source)) return;
          told ||= name === 'error';
          this.dispatch(name, d);
        }),
      );
    // a player starts its stream at once (a refused token answers that call too); a map needs the map's configuration
    if (!this.waitsForOpen) root.append(this.mountWidget(held.conn, root));
    void this.ready(held.conn, held.opened).then(() => {
      if (gen !== this.generation) return;
      // a token refused before this element came: it is told too
      if (held.conn.failure && !told) this.dispatch('error', held.conn.failure);
      if (this.waitsForOpen) root.append(this.mountWidget(held.conn, root));
      else this.sessionKnown();
    });
  }

  /** Resolves when the widget has what it needs of the connection (default: the token's session). */
  protected ready(_conn: Connection, opened: Promise<void>): Promise<void> {
    return opened;
  }

  /** The token's session was read (what it may do is known now). */
  protected sessionKnown(): void {}

  /** Whether the widget mounts only once ready() resolved. */
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
