// Map tiles of the configured MBTiles layers: GET /map/tiles/{id}/{z}/{x}/{y}, read from the file, never from a path in the URL.
import { z } from 'zod';
import { queryNumber } from '../../contract';
import type { Tile } from '../../map/mbtiles-file';
import { NotFoundError } from '../../errors';
import { expressOf, type ApiRouter } from '../api-router';

/** Where tiles come from: a layer id and an XYZ address, nothing else reaches the file. */
export interface TileSource {
  tile(id: string, z: number, x: number, y: number): Tile | null;
}

const tileParams = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'a layer id is a-z, 0-9 and "-"'),
  z: queryNumber(z.number().int().min(0).max(30)),
  x: queryNumber(z.number().int().min(0)),
  y: queryNumber(z.number().int().min(0)),
});

export function registerMapRoutes(api: ApiRouter, tiles: TileSource): void {
  api.add({
    method: 'get',
    path: '/map/tiles/{id}/{z}/{x}/{y}',
    tag: 'meta',
    action: 'base-map-read',
    params: tileParams,
    produces: 'image/png',
    summary:
      'A tile of an offline MBTiles base layer (XYZ address, row 0 at the top): png, jpeg, webp or gzip protobuf ' +
      'as the file holds; 404 when the file has none',
    handler: (ctx) => {
      const { id, z: zoom, x, y } = ctx.params;
      const tile = tiles.tile(id, zoom, x, y);
      if (!tile) throw new NotFoundError(`map: layer "${id}" has no tile ${zoom}/${x}/${y}`);
      const { res } = expressOf(ctx);
      // base maps change rarely; a replaced file is picked up within minutes
      res.set('Cache-Control', 'public, max-age=300').type(tile.contentType);
      if (tile.contentEncoding) res.set('Content-Encoding', tile.contentEncoding);
      res.send(tile.data);
    },
  });
}
