// Equal-count lng/lat cell grid over the packed cameras: slots sorted by cell, so a row of cells is one slot range.

// Lower bounds shrink a hair so float error never prunes a true hit.
const SLACK = 1 - 1e-9;
const ABS_SLACK = 1e-21;
const HALF_RAD = Math.PI / 360;
const RAD = Math.PI / 180;
/** Points sampled to place the column and row edges. */
const SAMPLE = 1 << 16;
/** Lookup bins per column (row) in BandLookup. */
const LUT_PER_BAND = 4;

/** Lower bound of sin²(x) for 0 <= x <= π/2 without trigonometry (sin x >= x - x³/6). */
function sin2Low(x: number): number {
  const s = x - (x * x * x) / 6;
  return s * s;
}

/** Lower bound of the haversine term for a latitude difference of at least `dLat` degrees. */
function latBound(dLat: number): number {
  return dLat <= 0 ? 0 : sin2Low(dLat * HALF_RAD) * SLACK - ABS_SLACK;
}

/** How many of edges[1..len-1] are <= v: the column (row) of v. Binary search. */
function band(edges: Float64Array, v: number): number {
  let lo = 1,
    hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * band() in O(1) for well-spread edges: a table of LUT_PER_BAND × bands uniform bins from `min` to
 * `max` gives the band of each bin's start, then a short walk settles v (binary search if it is long).
 */
class BandLookup {
  private readonly table: Int32Array;
  private readonly scale: number;

  constructor(
    private readonly edges: Float64Array,
    private readonly min: number,
    max: number,
  ) {
    const bins = Math.max(1, edges.length * LUT_PER_BAND);
    this.scale = max > min ? bins / (max - min) : 0;
    this.table = new Int32Array(bins);
    for (let b = 0; b < bins; b++) this.table[b] = band(edges, this.scale > 0 ? min + b / this.scale : min);
  }

  of(v: number): number {
    const edges = this.edges,
      last = edges.length - 1;
    let b = Math.floor((v - this.min) * this.scale);
    b = b < 0 ? 0 : b >= this.table.length ? this.table.length - 1 : b;
    let x = this.table[b] as number;
    for (let steps = 0; ; steps++) {
      if (steps === 8) return band(edges, v);
      if (x > 0 && (edges[x] as number) > v) x--;
      else if (x < last && (edges[x + 1] as number) <= v) x++;
      else return x;
    }
  }
}

/**
 * `nx` columns × `ny` rows, row-major: the slots of cell c = y·nx + x are [start[c], start[c + 1]).
 * Column x holds the points with colEdges[x] <= lng < colEdges[x + 1] (the first and last columns
 * are open-ended), rows likewise on latitude. Edges sit at sampled quantiles, so cells hold about
 * the same number of points wherever the cameras cluster.
 */
export class CellGrid {
  readonly nx: number;
  readonly ny: number;
  /** cos lower bound over the points' latitudes (for longitude-side distance bounds). */
  private readonly cosLow: number;
  private readonly cols: BandLookup;
  private readonly rows: BandLookup;

  constructor(
    readonly colEdges: Float64Array,
    readonly rowEdges: Float64Array,
    readonly start: Int32Array,
    /** Bounding box of the points (degrees). */
    readonly w: number,
    readonly s: number,
    readonly e: number,
    readonly n: number,
  ) {
    this.nx = colEdges.length;
    this.ny = rowEdges.length;
    const far = Math.max(Math.abs(s), Math.abs(n)) * RAD;
    this.cosLow = Math.max(0, 1 - (far * far) / 2);
    this.cols = new BandLookup(colEdges, w, e);
    this.rows = new BandLookup(rowEdges, s, n);
  }

  col(lng: number): number {
    return this.cols.of(lng);
  }

  row(lat: number): number {
    return this.rows.of(lat);
  }

  /**
   * Trig-free lower bound of the haversine term from (lng, lat) to any point in the columns left of
   * `x0` (`cosLat` = cos of the query latitude); Infinity when there are none.
   */
  westBound(lng: number, cosLat: number, x0: number): number {
    if (x0 <= 0) return Infinity;
    return this.lngBound(cosLat, Math.min(lng - (this.colEdges[x0] as number), 360 - (lng - this.w)));
  }

  /** As westBound, for the columns right of `x1`. */
  eastBound(lng: number, cosLat: number, x1: number): number {
    if (x1 >= this.nx - 1) return Infinity;
    return this.lngBound(cosLat, Math.min((this.colEdges[x1 + 1] as number) - lng, 360 - (this.e - lng)));
  }

  /** As westBound, for the rows below `y0`. */
  southBound(lat: number, y0: number): number {
    return y0 <= 0 ? Infinity : latBound(lat - (this.rowEdges[y0] as number));
  }

  /** As westBound, for the rows above `y1`. */
  northBound(lat: number, y1: number): number {
    return y1 >= this.ny - 1 ? Infinity : latBound((this.rowEdges[y1 + 1] as number) - lat);
  }

  /** hav >= cos(lat_q) · cos(lat_p) · sin²(Δlng / 2), with Δlng the shorter way round (<= 180°). */
  private lngBound(cosLat: number, dLng: number): number {
    if (dLng <= 0) return 0;
    return cosLat * this.cosLow * sin2Low(Math.min(dLng, 180) * HALF_RAD) * SLACK - ABS_SLACK;
  }
}

/** Up to `parts - 1` distinct interior quantile edges of `values[0..n)`, from a strided sample. */
function quantileEdges(values: Float64Array, n: number, parts: number): Float64Array {
  const m = Math.min(n, SAMPLE);
  const sample = new Float64Array(m);
  for (let i = 0; i < m; i++) sample[i] = values[Math.floor((i * n) / m)] as number;
  sample.sort();
  const edges = [-Infinity];
  for (let k = 1; k < parts; k++) {
    const v = sample[Math.floor((k * m) / parts)] as number;
    if (v > (edges[edges.length - 1] as number)) edges.push(v);
  }
  return Float64Array.from(edges);
}

/** Items of work between two yields of a stepped build: a few milliseconds on a slow core. */
export const SLICE = 1 << 15;

/**
 * Plans a grid of about `n / perCell` cells over points [0, n) and returns it with `rank`: the
 * position of each point in cell order (stable counting sort, O(n)). Columns are placed first;
 * rows get whatever cell budget columns could not use (e.g. cameras along one meridian).
 * A generator that yields every SLICE points, so a caller can spread the work over many ticks.
 */
export function* buildGridSteps(
  lngs: Float64Array,
  lats: Float64Array,
  n: number,
  perCell: number,
): Generator<void, { grid: CellGrid; rank: Int32Array }> {
  const [w, s, e, no] = bounds(lngs, lats, n);
  yield;
  const cells = Math.max(1, Math.min(1 << 22, Math.round(n / perCell)));
  const colEdges = quantileEdges(lngs, n, Math.max(1, Math.round(Math.sqrt(cells))));
  yield;
  const rowEdges = quantileEdges(lats, n, Math.max(1, Math.round(cells / colEdges.length)));
  const nx = colEdges.length,
    ny = rowEdges.length;
  const start = new Int32Array(nx * ny + 1);
  const grid = new CellGrid(colEdges, rowEdges, start, w, s, e, no);
  yield;
  const rank = new Int32Array(n);
  yield;
  // the loops run in plain functions, one call per slice (see CameraStore.readSlice)
  for (let i0 = 0; i0 < n; i0 += SLICE) {
    countCells(grid, lngs, lats, i0, Math.min(n, i0 + SLICE), rank, start);
    yield;
  }
  for (let c = 0; c < nx * ny; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const next = start.slice(0, nx * ny);
  for (let i0 = 0; i0 < n; i0 += SLICE) {
    rankSlice(rank, next, i0, Math.min(n, i0 + SLICE));
    yield;
  }
  return { grid, rank };
}

/** The bounding box [w, s, e, n] of the first n points. */
function bounds(lngs: Float64Array, lats: Float64Array, n: number): [number, number, number, number] {
  let w = Infinity,
    s = Infinity,
    e = -Infinity,
    no = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = lngs[i] as number,
      y = lats[i] as number;
    if (x < w) w = x;
    if (x > e) e = x;
    if (y < s) s = y;
    if (y > no) no = y;
  }
  return [w, s, e, no];
}

/** Writes the cell of points [i0, i1) to rank[] and counts them in start[cell + 1]. */
function countCells(
  grid: CellGrid,
  lngs: Float64Array,
  lats: Float64Array,
  i0: number,
  i1: number,
  rank: Int32Array,
  start: Int32Array,
): void {
  const nx = grid.nx;
  for (let i = i0; i < i1; i++) {
    const c = grid.row(lats[i] as number) * nx + grid.col(lngs[i] as number);
    rank[i] = c;
    start[c + 1] = (start[c + 1] as number) + 1;
  }
}

/** Turns the cells of points [i0, i1) into their slots: the next free slot of each cell. */
function rankSlice(rank: Int32Array, next: Int32Array, i0: number, i1: number): void {
  for (let i = i0; i < i1; i++) {
    const c = rank[i] as number;
    rank[i] = next[c] as number;
    next[c] = (next[c] as number) + 1;
  }
}
