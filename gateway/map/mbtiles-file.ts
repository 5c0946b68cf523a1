// One MBTiles file (SQLite, MBTiles 1.3) opened read-only: its metadata and its tiles by XYZ address (TMS rows flipped).
import Database from 'better-sqlite3';

/** A file that cannot be served: missing, not SQLite, or not MBTiles. The message names the file. */
export class MbtilesError extends Error {
  override name = 'MbtilesError';
}

export type TileFormat = 'png' | 'jpg' | 'webp' | 'pbf';

/** Media type of each tile format (MBTiles 1.3 "format"). */
export const TILE_CONTENT_TYPE: Record<TileFormat, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  pbf: 'application/x-protobuf',
};

/** Format names and media types that MBTiles files write in their metadata, by the format they mean. */
const FORMAT_NAMES: Record<string, TileFormat> = {
  png: 'png',
  'image/png': 'png',
  jpg: 'jpg',
  jpeg: 'jpg',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  webp: 'webp',
  'image/webp': 'webp',
  pbf: 'pbf',
  mvt: 'pbf',
  'application/x-protobuf': 'pbf',
  'application/vnd.mapbox-vector-tile': 'pbf',
};

export interface Tile {
  data: Buffer;
  contentType: string;
  /** "gzip" for gzip-compressed vector tiles (as the MBTiles spec recommends), else absent. */
  contentEncoding?: 'gzip';
}

/** The format a tile's first bytes show, or null when none of the known ones. */
export function sniffFormat(data: Uint8Array): TileFormat | null {
  if (data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpg';
  if (
    Buffer.from(data.subarray(0, 4)).toString('latin1') === 'RIFF' &&
    Buffer.from(data.subarray(8, 12)).toString('latin1') === 'WEBP'
  )
    return 'webp';
  if (data[0] === 0x1f && data[1] === 0x8b) return 'pbf';
  return null;
}

export class MbtilesFile {
  readonly format: TileFormat;
  readonly minZoom: number;
  readonly maxZoom: number;
  /** The metadata's attribution as plain text (tags removed: it is shown in the console). */
  readonly attribution: string;
  readonly metadata: Readonly<Record<string, string>>;
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[number, number, number], { tile_data: Buffer }>;

  private constructor(readonly file: string) {
    const fail = (what: string, err?: unknown): MbtilesError =>
      new MbtilesError(
        `mbtiles: ${file}: ${what}${err ? `: ${err instanceof Error ? err.message : String(err)}` : ''}`,
      );
    try {
      // read-only: the gateway never writes a map file, whoever else may own it
      this.db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (err) {
      throw fail('cannot open', err);
    }
    try {
      const tables = new Set(
        this.db
          .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
          .all()
          .map((r) => r.name),
      );
      if (!tables.has('tiles')) throw fail('has no tiles table (not an MBTiles file)');
      if (!tables.has('metadata')) throw fail('has no metadata table (not an MBTiles file)');
      this.select = this.db.prepare(
        'SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?',
      );
      const meta: Record<string, string> = {};
      for (const r of this.db
        .prepare<[], { name: unknown; value: unknown }>('SELECT name, value FROM metadata')
        .all()) {
        if (typeof r.name === 'string' && r.value != null) meta[r.name] = String(r.value);
      }
      this.metadata = meta;
      this.format = this.readFormat(meta, fail);
      const range = this.db
        .prepare<[], { lo: number | null; hi: number | null }>(
          'SELECT MIN(zoom_level) AS lo, MAX(zoom_level) AS hi FROM tiles',
        )
        .get();
      const zoom = (v: string | undefined, fallback: number | null | undefined): number => {
        const n = v !== undefined && /^\d{1,2}$/.test(v.trim()) ? Number(v) : fallback;
        return n == null ? 0 : Math.max(0, Math.min(30, n));
      };
      this.minZoom = zoom(meta.minzoom, range?.lo);
      this.maxZoom = zoom(meta.maxzoom, range?.hi);
      if (this.minZoom > this.maxZoom) throw fail(`metadata minzoom ${this.minZoom} is above maxzoom ${this.maxZoom}`);
      this.attribution = (meta.attribution ?? '').replace(/<[^>]*>/g, '').trim();
    } catch (err) {
      this.db.close();
      // SQLITE_NOTADB and friends: a file that exists but is not a readable SQLite database
      throw err instanceof MbtilesError ? err : fail('is not a readable MBTiles (SQLite) file', err);
    }
  }

  /** Opens a file read-only and checks it is MBTiles. Throws MbtilesError naming the file. */
  static open(file: string): MbtilesFile {
    return new MbtilesFile(file);
  }

  private readFormat(meta: Record<string, string>, fail: (what: string) => MbtilesError): TileFormat {
    const declared = meta.format?.trim().toLowerCase();
    if (declared) {
      const f = FORMAT_NAMES[declared];
      if (!f) throw fail(`metadata format "${meta.format}" is none of png, jpg, webp, pbf`);
      return f;
    }
    // older files may lack the format: the first tile tells
    const first = this.db.prepare<[], { tile_data: Buffer }>('SELECT tile_data FROM tiles LIMIT 1').get();
    const f = first ? sniffFormat(first.tile_data) : null;
    if (!f) throw fail('metadata has no format and the tiles are none of png, jpg, webp, pbf');
    return f;
  }

  /**
   * The tile at an XYZ address (row 0 at the top, as Leaflet asks), or null when the file has none.
   * MBTiles stores TMS rows (row 0 at the bottom): row = 2^z - 1 - y.
   */
  tile(z: number, x: number, y: number): Tile | null {
    const n = 2 ** z;
    if (
      !Number.isInteger(z) ||
      !Number.isInteger(x) ||
      !Number.isInteger(y) ||
      z < 0 ||
      z > 30 ||
      x < 0 ||
      y < 0 ||
      x >= n ||
      y >= n
    )
      return null;
    const row = this.select.get(z, x, n - 1 - y);
    if (!row) return null;
    const data = row.tile_data;
    const tile: Tile = { data, contentType: TILE_CONTENT_TYPE[this.format] };
    if (this.format === 'pbf' && data[0] === 0x1f && data[1] === 0x8b) tile.contentEncoding = 'gzip';
    return tile;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
