// The last steps of an index build: slots sorted into a fresh cell grid, records normalized, unit vectors computed.
import { SLICE, buildGridSteps, type CellGrid } from './cell-grid';
import type { IdSlots } from './id-slots';
import { normalizeSlice, scatter, unitVectors, type Packed } from './packed-columns';
import type { GisCamera } from './types';

/**
 * Sorts slots [0, n) into a fresh cell grid (the packed content), yielding every SLICE slots.
 * With `tags` (interned lists of new records), every record gets the index's own copy (see
 * normalize), allocated in grid order. Without (a compaction), the records it has are reused:
 * they are copies already, nearly all in grid order, and a million new objects would cost major
 * GC pauses of 0.1-0.4 s.
 */
export function* packSteps(
  perCell: number,
  cams: Array<GisCamera | undefined>,
  tags: string[][] | null,
  lngs: Float64Array,
  lats: Float64Array,
  depts: Int32Array,
  slotOf: IdSlots,
  n: number,
  maxRange: number,
): Generator<void, Packed> {
  let grid: CellGrid | null = null;
  if (n > 0) {
    // Renumber slots into grid order: neighbours in space become neighbours in memory. The
    // scatter reads the inputs in order and writes at random; only the record copy reads at random.
    const built = yield* buildGridSteps(lngs, lats, n, perCell);
    grid = built.grid;
    const rank = built.rank;
    const src: Array<GisCamera | undefined> = new Array(n);
    yield;
    const srcTags: string[][] | null = tags && new Array(n);
    if (tags) yield;
    const glng = new Float64Array(n),
      glat = new Float64Array(n),
      gdept = new Int32Array(n);
    for (let i0 = 0; i0 < n; i0 += SLICE) {
      scatter(
        rank,
        i0,
        Math.min(n, i0 + SLICE),
        cams,
        tags,
        lngs,
        lats,
        depts,
        src,
        srcTags,
        glng,
        glat,
        gdept,
        slotOf,
      );
      yield;
    }
    if (srcTags) {
      for (let r0 = 0; r0 < n; r0 += SLICE) {
        normalizeSlice(src, srcTags, r0, Math.min(n, r0 + SLICE));
        yield;
      }
    }
    cams = src;
    lngs = glng;
    lats = glat;
    depts = gdept;
  }
  const vecs = new Float64Array(n * 3);
  for (let i0 = 0; i0 < n; i0 += SLICE) {
    unitVectors(lngs, lats, i0, Math.min(n, i0 + SLICE), vecs);
    yield;
  }
  return { cams, lngs, lats, depts, vecs, slotOf, grid, n, maxRange };
}
