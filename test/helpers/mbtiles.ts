// Writes real MBTiles 1.3 files (SQLite: metadata and tiles tables, TMS rows) for the map tile tests.
import Database from 'better-sqlite3';

export interface FixtureTile {
  z: number;
  x: number;
  /** TMS row as stored in the file (row 0 at the bottom). */
  row: number;
  data: Buffer;
}

/** Creates `file` with the given metadata (name/value) and tiles; overwrites nothing (fails if it exists). */
export function writeMbtiles(file: string, metadata: Record<string, string>, tiles: FixtureTile[]): void {
  const db = new Database(file, { fileMustExist: false });
  try {
    db.exec('CREATE TABLE metadata (name TEXT, value TEXT)');
    db.exec('CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)');
    db.exec('CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)');
    const meta = db.prepare('INSERT INTO metadata (name, value) VALUES (?, ?)');
    for (const [k, v] of Object.entries(metadata)) meta.run(k, v);
    const tile = db.prepare('INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (const t of tiles) tile.run(t.z, t.x, t.row, t.data);
    })();
  } finally {
    db.close();
  }
}

/** The XYZ row (row 0 at the top, as web maps ask) of a TMS row at zoom z, and back: the flip is its own inverse. */
export const flipRow = (z: number, row: number): number => 2 ** z - 1 - row;

/** The slippy-map tile (x, y at zoom z) that contains a WGS-84 point (Web Mercator). */
export function tileOf(lng: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return {
    x: Math.floor(((lng + 180) / 360) * n),
    y: Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n),
  };
}
