// Leaflet layers for the base maps the gateway describes: raster tiles (one or more templates stacked) or a local vector map.
import * as L from 'leaflet';
import type { MapBaseLayer } from '../../../gateway/map/client-layers';
import { VectorBaseLayer } from './vector-base-layer';

export type { MapBaseLayer };

/** Highest zoom of the console's map; sources with fewer levels are enlarged past their last one. */
export const MAP_MAX_ZOOM = 20;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A base layer ready to add to the map, and the tile layer whose failures mean "unreachable" (none for vector maps). */
export interface BuiltBaseLayer {
  layer: L.Layer;
  tiles: L.TileLayer | null;
}

/** Builds the Leaflet layer of one base map; `onError` hears a vector map that could not be loaded. */
export function buildBaseLayer(src: MapBaseLayer, onError: (err: Error) => void): BuiltBaseLayer {
  // Leaflet writes attributions as HTML: configured text and MBTiles metadata are shown as text only
  const attribution = escapeHtml(src.attribution);
  if (src.kind === 'vector')
    return { layer: new VectorBaseLayer(src.urls[0] ?? '', { attribution, onError }), tiles: null };
  const tileLayers = src.urls.map((url, i) =>
    L.tileLayer(url, {
      // one credit per base map, on its bottom layer
      attribution: i === 0 ? attribution : '',
      subdomains: src.subdomains || 'abc',
      minZoom: src.minZoom,
      maxNativeZoom: src.maxZoom,
      maxZoom: MAP_MAX_ZOOM,
      className: `base-tiles base-tiles-${src.id}`,
    }),
  );
  const first = tileLayers[0] ?? L.tileLayer('', {});
  return { layer: tileLayers.length > 1 ? L.layerGroup(tileLayers) : first, tiles: first };
}

/** The name of a base map in the interface language. */
export function baseLayerName(src: MapBaseLayer, lang: 'zh-CN' | 'en'): string {
  return lang === 'en' ? src.nameEn || src.name : src.name;
}

export { escapeHtml };
