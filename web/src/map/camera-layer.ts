// The cameras layer: /map/clusters per viewport (debounced, stale requests aborted), clusters, markers, view cones, live status.
import * as L from 'leaflet';
import { api, qs, type ApiAuth } from '../core/api';
import type { BaseMap } from './base-map';
import { CAMERA_SIZE, paintCamera, paintCluster, statusColour } from './camera-icons';
import { sectorRing } from './view-cone';
import { dragCamera } from '../wall/camera-drag';

export interface ClusterProps {
  cluster: true;
  count: number;
  statusCounts: Record<string, number>;
  clusterId: number;
  expansionZoom: number;
}
export interface PointProps {
  cluster: false;
  id: string;
  name: string;
  status: string;
  departmentId: number;
  bearing: number | null;
  fov: number | null;
  rangeM: number | null;
}
export interface ClusterFeature {
  type: 'Feature';
  geometry: { type: 'Point'; coordinates: [number, number] };
  properties: ClusterProps | PointProps;
}

export interface CameraFilters {
  status?: string;
  department?: string;
  tag?: string;
  q?: string;
}

/** Cones are drawn from this zoom on (few cameras on screen, each cone readable). */
const CONE_ZOOM = 17;
// moveend already ends a gesture (Leaflet merges wheel steps itself): a 0-ms timer still merges the moves made in one task
const DEBOUNCE_MS = 0;

interface Entry {
  marker: L.Marker;
  /** The .cam-marker / .cam-cluster element inside the marker's icon, repainted in place. */
  el: HTMLElement;
  kind: 'c' | 'p';
  sig: string;
  feature: ClusterFeature;
  /** Icon box (px). */
  size: number;
}

/**
 * A marker placed with a 2-D translate. Leaflet places markers with translate3d, which makes every
 * one of the hundreds of markers a compositing layer of its own; the per-frame commit of those
 * layers held the main thread for several ms each frame while the map moved.
 */
class FlatMarker extends L.Marker {
  _setPos(pos: L.Point): void {
    const self = this as unknown as {
      _icon?: HTMLElement & { _leaflet_pos?: L.Point };
      _zIndex: number;
      _resetZIndex(): void;
    };
    const el = self._icon;
    if (el) {
      el._leaflet_pos = pos;
      el.style.transform = `translate(${pos.x}px,${pos.y}px)`;
    }
    self._zIndex = pos.y + (this.options.zIndexOffset ?? 0);
    self._resetZIndex();
  }
}

export class CameraLayer {
  private readonly group = L.layerGroup();
  private readonly cones = L.layerGroup();
  /** View cones are many non-interactive polygons: one canvas, in a pane under the grids that takes no pointer events. */
  private conesRenderer: L.Canvas | null = null;
  private entries = new Map<string, Entry>();
  private filters: CameraFilters = {};
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: AbortController | null = null;
  private seq = 0;
  private readonly offs: Array<() => void> = [];
  selectedId: string | null = null;

  constructor(
    private readonly base: BaseMap,
    private readonly opts: {
      defaultRangeM: number;
      onCameraClick: (p: PointProps, at: L.LatLng) => void;
      onError: (err: unknown) => void;
      /** An embedded widget's gateway and token (web/sdk); the page's session when absent. */
      auth?: ApiAuth;
    },
  ) {}

  start(): void {
    const map = this.base.map;
    const pane = map.getPane('cameraCones') ?? map.createPane('cameraCones');
    pane.style.zIndex = '350';
    pane.style.pointerEvents = 'none';
    this.conesRenderer = L.canvas({ pane: 'cameraCones', padding: 0.5 });
    this.group.addTo(map);
    this.cones.addTo(map);
    const schedule = (): void => this.schedule();
    map.on('moveend', schedule);
    this.offs.push(() => map.off('moveend', schedule));
    this.offs.push(this.base.onCrsChange(() => this.refresh()));
    this.refresh();
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    this.inflight?.abort();
    if (this.timer) clearTimeout(this.timer);
    this.group.remove();
    this.cones.remove();
  }

  setFilters(f: CameraFilters): void {
    this.filters = f;
    this.refresh();
  }

  getFilters(): CameraFilters {
    return { ...this.filters };
  }

