// Wall layout geometry: pane counts, rectangles tiling the grid without overlap, custom layouts, unknown names.
import assert from 'node:assert/strict';
import { FIXED_LAYOUTS, paneBox, paneCount, paneGridArea, wallLayout } from '../../gis/wall-layout';

/** Every cell of the layout's grid is covered by exactly one pane. */
function assertTiles(id: string): void {
  const l = wallLayout(id)!;
  const cover = Array.from({ length: l.grid * l.grid }, () => 0);
  for (const p of l.panes)
    for (let r = p.row; r < p.row + p.rows; r++)
      for (let c = p.col; c < p.col + p.cols; c++) {
        assert.ok(r < l.grid && c < l.grid, `${id}: pane outside the grid`);
        cover[r * l.grid + c]!++;
      }
  assert.deepEqual(
    cover,
    cover.map(() => 1),
    `${id} tiles its grid`,
  );
}

describe('wall layouts', () => {
  const counts: Array<[string, number, number]> = [
    ['1', 1, 1],
    ['4', 4, 2],
    ['6', 6, 3],
    ['8', 8, 4],
    ['9', 9, 3],
    ['16', 16, 4],
    ['L3-2', 6, 3],
    ['L4-2', 13, 4],
    ['L5-3', 17, 5],
    ['L6-4', 21, 6],
  ];
  for (const [id, n, grid] of counts)
    it(`${id}: ${n} panes on a ${grid}×${grid} grid, tiling it`, () => {
      assert.equal(paneCount(id), n);
      assert.equal(wallLayout(id)!.grid, grid);
      assertTiles(id);
    });

  it('the fixed layouts are the pane counts the console offers', () => {
    assert.deepEqual(
      FIXED_LAYOUTS.map((id) => paneCount(id)),
      [1, 4, 6, 8, 9, 16],
    );
  });

  it('a custom layout puts one large pane first, at the top left, the small ones row by row', () => {
    const l = wallLayout('L4-2')!;
    assert.deepEqual(l.panes[0], { col: 0, row: 0, cols: 2, rows: 2 });
    assert.deepEqual(l.panes[1], { col: 2, row: 0, cols: 1, rows: 1 });
    assert.deepEqual(l.panes[3], { col: 2, row: 1, cols: 1, rows: 1 });
    assert.deepEqual(l.panes[5], { col: 0, row: 2, cols: 1, rows: 1 });
    assert.deepEqual(paneBox(l, 0), { x: 0, y: 0, w: 0.5, h: 0.5 });
    assert.equal(paneBox(l, 13), null);
    assert.equal(paneGridArea(l.panes[0]!), '1 / 1 / span 2 / span 2');
  });

  for (const bad of ['', '0', '2', '5', '25', 'L1-1', 'L7-2', 'L4-1', 'L4-4', 'L4-5', 'l4-2', 'L4-2 ', '4x4'])
    it(`"${bad}" is no layout`, () => {
      assert.equal(wallLayout(bad), null);
      assert.equal(paneCount(bad), null);
    });
});
