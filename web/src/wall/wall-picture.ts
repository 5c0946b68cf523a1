// A picture of the department's wall: its screens placed as on the wall, each with its panes in its layout. Panes take
// a dragged camera (or, with a camera picked, a click); the picture follows every push. Used by the wall page and, small,
// by the map page's wall panel.
import type { Screen, View } from '../../../gateway/wall/wall-model';
import { paneGridArea, wallLayout } from '../../../gis/wall-layout';
import { api } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import type { AppContext } from '../core/context';
import { attempt } from '../ui/table';
import { dropCamera } from './camera-drag';

export interface WallPictureOptions {
  /** Whether the caller may drive the wall (send, clear); a reader only sees it. */
  drive: boolean;
  /** The camera a click on a pane sends (the wall page's picked camera), if any. */
  picked?: () => string | null;
  /** Extra controls in each screen's header (layout, views, admin). */
  tools?: (s: Screen) => HTMLElement[];
  /** Called after every redraw (screens or views changed). */
  changed?: () => void;
}

export class WallPicture {
  readonly el = h('div', { class: 'wall-picture' });
  readonly screens = new Map<number, Screen>();
  views: View[] = [];
  private readonly offs: Array<() => void>;

  constructor(
    ctx: AppContext,
    private readonly opts: WallPictureOptions,
  ) {
    this.offs = [
      ctx.realtime.on('wall:screen', (m) => {
        if ('closed' in m) {
          this.screens.delete(m.id);
          this.draw();
        } else this.update(m);
      }),
      ctx.realtime.onReconnect(() => void this.reload()),
    ];
    void this.reload();
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
  }

  async reload(): Promise<void> {
    const [list, vs] = await Promise.all([
      attempt(() => api<{ items: Screen[] }>('GET', '/wall/screens')),
      attempt(() => api<{ items: View[] }>('GET', '/wall/views')),
    ]);
    this.views = vs?.items ?? [];
    this.screens.clear();
    for (const s of list?.items ?? []) this.screens.set(s.id, s);
    this.draw();
  }

  update(s: Screen): void {
    this.screens.set(s.id, s);
    this.draw();
  }

  /** Sends a camera to a pane ("send to screen"); the screen follows the push. */
  async send(screenId: number, pane: number, cameraId: string): Promise<void> {
    const next = await attempt(() =>
      api<Screen>('PUT', `/wall/screens/${screenId}/panes/${pane}`, { body: { cameraId } }),
    );
    if (next) {
      this.update(next);
      toast(t('wall.sent'));
    }
  }

  /** Any change answered with the screen (clear, layout, view). */
  async change(method: string, path: string, body?: unknown): Promise<void> {
    const next = await attempt(() => api<Screen>(method, path, body === undefined ? {} : { body }));
    if (next) this.update(next);
  }

  /** The first empty pane of a screen (else its first pane): where "send to screen" puts a camera. */
  freePane(s: Screen): number {
    return Math.max(
      0,
      s.panes.findIndex((p) => !p.cameraId),
    );
  }

  private drawPane(s: Screen, i: number): HTMLElement {
    const p = s.panes[i];
    const drive = this.opts.drive;
    const cell = h(
      'div',
      { class: `wall-pane${p?.cameraId ? ' filled' : ''}`, 'data-pane': i, 'data-camera-id': p?.cameraId ?? '' },
      h(
        'button',
        {
          class: 'wall-pane-send',
          disabled: !drive,
          onclick: () => {
            const cam = this.opts.picked?.();
            if (cam) void this.send(s.id, i, cam);
            else toast(t('wall.sendHint'));
          },
        },
        `${i + 1}`,
        h('span', { class: 'wall-pane-camera' }, p?.cameraName ?? ''),
      ),
    );
    if (drive) dropCamera(cell, (cam) => void this.send(s.id, i, cam));
    if (drive && p?.cameraId)
      cell.append(
        h(
          'button',
          {
            class: 'icon-btn wall-pane-clear',
            'i18n-title': 'wall.clearPane',
            onclick: () => void this.change('DELETE', `/wall/screens/${s.id}/panes/${i}`),
          },
          '×',
        ),
      );
    return cell;
  }

  private drawScreen(s: Screen): HTMLElement {
    const layout = wallLayout(s.layout);
    const grid = h('div', { class: 'wall-screen-panes' });
    if (layout) {
      grid.style.gridTemplate = `repeat(${layout.grid}, 1fr) / repeat(${layout.grid}, 1fr)`;
      layout.panes.forEach((rect, i) => {
        const cell = this.drawPane(s, i);
        cell.style.gridArea = paneGridArea(rect);
        grid.append(cell);
      });
    }
    const tools = h('div', { class: 'wall-screen-tools' }, ...(this.opts.tools?.(s) ?? []));
    const el = h(
      'section',
      { class: 'wall-screen', 'data-screen-id': s.id },
      h('header', {}, h('strong', {}, s.name), tools),
      grid,
    );
    el.style.gridArea = `${s.row + 1} / ${s.col + 1}`;
    return el;
  }

  draw(): void {
    const all = [...this.screens.values()];
    this.el.replaceChildren(
      ...(all.length ? all.map((s) => this.drawScreen(s)) : [label(h('p', { class: 'muted' }), 'wall.noScreens')]),
    );
    this.opts.changed?.();
  }
}
