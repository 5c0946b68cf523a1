// The cameras layer: /map/clusters per viewport (debounced, stale requests aborted), clusters, markers, view cones, live status.
import * as L from 'leaflet';
import { api, qs, type ApiAuth } from '../core/api';
import type { BaseMap } from './base-map';
import { paintCamera } from './camera-icons';
import { drawCones } from './camera-cones';
import type { CameraFilters, ClusterFeature, PointProps } from './camera-features';
import { makeEntry, repaintEntry, type Entry, type MarkerContext } from './camera-markers';

export type { CameraFilters, ClusterFeature, ClusterProps, PointProps } from './camera-features';

// moveend already ends a gesture (Leaflet merges wheel steps itself): a 0-ms timer still merges the moves made in one task
const DEBOUNCE_MS = 0;

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
    const ctx = this.markerContext();
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
      else repaintEntry(old, f, sig, ctx);
      next.set(key, old);
    }
    // markers no longer shown take the new features of their kind (a zoom renumbers every cluster): moved and repainted, not rebuilt
    const spare: Record<Entry['kind'], Entry[]> = { c: [], p: [] };
    for (const e of this.entries.values()) spare[e.kind].push(e);
    for (const { key, sig, f } of fresh) {
      const e = spare[f.properties.cluster ? 'c' : 'p'].pop();
      if (e) repaintEntry(e, f, sig, ctx);
      next.set(key, e ?? makeEntry(f, sig, ctx));
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

  /** What the markers need of this layer, as of now. */
  private markerContext(): MarkerContext {
    return {
      base: this.base,
      group: this.group,
      selectedId: this.selectedId,
      onCameraClick: (p, at) => this.opts.onCameraClick(p, at),
    };
  }

  private drawCones(zoom: number): void {
    drawCones(this.cones, this.entries.values(), zoom, {
      base: this.base,
      defaultRangeM: this.opts.defaultRangeM,
      renderer: this.conesRenderer,
    });
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
