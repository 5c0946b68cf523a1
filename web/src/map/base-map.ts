// The Leaflet map: tile sources from client-config (WGS-84 or GCJ-02), the offline graticule fallback, display↔WGS-84 positions.
import * as L from 'leaflet';
import { createGraticuleLayer } from './graticule-layer';
import { fromDisplay, toDisplay, wgsToGcj, gcjToWgs, type TileCrs } from './crs-shift';
import { t } from '../core/i18n';
import { h, label, toast } from '../core/dom';

export interface TileSource {
  name: string;
  url: string;
  crs: TileCrs;
  attribution?: string;
  maxZoom?: number;
  subdomains?: string | string[];
}

export interface ClientConfig {
  map: { center: [number, number]; zoom: number; tiles: TileSource[] };
  gis: { defaultRangeM: number };
}

/** A configured tile layer that has failed this many tiles without loading one falls back to the offline grid. */
const FAILED_TILES_BEFORE_FALLBACK = 8;

export class BaseMap {
  readonly map: L.Map;
  private tileCrs: TileCrs = 'wgs84';
  private readonly crsListeners = new Set<(crs: TileCrs) => void>();
  private readonly offline: L.GridLayer;
  /** The "tiles unreachable, offline grid shown" notice on the map while the fallback is in use. */
  private notice: L.Control | null = null;

  constructor(el: HTMLElement, readonly config: ClientConfig) {
    const [lng, lat] = config.map.center;
    this.map = L.map(el, { center: [lat, lng], zoom: config.map.zoom, zoomControl: true, preferCanvas: false, worldCopyJump: false, maxZoom: 20 });
    this.offline = createGraticuleLayer();
    const bases: Record<string, L.Layer> = {};
    const crsOf = new Map<L.Layer, TileCrs>();
    for (const src of config.map.tiles) {
      const layer = L.tileLayer(src.url, { attribution: src.attribution ?? '', maxZoom: src.maxZoom ?? 19, subdomains: src.subdomains ?? 'abc' });
      this.watchFailures(layer);
      bases[src.name] = layer;
      crsOf.set(layer, src.crs);
    }
    bases[t('map.offlineLayer')] = this.offline;
    crsOf.set(this.offline, 'wgs84');
    const first = config.map.tiles.length ? bases[config.map.tiles[0]!.name]! : this.offline;
    this.tileCrs = crsOf.get(first) ?? 'wgs84';
    first.addTo(this.map);
    if (Object.keys(bases).length > 1) L.control.layers(bases, {}, { position: 'topright' }).addTo(this.map);
    L.control.scale({ imperial: false }).addTo(this.map);
    this.map.on('baselayerchange', (e: L.LayersControlEvent) => {
      if (e.layer !== this.offline) this.hideNotice();
      this.setCrs(crsOf.get(e.layer) ?? 'wgs84');
    });
  }

  /** Whether the offline grid replaced an unreachable tile source (and its notice is shown). */
  get offlineFallback(): boolean {
    return this.notice !== null;
  }

  private watchFailures(layer: L.TileLayer): void {
    let failed = 0;
    let loaded = 0;
    // counted per time the layer is shown: picking an unreachable source again falls back again
    layer.on('add', () => {
      failed = 0;
      loaded = 0;
    });
    layer.on('tileload', () => loaded++);
    layer.on('tileerror', () => {
      failed++;
      if (loaded === 0 && failed === FAILED_TILES_BEFORE_FALLBACK && this.map.hasLayer(layer)) this.fallBack(layer);
    });
  }

  private fallBack(layer: L.TileLayer): void {
    this.map.removeLayer(layer);
    this.offline.addTo(this.map);
    // the grid's lines are WGS-84 degrees: cameras are drawn at their stored positions on it
    this.setCrs('wgs84');
    this.showNotice();
    toast(t('map.tilesUnreachable'), 'error');
  }

  private showNotice(): void {
    if (this.notice) return;
    const notice = new L.Control({ position: 'bottomleft' });
    notice.onAdd = () => {
      const el = label(h('div', { class: 'map-notice offline-notice', role: 'status' }), 'map.offlineNotice');
      L.DomEvent.disableClickPropagation(el);
      return el;
    };
    this.notice = notice.addTo(this.map);
  }

  private hideNotice(): void {
    this.notice?.remove();
    this.notice = null;
  }

  private setCrs(crs: TileCrs): void {
    if (crs === this.tileCrs) return;
    const centre = this.toWgs(this.map.getCenter());
    this.tileCrs = crs;
    // keep the same ground point in the middle when the datum of the tiles changes
    this.map.setView(this.toLatLng(centre[0], centre[1]), this.map.getZoom(), { animate: false });
    for (const l of this.crsListeners) l(crs);
  }

  get crs(): TileCrs {
    return this.tileCrs;
  }

  onCrsChange(fn: (crs: TileCrs) => void): () => void {
    this.crsListeners.add(fn);
    return () => this.crsListeners.delete(fn);
  }

  /** A stored WGS-84 position as a Leaflet position on the current tiles. */
  toLatLng(lng: number, lat: number): L.LatLng {
    const [y, x] = toDisplay(this.tileCrs, lng, lat);
    return L.latLng(y, x);
  }

  /** A Leaflet position on the current tiles as WGS-84 [lng, lat]. */
  toWgs(p: L.LatLng): [number, number] {
    return fromDisplay(this.tileCrs, p.lat, p.lng);
  }

  /** The visible area as a WGS-84 bbox [minLng, minLat, maxLng, maxLat], clamped to valid ranges. */
  wgsBbox(): [number, number, number, number] {
    const b = this.map.getBounds();
    const [w, s] = this.toWgs(b.getSouthWest());
    const [e, n] = this.toWgs(b.getNorthEast());
    const clamp = (v: number, m: number): number => Math.max(-m, Math.min(m, v));
    return [clamp(w, 180), clamp(s, 90), clamp(e, 180), clamp(n, 90)];
  }
}

export { wgsToGcj, gcjToWgs };
