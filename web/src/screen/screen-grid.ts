// A wall screen's panes: its layout (gis/wall-layout.ts) as a CSS grid, a live pane (video/stream-pane.ts) per camera.
// A tour's next step, announced once the gateway has started its streams, is played hidden ahead of its turn and
// swapped in when it comes, so the screen shows moving video at once.
import { paneGridArea, wallLayout, type PaneRect } from '../../../gis/wall-layout';
import type { Screen } from '../../../gateway/wall/wall-model';
import { h, label } from '../core/dom';
import type { Realtime } from '../core/realtime';
import { StreamPane } from '../video/stream-pane';

type Profile = 'main' | 'sub';

/** A pane covering at least a quarter of the screen plays the main stream; smaller ones the sub stream. */
function profileOf(p: PaneRect, grid: number): Profile {
  return (p.cols * p.rows) / (grid * grid) >= 0.25 ? 'main' : 'sub';
}

interface Cell {
  el: HTMLElement;
  /** The camera shown (null: empty; undefined: nothing drawn yet). */
  cameraId: string | null | undefined;
  profile: Profile | null;
  pane: StreamPane | null;
}

const keyOf = (cameraId: string, profile: Profile): string => `${cameraId}:${profile}`;

export class ScreenGrid {
  readonly el: HTMLElement = h('div', { class: 'screen-grid' });
  private cells: Cell[] = [];
  /** Where the next step's panes play, unseen (inside the viewport, so they are not paused as hidden panes are). */
  private readonly nextEl: HTMLElement = h('div', { class: 'screen-next', 'aria-hidden': 'true' });
  /** Panes playing ahead of their turn, by camera and profile. */
  private readonly ready = new Map<string, StreamPane>();

  constructor(private readonly realtime: Realtime) {
    this.el.append(this.nextEl);
  }

  private newPane(cameraId: string, name: string, profile: Profile): StreamPane {
    const pane = new StreamPane(
      { id: cameraId, name },
      { profile, realtime: this.realtime, ptz: false, playback: null, onClose: () => undefined },
    );
    void pane.start();
    return pane;
  }

  /**
   * Shows a screen's state. Cells keep their element per pane index and are only re-placed when the layout changes;
   * a pane whose camera (and stream profile) is unchanged keeps playing; a camera that was playing ahead of its turn
   * is moved in as it plays, and the pane it replaces is closed only then.
   */
  show(s: Screen): void {
    const layout = wallLayout(s.layout);
    if (!layout) return;
    this.el.dataset.layout = s.layout;
    this.el.style.gridTemplate = `repeat(${layout.grid}, 1fr) / repeat(${layout.grid}, 1fr)`;
    while (this.cells.length > layout.panes.length) this.drop(this.cells.pop()!);
    layout.panes.forEach((rect, i) => {
      let cell = this.cells[i];
      if (!cell) {
        cell = {
          el: h('div', { class: 'screen-pane', 'data-pane': i }),
          cameraId: undefined,
          profile: null,
          pane: null,
        };
        this.cells.push(cell);
        this.el.insertBefore(cell.el, this.nextEl);
      }
      cell.el.style.gridArea = paneGridArea(rect);
      const want = s.panes[i]?.cameraId ?? null;
      const profile = profileOf(rect, layout.grid);
      if (cell.cameraId === want && (want === null || cell.profile === profile)) return;
      const old = cell.pane;
      cell.pane = null;
      cell.cameraId = want;
      cell.profile = want ? profile : null;
      cell.el.dataset.cameraId = want ?? '';
      if (!want) {
        old?.close();
        for (const c of [...cell.el.children]) if (!c.classList.contains('screen-pane-next')) c.remove();
        cell.el.append(h('span', { class: 'screen-pane-empty' }, `${i + 1} `, label(h('span'), 'screen.empty')));
        return;
      }
      const key = keyOf(want, profile);
      const ready = this.ready.get(key);
      this.ready.delete(key);
      cell.pane = ready ?? this.newPane(want, s.panes[i]?.cameraName ?? want, profile);
      if (ready?.el.parentElement === cell.el) {
        // it played under this pane: shown where it is (a moved video stutters while it is laid out again)
        ready.el.classList.remove('screen-pane-next');
        for (const c of [...cell.el.children])
          if (c !== ready.el && !c.classList.contains('screen-pane-next')) c.remove();
      } else {
        for (const c of [...cell.el.children]) if (!c.classList.contains('screen-pane-next')) c.remove();
        cell.el.append(cell.pane.el);
      }
      old?.close();
    });
    this.prepare(s);
  }

  /** Plays the next step's cameras hidden (those not on the screen already); drops panes no longer next. */
  private prepare(s: Screen): void {
    const want = new Map<string, { cameraId: string; name: string; profile: Profile; pane: number }>();
    const next = s.next ? wallLayout(s.next.layout) : null;
    if (s.next && next)
      next.panes.forEach((rect, i) => {
        const p = s.next!.panes[i];
        if (!p?.cameraId) return;
        const profile = profileOf(rect, next.grid);
        const shown = this.cells[i];
        if (shown?.cameraId === p.cameraId && shown.profile === profile) return;
        want.set(keyOf(p.cameraId, profile), {
          cameraId: p.cameraId,
          name: p.cameraName ?? p.cameraId,
          profile,
          pane: i,
        });
      });
    for (const [key, pane] of this.ready)
      if (!want.has(key)) {
        pane.close();
        this.ready.delete(key);
      }
    for (const [key, w] of want) {
      let pane = this.ready.get(key);
      if (pane?.el.isConnected) continue;
      if (!pane) {
        pane = this.newPane(w.cameraId, w.name, w.profile);
        this.ready.set(key, pane);
      }
      // under the pane it will replace when the layout stays, else over the whole screen (moved in at its turn)
      const cell = s.next!.layout === s.layout ? this.cells[w.pane] : undefined;
      pane.el.classList.toggle('screen-pane-next', cell !== undefined);
      (cell?.el ?? this.nextEl).append(pane.el);
    }
  }

  private drop(cell: Cell): void {
    cell.pane?.close();
    cell.el.remove();
  }

  /** Stops every pane. */
  close(): void {
    for (const c of this.cells.splice(0)) this.drop(c);
    for (const p of this.ready.values()) p.close();
    this.ready.clear();
  }
}
