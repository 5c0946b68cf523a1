// <cloudeye-player gateway="…" token="…" camera="id">: the embedded player as an element (no map, no Leaflet: the
// player-only bundle cloudeye-player.js is this and the player widget).
import type { Connection } from './connection';
import { CloudEyeElement } from './element-base';
import { PlayerWidget } from './player-widget';
import { playerCss } from './player-styles';

export class CloudEyePlayerElement extends CloudEyeElement {
  protected override readonly waitsForOpen = false;
  static override observedAttributes = ['gateway', 'token', 'camera'];
  private widget: PlayerWidget | null = null;

  protected override sessionKnown(): void {
    this.widget?.actionsKnown();
  }

  protected css(gateway: string): string {
    return playerCss(gateway);
  }

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

/** Registers <cloudeye-player> (once per page; a page may load both bundles). */
export function definePlayerElement(): void {
  if (typeof customElements === 'undefined') return;
  if (!customElements.get('cloudeye-player')) customElements.define('cloudeye-player', CloudEyePlayerElement);
}
