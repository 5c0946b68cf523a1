// The Leaflet map: base layers from client-config (tiles in WGS-84 or GCJ-02, local vector maps), the offline graticule fallback, display↔WGS-84 positions.
import * as L from 'leaflet';
import { createGraticuleLayer } from './graticule-layer';
import { baseLayerName, buildBaseLayer, escapeHtml, MAP_MAX_ZOOM, type MapBaseLayer } from './base-layers';
import { fromDisplay, toDisplay, wgsToGcj, gcjToWgs, type TileCrs } from './crs-shift';
import { currentLang, onLang, t } from '../core/i18n';
import { h, label, toast } from '../core/dom';

export type { MapBaseLayer };

export interface ClientConfig {
  map: { center: [number, number]; zoom: number; baseLayers: MapBaseLayer[] };
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
  /** The layer switcher (more than one base map configured), rebuilt when the language changes. */
  private switcher: L.Control.Layers | null = null;

  constructor(
    el: HTMLElement,
    readonly config: ClientConfig,
  ) {
    const [lng, lat] = config.map.center;
    this.map = L.map(el, {
      center: [lat, lng],
      zoom: config.map.zoom,
      zoomControl: true,
      preferCanvas: false,
      worldCopyJump: false,
      maxZoom: MAP_MAX_ZOOM,
    });
    this.offline = createGraticuleLayer();
    const sources = config.map.baseLayers ?? [];
    const crsOf = new Map<L.Layer, TileCrs>([[this.offline, 'wgs84']]);
    const built = sources.map((src) => {
      const b = buildBaseLayer(src, (err) => {
        if (this.map.hasLayer(b.layer)) this.fallBack(b.layer, err.message);
      });
      if (b.tiles) this.watchFailures(b.tiles, b.layer);
      crsOf.set(b.layer, src.crs);
      return { src, layer: b.layer };
    });
    const first = built[0]?.layer ?? this.offline;
    this.tileCrs = crsOf.get(first) ?? 'wgs84';
    first.addTo(this.map);
    if (built.length > 1) {
      const addSwitcher = (): void => {
        this.switcher?.remove();
        const bases: Record<string, L.Layer> = {};
        for (const b of built) {
          const name = escapeHtml(baseLayerName(b.src, currentLang()));
          // two maps of one name would be one entry: the id tells them apart
          bases[name in bases ? `${name} (${b.src.id})` : name] = b.layer;
        }
        bases[escapeHtml(t('map.offlineLayer'))] = this.offline;
        this.switcher = L.control.layers(bases, {}, { position: 'topright' }).addTo(this.map);
      };
      addSwitcher();
      const off = onLang(addSwitcher);
      this.map.once('unload', off);
    }
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

  /** Falls back to the offline grid when `tiles` (part of base map `layer`) fails to load anything. */
  private watchFailures(tiles: L.TileLayer, layer: L.Layer): void {
    let failed = 0;
    let loaded = 0;
    // counted per time the layer is shown: picking an unreachable source again falls back again
    tiles.on('add', () => {
      failed = 0;
      loaded = 0;
    });
    tiles.on('tileload', () => loaded++);
    tiles.on('tileerror', () => {
      failed++;
      if (loaded === 0 && failed === FAILED_TILES_BEFORE_FALLBACK && this.map.hasLayer(layer))
        this.fallBack(layer, `${failed} tiles failed`);
    });
  }

  private fallBack(layer: L.Layer, why: string): void {
    console.warn(`base-map: base layer unreachable (${why}); offline grid shown`);
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
