// <cloudeye-wall gateway="…" token="…" layout="1|4|9" cameras="id,id,…">: the small wall as an element; a
// <cloudeye-map player="…"> naming it plays clicked cameras in its selected pane.
import type { Connection } from './connection';
import { CloudEyeElement } from './element-base';
import { playerCss } from './player-styles';
import { WALL_LAYOUTS, WallWidget, type WallLayout } from './wall-widget';

const layoutOf = (v: string | null): WallLayout => {
  const n = Number(v ?? 4);
  return (WALL_LAYOUTS as readonly number[]).includes(n) ? (n as WallLayout) : 4;
};
const idsOf = (v: string | null): string[] =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export class CloudEyeWallElement extends CloudEyeElement {
  protected override readonly waitsForOpen = false;
  static override observedAttributes = ['gateway', 'token', 'layout', 'cameras'];
  private widget: WallWidget | null = null;

  get widgetOrNull(): WallWidget | null {
    return this.widget;
  }

  protected widgetObject(): object | null {
    return this.widget;
  }

  protected override owns(source: unknown): boolean {
    return this.widget?.owns(source) ?? false;
  }

  protected css(gateway: string): string {
    return playerCss(gateway);
  }

  protected mountWidget(conn: Connection): HTMLElement {
    this.widget = new WallWidget(conn, layoutOf(this.getAttribute('layout')));
    const ids = idsOf(this.getAttribute('cameras'));
    if (ids.length && !conn.failure) void this.widget.playAll(ids);
    return this.widget.el;
  }

  protected unmountWidget(): void {
    this.widget?.close();
    this.widget = null;
  }

  override attributeChangedCallback(name: string, old: string | null, next: string | null): void {
    if (name === 'layout') return void (old !== next && this.widget?.setLayout(layoutOf(next)));
    if (name === 'cameras') return void (old !== next && this.widget?.playAll(idsOf(next)));
    super.attributeChangedCallback(name, old, next);
  }

  play(cameraId: string, pane?: number): Promise<void> {
    return this.widget?.play(cameraId, pane) ?? Promise.resolve();
  }
  playAll(cameraIds: string[]): Promise<void> {
    return this.widget?.playAll(cameraIds) ?? Promise.resolve();
  }
  stop(pane?: number): void {
    this.widget?.stop(pane);
  }
}
