// The video wall: 1/4/9 panes side by side; plays one camera or a whole list, keeps what a smaller layout hides.
import type { PlayableCamera } from '../core/context';
import { h, label } from '../core/dom';
import type { Realtime } from '../core/realtime';
import { StreamPane } from './stream-pane';
import { toggleFullscreen } from './fullscreen';
import { SyncClock } from './sync-clock';
import { paneGridArea, wallLayout } from '../../../gis/wall-layout';

const LAYOUTS = [1, 4, 9] as const;
type Layout = (typeof LAYOUTS)[number];
const MAX_PANES: Layout = 9;

export class VideoWall {
  readonly el: HTMLElement;
  private readonly grid: HTMLElement;
  /** The wall's cameras in pane order (at most 9): the first `layout` play, the rest wait for a larger layout. */
  private readonly cams: PlayableCamera[] = [];
  /** Playing panes by camera id (only cameras within the layout have one). */
  private readonly panes = new Map<string, StreamPane>();
  private layout: Layout = 1;
  /** One clock for the panes' playback when "sync playback" is on. */
  private readonly clock = new SyncClock();

  constructor(
    private readonly opts: {
      realtime: Realtime;
      ptz: boolean;
      /** The role may play recorded footage back / export clips of it. */
      playback?: boolean;
      exports?: boolean;
      onEmpty: () => void;
      onChange?: () => void;
    },
  ) {
    this.grid = h('div', { class: 'wall-grid layout-1' });
    const bar = h('div', { class: 'wall-bar' }, label(h('strong'), 'wall.title'));
    for (const n of LAYOUTS)
      bar.append(h('button', { class: 'btn small', 'data-layout': n, onclick: () => this.setLayout(n) }, `${n}`));
    bar.append(
      h('button', {
        class: 'btn small wall-fullscreen',
        i18n: 'wall.fullscreen',
        'i18n-title': 'wall.fullscreenHint',
        onclick: () => this.fullscreen(),
      }),
      h('button', { class: 'btn small', i18n: 'wall.stopAll', onclick: () => this.clear() }),
    );
    if (opts.playback) {
      const sync = h('button', {
        class: 'btn small wall-sync',
        i18n: 'playback.sync',
        'i18n-title': 'playback.syncHint',
      });
      sync.onclick = () => this.clock.setEnabled(!this.clock.enabled);
      this.clock.onChange((on) => sync.classList.toggle('active', on));
      bar.insertBefore(sync, bar.querySelector('.wall-fullscreen'));
    }
    this.el = h('section', { class: 'video-wall', 'aria-label': 'video wall' }, bar, this.grid);
  }

  /** Toggles the whole wall fullscreen (Esc leaves). */
  fullscreen(): void {
    toggleFullscreen(this.el);
  }

  /** Shows `n` panes; cameras beyond `n` stop playing but stay on the wall and play again when the layout grows. */
  setLayout(n: Layout): void {
    this.layout = n;
    this.grid.className = `wall-grid layout-${n}`;
    this.el
      .querySelectorAll<HTMLElement>('[data-layout]')
      .forEach((b) => b.classList.toggle('active', b.dataset.layout === String(n)));
    this.sync();
  }

  /** Places the playing panes, in wall order, on the cells of the layout's geometry (gis/wall-layout.ts, as on the wall screens). */
  private place(): void {
    const geometry = wallLayout(String(this.layout));
    if (!geometry) return;
    this.grid.style.gridTemplate = `repeat(${geometry.grid}, 1fr) / repeat(${geometry.grid}, 1fr)`;
    this.cams.slice(0, this.layout).forEach((c, i) => {
      const el = this.panes.get(c.id)?.el;
      const rect = geometry.panes[i];
      if (el && rect) el.style.gridArea = paneGridArea(rect);
    });
  }

  /** Plays one camera (already playing: kept). Grows the layout up to 9, then replaces the oldest pane. */
  play(cam: PlayableCamera): void {
    const at = this.cams.findIndex((c) => c.id === cam.id);
    if (at >= 0 && at < this.layout) return;
    if (at >= 0) this.cams.splice(at, 1);
    let shown = Math.min(this.cams.length, this.layout);
    if (shown >= this.layout) {
      const next = LAYOUTS.find((n) => n > shown);
      if (next) this.layout = next;
      else {
        this.cams.shift();
        shown--;
      }
    }
    // right after the playing cameras, ahead of those a smaller layout had set aside
    this.cams.splice(shown, 0, cam);
    this.cams.splice(MAX_PANES);
    this.setLayout(this.layout);
  }

  /** Replaces the wall with up to 9 cameras, choosing the smallest layout that fits. */
  playAll(cams: PlayableCamera[]): void {
    this.clear(false);
    const list = cams.slice(0, MAX_PANES);
    this.cams.push(...list);
    this.setLayout(LAYOUTS.find((n) => n >= list.length) ?? MAX_PANES);
  }

  /** Starts a pane for every camera within the layout (in wall order) and stops the others. */
  private sync(): void {
    const keep = new Set(this.cams.slice(0, this.layout).map((c) => c.id));
    for (const [id, pane] of this.panes) {
      if (keep.has(id)) continue;
      this.panes.delete(id);
      pane.close();
    }
    let before: Element | null = null;
    for (const cam of this.cams.slice(0, this.layout).reverse()) {
      let pane = this.panes.get(cam.id);
      if (!pane) {
        const profile = this.layout === 1 ? 'main' : 'sub';
        pane = new StreamPane(cam, {
          profile,
          realtime: this.opts.realtime,
          ptz: this.opts.ptz,
          playback: this.opts.playback ? { sync: this.clock, canExport: this.opts.exports === true } : null,
          onClose: (p) => this.remove(p),
        });
        this.panes.set(cam.id, pane);
        // inserted, never moved: moving a playing <video> in the document would disturb it
        this.grid.insertBefore(pane.el, before);
        void pane.start();
      }
      before = pane.el;
    }
    this.place();
    this.opts.onChange?.();
  }

  private remove(p: StreamPane): void {
    const i = this.cams.findIndex((c) => c.id === p.camera.id);
    if (i >= 0) this.cams.splice(i, 1);
    this.panes.delete(p.camera.id);
    p.close();
    this.sync();
    if (this.panes.size === 0) this.opts.onEmpty();
  }

  clear(notify = true): void {
    this.cams.splice(0);
    for (const p of this.panes.values()) p.close();
    this.panes.clear();
    this.opts.onChange?.();
    if (notify) this.opts.onEmpty();
  }

  /** Panes playing now. */
  get size(): number {
    return this.panes.size;
  }
}
