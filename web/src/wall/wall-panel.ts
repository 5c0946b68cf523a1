// The map page's wall panel: a collapsible picture of the department's wall beside the map, so a camera marker, its
// popup, a search hit, a tree entry or an alarm's camera can be dragged onto a pane without leaving the map.
import { h, label } from '../core/dom';
import type { AppContext } from '../core/context';
import { WallPicture } from './wall-picture';

export class WallPanel {
  readonly el: HTMLElement;
  private picture: WallPicture | null = null;
  private readonly body = h('div', { class: 'wall-panel-body', hidden: true });

  constructor(private readonly ctx: AppContext) {
    const toggle = h('button', {
      class: 'btn small wall-panel-toggle',
      type: 'button',
      'aria-expanded': 'false',
      onclick: () => this.open(this.body.hidden),
    });
    label(toggle, 'wall.panel');
    this.el = h('div', { class: 'wall-panel card' }, toggle, this.body);
  }

  /** Opens (the wall is read then, and followed while open) or collapses the panel. */
  open(on: boolean): void {
    this.body.hidden = !on;
    this.el.querySelector('.wall-panel-toggle')!.setAttribute('aria-expanded', String(on));
    if (on && !this.picture) {
      this.picture = new WallPicture(this.ctx, { drive: true });
      this.body.replaceChildren(label(h('p', { class: 'muted' }), 'wall.dragHint'), this.picture.el);
    } else if (!on && this.picture) {
      this.picture.close();
      this.picture = null;
    }
  }

  close(): void {
    this.picture?.close();
  }
}
