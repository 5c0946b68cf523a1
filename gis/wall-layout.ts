// Wall layouts: the pane rectangles of the 1, 4, 6, 8, 9 and 16-pane layouts and of custom ones (one large pane and
// small ones around it), in cells of a square grid. Pure plane geometry shared by the gateway and the console.

/** The fixed layouts, by pane count. */
export const FIXED_LAYOUTS = ['1', '4', '6', '8', '9', '16'] as const;

/** A custom layout: `L<grid>-<span>`, a grid×grid square whose top-left span×span cells are one large pane. */
const CUSTOM = /^L([2-6])-([1-5])$/;

/** One pane: its top-left cell and its size in cells (0-based, within the layout's grid). */
export interface PaneRect {
  col: number;
  row: number;
  cols: number;
  rows: number;
}

export interface WallLayout {
  id: string;
  /** Cells per side of the square grid. */
  grid: number;
  /** Panes in order (pane 0 is the large one of a custom layout). */
  panes: PaneRect[];
}

const ALIAS: Record<string, [grid: number, span: number]> = {
  '1': [1, 1],
  '4': [2, 1],
  '6': [3, 2],
  '8': [4, 3],
  '9': [3, 1],
  '16': [4, 1],
};

/** Panes of a grid×grid square whose first pane covers span×span cells at the top left; the rest, row by row. */
function build(id: string, grid: number, span: number): WallLayout {
  const panes: PaneRect[] = [{ col: 0, row: 0, cols: span, rows: span }];
  for (let row = 0; row < grid; row++)
    for (let col = 0; col < grid; col++) {
      if (row < span && col < span) continue;
      panes.push({ col, row, cols: 1, rows: 1 });
    }
  return { id, grid, panes };
}

/** The layout named `id` ('1' … '16', or 'L<grid>-<span>' with 2 ≤ grid ≤ 6, 2 ≤ span < grid); null when unknown. */
export function wallLayout(id: string): WallLayout | null {
  const fixed = ALIAS[id];
  if (fixed) return build(id, fixed[0], fixed[1]);
  const m = CUSTOM.exec(id);
  if (!m) return null;
  const grid = Number(m[1]),
    span = Number(m[2]);
  if (span < 2 || span >= grid) return null;
  return build(id, grid, span);
}

/** Number of panes of layout `id`; null when unknown. */
export function paneCount(id: string): number | null {
  return wallLayout(id)?.panes.length ?? null;
}

/** A pane as fractions of the screen (0..1): left, top, width, height. */
export function paneBox(layout: WallLayout, pane: number): { x: number; y: number; w: number; h: number } | null {
  const p = layout.panes[pane];
  if (!p) return null;
  const g = layout.grid;
  return { x: p.col / g, y: p.row / g, w: p.cols / g, h: p.rows / g };
}

/** CSS grid placement of a pane (1-based lines) for a `grid-template` of layout.grid equal columns and rows. */
export function paneGridArea(p: PaneRect): string {
  return `${p.row + 1} / ${p.col + 1} / span ${p.rows} / span ${p.cols}`;
}
