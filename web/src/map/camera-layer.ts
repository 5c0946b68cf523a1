// The cameras layer: /map/clusters per viewport (debounced, stale requests aborted), clusters, markers, view cones, live status.
import * as L from 'leaflet';
import { api, qs } from '../core/api';
import type { BaseMap } from './base-map';
import { cameraIcon, clusterIcon, statusColour } from './camera-icons';
import { sectorRing } from './view-cone';

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
// moveend already ends a gesture: the short wait only merges bursts (wheel steps, programmatic moves)
const DEBOUNCE_MS = 10;

interface Entry {
  marker: L.Marker;
  sig: string;
  feature: ClusterFeature;
}

export class CameraLayer {
  private readonly group = L.layerGroup();
  private readonly cones = L.layerGroup();
  private readonly entries = new Map<string, Entry>();
  private filters: CameraFilters = {};
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inflight: AbortController | null = null;
  private seq = 0;
  private readonly offs: Array<() => void> = [];
  selectedId: string | null = null;

  constructor(
    private readonly base: BaseMap,
    private readonly opts: { defaultRangeM: number; onCameraClick: (p: PointProps, at: L.LatLng) => void; onError: (err: unknown) => void },
  ) {}

  start(): void {
    const map = this.base.map;
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
    const bbox = this.base.wgsBbox().map((v) => v.toFixed(6)).join(',');
    const query = qs({ bbox, zoom, ...this.filters });
    api<{ features: ClusterFeature[] }>('GET', `/map/clusters${query}`, { signal: ctrl.signal })
      .then((r) => {
        if (ctrl.signal.aborted) return;
        this.inflight = null;
        this.render(r.features, zoom);
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
    return p.cluster ? `${x},${y},${p.count},${JSON.stringify(p.statusCounts)},${this.base.crs}` : `${x},${y},${p.status},${p.departmentId},${this.base.crs},${p.id === this.selectedId}`;
  }

  private render(features: ClusterFeature[], zoom: number): void {
    const seen = new Set<string>();
    for (const f of features) {
      const key = this.keyOf(f);
      const sig = this.sigOf(f);
      seen.add(key);
      const old = this.entries.get(key);
      if (old && old.sig === sig) {
        old.feature = f;
        continue;
      }
      if (old) this.group.removeLayer(old.marker);
      this.entries.set(key, { marker: this.makeMarker(f), sig, feature: f });
    }
    for (const [key, e] of this.entries)
      if (!seen.has(key)) {
        this.group.removeLayer(e.marker);
        this.entries.delete(key);
      }
    this.drawCones(zoom);
    this.seq++;
    const el = this.base.map.getContainer();
    el.dataset.camerasRendered = String(this.seq);
    el.dataset.camerasCount = String(features.length);
    el.dispatchEvent(new CustomEvent('cloudeye:cameras-rendered', { bubbles: true, detail: { seq: this.seq, features: features.length, at: performance.now() } }));
  }

  private makeMarker(f: ClusterFeature): L.Marker {
    const [lng, lat] = f.geometry.coordinates;
    const at = this.base.toLatLng(lng, lat);
    const p = f.properties;
    if (p.cluster) {
      const m = L.marker(at, { icon: clusterIcon(p.count, p.statusCounts), keyboard: false });
      m.on('click', () => this.base.map.setView(at, Math.min(p.expansionZoom, this.base.map.getMaxZoom())));
      return m.addTo(this.group);
    }
    const m = L.marker(at, { icon: cameraIcon(p.id, p.status, p.departmentId, p.id === this.selectedId), title: p.name, riseOnHover: true });
    m.on('click', () => this.opts.onCameraClick(p, m.getLatLng()));
    return m.addTo(this.group);
  }

  private drawCones(zoom: number): void {
    this.cones.clearLayers();
    if (zoom < CONE_ZOOM) return;
    for (const { feature } of this.entries.values()) {
      const p = feature.properties;
      if (p.cluster || p.bearing === null) continue;
      const [lng, lat] = feature.geometry.coordinates;
      const ring = sectorRing(lng, lat, p.bearing, p.fov ?? 360, p.rangeM ?? this.opts.defaultRangeM);
      L.polygon(ring.map(([x, y]) => this.base.toLatLng(x, y)), { color: statusColour(p.status), weight: 1, fillOpacity: 0.15, interactive: false, className: 'view-cone' }).addTo(this.cones);
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
      e.marker.setIcon(cameraIcon(c.id, c.status, e.feature.properties.departmentId, c.id === this.selectedId));
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
      e.marker.setIcon(cameraIcon(p.id, p.status, p.departmentId, p.id === id));
    }
  }

  /** The point features currently drawn (for tests and hit lists). */
  points(): PointProps[] {
    const out: PointProps[] = [];
    for (const e of this.entries.values()) if (!e.feature.properties.cluster) out.push(e.feature.properties);
    return out;
  }
}
