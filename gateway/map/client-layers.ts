// Configured base layers → what the console draws: tile URL templates (xyz, WMTS, Tianditu, Gaode, MBTiles) or a GeoJSON URL.
import type { BaseLayerConfig } from '../../config/load';

/** One base layer as the console draws it (GET /api/v1/client-config → map.baseLayers). */
export interface MapBaseLayer {
  id: string;
  /** Label in zh-CN. */
  name: string;
  /** Label in English (the zh-CN one when none was configured). */
  nameEn: string;
  /** raster: tiles in Web Mercator; vector: one GeoJSON FeatureCollection drawn by the console. */
  kind: 'raster' | 'vector';
  /** raster: {z}/{x}/{y} templates ({s} = a subdomain) drawn bottom to top; vector: the GeoJSON URL. */
  urls: string[];
  subdomains: string;
  /** Plain text; the console never reads it as HTML. */
  attribution: string;
  minZoom: number;
  maxZoom: number;
  /** Datum the layer is drawn in; the console shifts cameras onto gcj02 layers. */
  crs: 'wgs84' | 'gcj02';
}

/** What the gateway read from an MBTiles file, as client-layers needs it. */
export interface MbtilesInfo {
  format: 'png' | 'jpg' | 'webp' | 'pbf';
  minZoom: number;
  maxZoom: number;
  attribution: string;
}

/** Path below which the gateway serves MBTiles layers: /api/v1/map/tiles/<id>/{z}/{x}/{y}. */
export const MBTILES_ROUTE = '/api/v1/map/tiles';

const wmtsQuery = (p: {
  layer: string;
  style: string;
  tileMatrixSet: string;
  format: string;
  matrixPrefix: string;
  extra?: string;
}): string =>
  '?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0' +
  `&LAYER=${encodeURIComponent(p.layer)}&STYLE=${encodeURIComponent(p.style)}&TILEMATRIXSET=${encodeURIComponent(p.tileMatrixSet)}` +
  `&FORMAT=${encodeURIComponent(p.format)}&TILEMATRIX=${encodeURIComponent(p.matrixPrefix)}{z}&TILEROW={y}&TILECOL={x}${p.extra ?? ''}`;

/** Tianditu's name layer over each style: 注记 for streets, imagery and terrain. */
const TIANDITU_LABELS = { vec: 'cva', img: 'cia', ter: 'cta' } as const;

/**
 * The console's description of one configured base layer. `mbtiles` is what was read from the file
 * of an mbtiles layer. Returns null for a layer the console cannot draw (pbf vector tiles: they are
 * served for other clients).
 */
export function clientLayer(cfg: BaseLayerConfig, mbtiles?: MbtilesInfo): MapBaseLayer | null {
  const base = { id: cfg.id, name: cfg.name, nameEn: cfg.nameEn || cfg.name, attribution: cfg.attribution };
  switch (cfg.type) {
    case 'xyz':
      return {
        ...base,
        kind: 'raster',
        urls: [cfg.url],
        subdomains: cfg.subdomains,
        minZoom: cfg.minZoom,
        maxZoom: cfg.maxZoom,
        crs: cfg.crs,
      };
    case 'wmts': {
      const q = wmtsQuery({
        layer: cfg.layer,
        style: cfg.style,
        tileMatrixSet: cfg.tileMatrixSet,
        format: cfg.format,
        matrixPrefix: cfg.tileMatrixPrefix,
      });
      return {
        ...base,
        kind: 'raster',
        urls: [cfg.url + q],
        subdomains: cfg.subdomains,
        minZoom: cfg.minZoom,
        maxZoom: cfg.maxZoom,
        crs: cfg.crs,
      };
    }
    case 'tianditu': {
      const url = (layer: string): string =>
        `https://t{s}.tianditu.gov.cn/${layer}_w/wmts` +
        wmtsQuery({
          layer,
          style: 'default',
          tileMatrixSet: 'w',
          format: 'tiles',
          matrixPrefix: '',
          extra: `&tk=${encodeURIComponent(cfg.key)}`,
        });
      const urls = [url(cfg.style), ...(cfg.labels ? [url(TIANDITU_LABELS[cfg.style])] : [])];
      // CGCS2000, the datum of Tianditu, is within centimetres of WGS-84
      return {
        ...base,
        attribution: cfg.attribution || '天地图 Tianditu',
        kind: 'raster',
        urls,
        subdomains: '01234567',
        minZoom: cfg.minZoom,
        maxZoom: cfg.maxZoom,
        crs: 'wgs84',
      };
    }
    case 'gaode': {
      const url = (style: number, lang = ''): string =>
        `https://webst0{s}.is.autonavi.com/appmaptile?${lang}style=${style}&x={x}&y={y}&z={z}`;
      const urls =
        cfg.style === 'vector'
          ? ['https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}']
          : [url(6), ...(cfg.labels ? [url(8, 'lang=zh_cn&')] : [])];
      return {
        ...base,
        attribution: cfg.attribution || '高德地图 AutoNavi',
        kind: 'raster',
        urls,
        subdomains: '1234',
        minZoom: cfg.minZoom,
        maxZoom: cfg.maxZoom,
        crs: 'gcj02',
      };
    }
    case 'mbtiles': {
      if (!mbtiles) throw new Error(`client-layers: mbtiles layer ${cfg.id} was not opened`);
      if (mbtiles.format === 'pbf') return null;
      return {
        ...base,
        attribution: cfg.attribution || mbtiles.attribution,
        kind: 'raster',
        urls: [`${MBTILES_ROUTE}/${cfg.id}/{z}/{x}/{y}`],
        subdomains: '',
        minZoom: mbtiles.minZoom,
        maxZoom: mbtiles.maxZoom,
        crs: cfg.crs,
      };
    }
    case 'vector':
      return {
        ...base,
        kind: 'vector',
        urls: [cfg.url],
        subdomains: '',
        minZoom: cfg.minZoom,
        maxZoom: cfg.maxZoom,
        crs: 'wgs84',
      };
  }
}
