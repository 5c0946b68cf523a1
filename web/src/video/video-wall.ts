// The video wall: 1/4/9 panes side by side; plays one camera or a whole list.
import type { PlayableCamera } from '../core/context';
import { h, label } from '../core/dom';
import type { Realtime } from '../core/realtime';
import { StreamPane } from './stream-pane';

const LAYOUTS = [1, 4, 9] as const;
type Layout = (typeof LAYOUTS)[number];

export class VideoWall {
  readonly el: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly panes: StreamPane[] = [];
  private layout: Layout = 1;

  constructor(private readonly opts: { realtime: Realtime; ptz: boolean; onEmpty: () => void; onChange?: () => void }) {
    this.grid = h('div', { class: 'wall-grid layout-1' });
    const bar = h('div', { class: 'wall-bar' }, label(h('strong'), 'wall.title'));
    for (const n of LAYOUTS) bar.append(h('button', { class: 'btn small', 'data-layout': n, onclick: () => this.setLayout(n) }, `${n}`));
    bar.append(h('button', { class: 'btn small', i18n: 'wall.stopAll', onclick: () => this.clear() }));
    this.el = h('section', { class: 'video-wall', 'aria-label': 'video wall' }, bar, this.grid);
  }

  setLayout(n: Layout): void {
    this.layout = n;
    this.grid.className = `wall-grid layout-${n}`;
    this.el.querySelectorAll<HTMLElement>('[data-layout]').forEach((b) => b.classList.toggle('active', b.dataset.layout === String(n)));
    // fewer panes than streams: the oldest go
    while (this.panes.length > n) this.panes.shift()?.close();
  }

  /** Plays one camera (already on the wall: kept). Grows the layout up to 9, then replaces the oldest pane. */
  play(cam: PlayableCamera): void {
    if (this.panes.some((p) => p.camera.id === cam.id)) return;
    if (this.panes.length >= this.layout) {
      const next = LAYOUTS.find((n) => n > this.panes.length);
      if (next) this.setLayout(next);
      else this.panes.shift()?.close();
    }
    const pane = new StreamPane(cam, { profile: this.layout === 1 ? 'main' : 'sub', realtime: this.opts.realtime, ptz: this.opts.ptz, onClose: (p) => this.remove(p) });
    this.panes.push(pane);
    this.grid.append(pane.el);
    void pane.start();
    this.opts.onChange?.();
  }

  /** Replaces the wall with up to 9 cameras, choosing the smallest layout that fits. */
  playAll(cams: PlayableCamera[]): void {
    this.clear(false);
    const list = cams.slice(0, 9);
    this.setLayout(LAYOUTS.find((n) => n >= list.length) ?? 9);
    for (const c of list) this.play(c);
  }

  private remove(p: StreamPane): void {
    const i = this.panes.indexOf(p);
    if (i >= 0) this.panes.splice(i, 1);
    p.close();
    this.opts.onChange?.();
    if (this.panes.length === 0) this.opts.onEmpty();
  }

  clear(notify = true): void {
    for (const p of this.panes.splice(0)) p.close();
    this.opts.onChange?.();
    if (notify) this.opts.onEmpty();
  }

  get size(): number {
    return this.panes.length;
  }
}
