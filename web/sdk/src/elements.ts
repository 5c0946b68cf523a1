// Web components for pages without a build step: <cloudeye-map>, <cloudeye-player> and <cloudeye-wall>, each in its
// own shadow DOM;
// removing one from the page closes its streams and, with the last one, the realtime socket.
import type { Connection } from './connection';
import { CloudEyeElement } from './element-base';
import { MapWidget, type PlayTarget } from './map-widget';
import { CloudEyeWallElement } from './wall-element';
import { CloudEyePlayerElement, definePlayerElement } from './player-element';
import { mapCss } from './styles';

export { CloudEyePlayerElement, CloudEyeWallElement };

/** <cloudeye-map gateway="…" token="…" player="id of a cloudeye-player or a cloudeye-wall"> */
export class CloudEyeMapElement extends CloudEyeElement {
  private widget: MapWidget | null = null;

  protected widgetObject(): object | null {
    return this.widget;
  }

  protected css(gateway: string): string {
    return mapCss(gateway);
  }

  /** The map also needs the gateway's map configuration (base layers, centre). */
  protected override async ready(conn: Connection, opened: Promise<void>): Promise<void> {
    await Promise.all([opened, conn.loadConfig().catch(() => undefined)]);
  }

  protected mountWidget(conn: Connection): HTMLElement {
    // the player is looked up at each click: it may mount after the map, or be replaced
    const player = (): PlayTarget | null => {
      const id = this.getAttribute('player');
      const el = id ? (this.getRootNode() as Document | ShadowRoot).getElementById?.(id) : null;
      return el instanceof CloudEyePlayerElement || el instanceof CloudEyeWallElement ? el.widgetOrNull : null;
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

/** Registers the elements (once per page). */
export function defineElements(): void {
  if (typeof customElements === 'undefined') return;
  if (!customElements.get('cloudeye-map')) customElements.define('cloudeye-map', CloudEyeMapElement);
  definePlayerElement();
  if (!customElements.get('cloudeye-wall')) customElements.define('cloudeye-wall', CloudEyeWallElement);
}
