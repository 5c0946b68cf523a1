// The configured base layers at run time: MBTiles files opened at start, their tiles by layer id, the console's layer list.
import type { BaseLayerConfig } from '../../config/load';
import { clientLayer, type MapBaseLayer } from './client-layers';
import { MbtilesError, MbtilesFile, type Tile } from './mbtiles-file';

export class BaseLayers {
  /** What the console is told to draw, in configured order. */
  readonly client: MapBaseLayer[] = [];
  private readonly files = new Map<string, MbtilesFile>();

  /**
   * Opens every mbtiles layer's file (read-only). A missing or unreadable file is an MbtilesError
   * naming the config key, so the gateway stops at start rather than serving a blank map.
   */
  constructor(
    layers: readonly BaseLayerConfig[],
    log: (level: 'info' | 'warn', msg: string) => void = () => undefined,
  ) {
    try {
      layers.forEach((cfg, i) => {
        if (cfg.type !== 'mbtiles') {
          const c = clientLayer(cfg);
          if (c) this.client.push(c);
          return;
        }
        let file: MbtilesFile;
        try {
          file = MbtilesFile.open(cfg.path);
        } catch (err) {
          throw new MbtilesError(`config: map.baseLayers.${i}.path (layer "${cfg.id}"): ${(err as Error).message}`);
        }
        this.files.set(cfg.id, file);
        const c = clientLayer(cfg, file);
        if (c) this.client.push(c);
        else
          log(
            'warn',
            `map: layer "${cfg.id}" holds ${file.format} tiles: served at its tile route, not drawn by the console`,
          );
        log(
          'info',
          `map: layer "${cfg.id}" serves ${file.format} tiles z${file.minZoom}-${file.maxZoom} from ${cfg.path}`,
        );
      });
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** A tile of an mbtiles layer at an XYZ address; null when the layer or the tile does not exist. */
  tile(id: string, z: number, x: number, y: number): Tile | null {
    return this.files.get(id)?.tile(z, x, y) ?? null;
  }

  /** Closes the files; idempotent. */
  close(): void {
    for (const f of this.files.values()) f.close();
    this.files.clear();
  }
}
