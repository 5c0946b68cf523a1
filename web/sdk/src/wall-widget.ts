// The embedded small wall: 1, 4 or 9 players in a grid, one of them selected (outlined); a camera played on the wall
// (a map click, play()) goes to the selected pane, and the selection moves on to the next pane.
import { h } from '../../src/core/dom';
import type { Connection } from './connection';
import { PlayerWidget } from './player-widget';

export type WallLayout = 1 | 4 | 9;
export const WALL_LAYOUTS: readonly WallLayout[] = [1, 4, 9];

export class WallWidget {
  readonly el: HTMLElement;
  private panes: PlayerWidget[] = [];
  private selected = 0;
  private closed = false;

  constructor(
    private readonly conn: Connection,
    layout: WallLayout = 4,
  ) {
    this.el = h('div', { class: 'ce-wall' });
    this.setLayout(layout);
  }

  get layout(): WallLayout {
    return this.panes.length as WallLayout;
  }

  /** The cameras of the panes, in order (null: an empty pane). */
  get cameras(): Array<string | null> {
    return this.panes.map((p) => p.camera);
  }

  /** Whether `o` is this wall or one of its panes (the source of an event). */
  owns(o: unknown): boolean {
    return o === this || this.panes.some((p) => p === o);
  }

  /** Changes the grid; panes beyond the new size are stopped, the others keep playing. */
  setLayout(n: WallLayout): void {
    if (!WALL_LAYOUTS.includes(n)) throw new RangeError(`cloudeye: a wall has 1, 4 or 9 panes, not ${String(n)}`);
    // closed while still panes of the wall: their `stopped` states are told as the wall's
    for (const p of this.panes.slice(n)) p.close();
    this.panes.length = Math.min(this.panes.length, n);
    while (this.panes.length < n) this.panes.push(this.pane(this.panes.length));
    this.el.dataset.layout = String(n);
    this.select(this.selected < n ? this.selected : 0);
  }

  /** Plays camera `id` in pane `index` (0-based), or in the selected pane; the selection then moves on. */
  play(id: string, index?: number): Promise<void> {
    const i = index ?? this.selected;
    const pane = this.panes[i];
    if (!pane) return Promise.reject(new RangeError(`cloudeye: the wall has no pane ${i}`));
    this.select((i + 1) % this.panes.length);
    return pane.play(id);
  }

  /** Plays the cameras in the panes from the first on (as many as there are panes). */
  async playAll(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.slice(0, this.panes.length).map((id, i) => this.panes[i]!.play(id)));
    this.select(Math.min(ids.length, this.panes.length) % this.panes.length);
  }

  /** Stops pane `index`, or every pane. */
  stop(index?: number): void {
    for (const [i, p] of this.panes.entries()) if (index === undefined || i === index) p.stop();
  }

  /** Removes the wall; every stream is closed. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.panes.splice(0)) p.close();
    this.el.remove();
  }

  private pane(i: number): PlayerWidget {
    const p = new PlayerWidget(this.conn);
    p.el.dataset.pane = String(i);
    p.el.addEventListener('click', () => this.select(this.panes.indexOf(p)));
    this.el.append(p.el);
    return p;
  }

  private select(i: number): void {
    this.selected = Math.max(0, i);
    for (const [j, p] of this.panes.entries()) p.el.classList.toggle('ce-selected', j === this.selected);
  }
}