  schedule(delay = DEBOUNCE_MS): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), delay);
  }

  /** Fetches the clusters for the current viewport now, aborting any older request. */
  refresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.inflight?.abort();
    const ctrl = new AbortController();
    this.inflight = ctrl;
    const map = this.base.map;
    const zoom = Math.round(map.getZoom());
    const bbox = this.base
      .wgsBbox()
      .map((v) => v.toFixed(6))
      .join(',');
    const query = qs({ bbox, zoom, ...this.filters });
    const askedAt = performance.now();
    api<{ features: ClusterFeature[] }>('GET', `/map/clusters${query}`, {
      signal: ctrl.signal,
      ...(this.opts.auth ? { auth: this.opts.auth } : {}),
    })
      .then((r) => {
        if (ctrl.signal.aborted) return;
        this.inflight = null;
        this.render(r.features, zoom, askedAt);
      })
      .catch((err: unknown) => {
        if (ctrl.signal.aborted) return;
        this.inflight = null;
        this.opts.onError(err);
      });
  }

  private keyOf(f: ClusterFeature): string {
    return f.properties.cluster ? `c${f.properties.clusterId}` : `p${f.properties.id}`;
  }

  private sigOf(f: ClusterFeature): string {
    const p = f.properties;
    const [x, y] = f.geometry.coordinates;
    return p.cluster
      ? `${x},${y},${p.count},${JSON.stringify(p.statusCounts)},${this.base.crs}`
      : `${x},${y},${p.status},${p.departmentId},${this.base.crs},${p.id === this.selectedId}`;
  }

  private render(features: ClusterFeature[], zoom: number, askedAt: number): void {
    const renderAt = performance.now();
    const next = new Map<string, Entry>();
    const fresh: Array<{ key: string; sig: string; f: ClusterFeature }> = [];
    for (const f of features) {
      const key = this.keyOf(f);
      const sig = this.sigOf(f);
      const old = this.entries.get(key);
      if (!old) {
        fresh.push({ key, sig, f });
        continue;
      }
      this.entries.delete(key);
      if (old.sig === sig) old.feature = f;
      else this.repaint(old, f, sig);
      next.set(key, old);
    }
    // markers no longer shown take the new features of their kind (a zoom renumbers every cluster): moved and repainted, not rebuilt
    const spare: Record<Entry['kind'], Entry[]> = { c: [], p: [] };
    for (const e of this.entries.values()) spare[e.kind].push(e);
    for (const { key, sig, f } of fresh) {
      const e = spare[f.properties.cluster ? 'c' : 'p'].pop();
      if (e) this.repaint(e, f, sig);
      next.set(key, e ?? this.makeEntry(f, sig));
    }
    for (const e of spare.c) this.group.removeLayer(e.marker);
    for (const e of spare.p) this.group.removeLayer(e.marker);
    this.entries = next;
    this.drawCones(zoom);
    this.seq++;
    const el = this.base.map.getContainer();
    el.dataset.camerasRendered = String(this.seq);
    el.dataset.camerasCount = String(features.length);
    el.dispatchEvent(
      new CustomEvent('cloudeye:cameras-rendered', {
        bubbles: true,
        detail: { seq: this.seq, features: features.length, at: performance.now(), askedAt, renderAt },
      }),
    );
  }

  /** Paints `f` into the element of `e` and moves its marker (the entry keeps its kind). */
  private repaint(e: Entry, f: ClusterFeature, sig: string): void {
    const p = f.properties;
    e.feature = f;
    e.sig = sig;
    if (p.cluster) {
      const size = paintCluster(e.el, p.count, p.statusCounts);
      if (size !== e.size) this.resize(e, size);
    } else {
      paintCamera(e.el, p.id, p.status, p.departmentId, p.id === this.selectedId);
      if (e.marker.options.title !== p.name) {
        e.marker.options.title = p.name;
        const icon = e.marker.getElement();
        if (icon) icon.title = p.name;
      }
    }
    const [lng, lat] = f.geometry.coordinates;
    const at = this.base.toLatLng(lng, lat);
    if (!e.marker.getLatLng().equals(at)) e.marker.setLatLng(at);
  }

  /** A new icon box size for a reused marker, in the icon's options and on its element (as Leaflet would set them). */
  private resize(e: Entry, size: number): void {
    e.size = size;
    const o = e.marker.options.icon!.options;
    o.iconSize = [size, size];
    o.iconAnchor = [size / 2, size / 2];
    const icon = e.marker.getElement();
    if (!icon) return;
    icon.style.width = icon.style.height = `${size}px`;
    icon.style.marginLeft = icon.style.marginTop = `${-size / 2}px`;
  }

  private makeEntry(f: ClusterFeature, sig: string): Entry {
    const [lng, lat] = f.geometry.coordinates;
    const at = this.base.toLatLng(lng, lat);
    const p = f.properties;
    const el = document.createElement('div');
    if (p.cluster) {
      const size = paintCluster(el, p.count, p.statusCounts);
      const icon = L.divIcon({
        className: 'cam-icon-wrap',
        html: el,
        iconSize: [size, size],
        iconAnchor: [size / 2, size / 2],
      });
      const e: Entry = { marker: new FlatMarker(at, { icon, keyboard: false }), el, kind: 'c', sig, feature: f, size };
      e.marker.on('click', () => {
        const q = e.feature.properties;
        if (q.cluster)
          this.base.map.setView(e.marker.getLatLng(), Math.min(q.expansionZoom, this.base.map.getMaxZoom()));
      });
      this.group.addLayer(e.marker);
      return e;
    }
    paintCamera(el, p.id, p.status, p.departmentId, p.id === this.selectedId);
    // a marker is a drag source: dropped on a wall pane (the map's wall panel), its camera goes there
    dragCamera(el, p.id, p.name);
    const half = CAMERA_SIZE / 2;
    const icon = L.divIcon({
      className: 'cam-icon-wrap',
      html: el,
      iconSize: [CAMERA_SIZE, CAMERA_SIZE],
      iconAnchor: [half, half],
      popupAnchor: [0, -8],
    });
    const e: Entry = {
      marker: new FlatMarker(at, { icon, title: p.name, riseOnHover: true }),
      el,
      kind: 'p',
      sig,
      feature: f,
      size: CAMERA_SIZE,
    };
    e.marker.on('click', () => {
      const q = e.feature.properties;
      if (!q.cluster) this.opts.onCameraClick(q, e.marker.getLatLng());
    });
    this.group.addLayer(e.marker);
    return e;
  }

  private drawCones(zoom: number): void {
    this.cones.clearLayers();
    if (zoom < CONE_ZOOM) return;
    for (const { feature } of this.entries.values()) {
      const p = feature.properties;
      if (p.cluster || p.bearing === null) continue;
      const [lng, lat] = feature.geometry.coordinates;
      const ring = sectorRing(lng, lat, p.bearing, p.fov ?? 360, p.rangeM ?? this.opts.defaultRangeM);
      L.polygon(
        ring.map(([x, y]) => this.base.toLatLng(x, y)),
        {
          color: statusColour(p.status),
          weight: 1,
          fillOpacity: 0.15,
          interactive: false,
          ...(this.conesRenderer ? { renderer: this.conesRenderer } : {}),
        },
      ).addTo(this.cones);
    }
  }

  /** Applies `camera:status` changes to the markers on screen without a reload. Returns how many were on screen. */
  applyStatus(changes: Array<{ id: string; status: string }>): number {
    let shown = 0;
    for (const c of changes) {
      const e = this.entries.get(`p${c.id}`);
      if (!e || e.feature.properties.cluster) continue;
      e.feature.properties.status = c.status;
      e.sig = this.sigOf(e.feature);
      paintCamera(e.el, c.id, c.status, e.feature.properties.departmentId, c.id === this.selectedId);
      shown++;
    }
    if (changes.length > shown) this.schedule(1500); // cluster rings are recounted by the server
    this.drawCones(Math.round(this.base.map.getZoom()));
    return shown;
  }

  /** Marks one camera as selected (highlighted marker). */
  select(id: string | null): void {
    const prev = this.selectedId;
    this.selectedId = id;
    for (const k of [prev, id]) {
      const e = k ? this.entries.get(`p${k}`) : undefined;
      if (!e || e.feature.properties.cluster) continue;
      const p = e.feature.properties;
      e.sig = this.sigOf(e.feature);
      paintCamera(e.el, p.id, p.status, p.departmentId, p.id === id);
    }
  }

  /** The point features currently drawn (for tests and hit lists). */
  points(): PointProps[] {
    const out: PointProps[] = [];
    for (const e of this.entries.values()) if (!e.feature.properties.cluster) out.push(e.feature.properties);
    return out;
  }
}
