// A wall screen's panes: its layout (gis/wall-layout.ts) as a CSS grid, a live pane (video/stream-pane.ts) per camera.
import { paneGridArea, wallLayout, type PaneRect } from '../../../gis/wall-layout';
import type { Screen } from '../../../gateway/wall/wall-model';
import { h, label } from '../core/dom';
import type { Realtime } from '../core/realtime';
import { StreamPane } from '../video/stream-pane';

/** A pane covering at least a quarter of the screen plays the main stream; smaller ones the sub stream. */
function profileOf(p: PaneRect, grid: number): 'main' | 'sub' {
  return (p.cols * p.rows) / (grid * grid) >= 0.25 ? 'main' : 'sub';
}

interface Cell {
  el: HTMLElement;
  /** The camera shown (null: empty; undefined: nothing drawn yet). */
  cameraId: string | null | undefined;
  profile: 'main' | 'sub' | null;
  pane: StreamPane | null;
}

export class ScreenGrid {
  readonly el: HTMLElement = h('div', { class: 'screen-grid' });
  private cells: Cell[] = [];

  constructor(private readonly realtime: Realtime) {}

  /**
   * Shows a screen's state. Cells keep their element per pane index and are only re-placed when the layout changes;
   * a pane whose camera (and stream profile) is unchanged keeps playing.
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
        this.el.append(cell.el);
      }
      cell.el.style.gridArea = paneGridArea(rect);
      const want = s.panes[i]?.cameraId ?? null;
      const profile = profileOf(rect, layout.grid);
      if (cell.cameraId === want && (want === null || cell.profile === profile)) return;
      cell.pane?.close();
      cell.pane = null;
      cell.cameraId = want;
      cell.profile = want ? profile : null;
      cell.el.dataset.cameraId = want ?? '';
      if (!want) {
        cell.el.replaceChildren(
          h('span', { class: 'screen-pane-empty' }, `${i + 1} `, label(h('span'), 'screen.empty')),
        );
        return;
      }
      const pane = new StreamPane(
        { id: want, name: s.panes[i]?.cameraName ?? want },
        { profile, realtime: this.realtime, ptz: false, playback: null, onClose: () => undefined },
      );
      cell.pane = pane;
      cell.el.replaceChildren(pane.el);
      void pane.start();
    });
  }

  private drop(cell: Cell): void {
    cell.pane?.close();
    cell.el.remove();
  }

  /** Stops every pane. */
  close(): void {
    for (const c of this.cells.splice(0)) this.drop(c);
  }
}
