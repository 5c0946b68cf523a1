// The embedded map: the console's base map and camera layer (clusters, status, cones) over the token's cameras only;
// click to play, search around a point, draw a selection; camera events out as `alarm`.
import type { Map as LeafletMap } from 'leaflet';
import { L } from './leaflet-private';
import { api } from '../../src/core/api';
import type { CameraEventMessage } from '../../../gateway/realtime/messages';
import { BaseMap } from '../../src/map/base-map';
import { CameraLayer, type CameraFilters, type PointProps } from '../../src/map/camera-layer';
import { ShapeDrawer, type Shape, type ShapeKind } from '../../src/tools/draw-shape';
import { h } from '../../src/core/dom';
import { Realtime } from '../../src/core/realtime';
import type { Connection } from './connection';
import { showProblem } from './problem-view';

/** A camera in a spatial answer (GET /gis/nearby, POST /gis/within). */
export interface FoundCamera {
  id: string;
  name: string;
  status: string;
  lng: number;
  lat: number;
  distanceM?: number;
}

/** Where a clicked camera plays: a player, or a wall (its selected pane). */
export interface PlayTarget {
  play(id: string): Promise<void>;
}

interface Hit {
  camera: { id: string; name: string; status: string; lng: number; lat: number };
  distanceM: number;
}

export class MapWidget {
  readonly el: HTMLElement;
  private readonly status: HTMLElement;
  private base: BaseMap | null = null;
  private layer: CameraLayer | null = null;
  private readonly marks = L.layerGroup();
  private drawer: ShapeDrawer | null = null;
  private readonly offs: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly conn: Connection,
    /** The player a camera click plays in, or how to find it then (none: only the `camera-click` event). */
    private player: PlayTarget | (() => PlayTarget | null) | null = null,
  ) {
    this.status = h('div', { class: 'ce-status', 'data-state': 'loading' });
    this.el = h('div', { class: 'ce-map' }, this.status);
  }

  /** Builds the map once the connection is open (the element must be in the document: Leaflet measures it). */
  start(): void {
    if (this.conn.failure || !this.conn.config) {
      if (this.conn.failure) showProblem(this.status, this.conn.failure);
      return;
    }
    const holder = h('div', { class: 'ce-map-canvas' });
    this.el.prepend(holder);
    const base = new BaseMap(holder, this.conn.config);
    this.base = base;
    this.marks.addTo(base.map);
    const layer = new CameraLayer(base, {
      defaultRangeM: this.conn.config.gis.defaultRangeM,
      onCameraClick: (p: PointProps, at) => this.clicked(p, at.lng, at.lat),
      onError: (err) => this.failed(err),
      auth: this.conn.auth,
    });
    this.layer = layer;
    layer.start();
    const rt = this.conn.part('realtime', () => {
      const r = new Realtime(this.conn.gateway, this.conn.token);
      r.start();
      return r;
    });
    this.offs.push(rt.on('camera:status', (changes) => void layer.applyStatus(changes)));
    this.offs.push(
      rt.on('camera:event', (m: CameraEventMessage) =>
        this.conn.emit('alarm', { cameraId: m.cameraId, kind: m.type, at: m.at, detail: m.data }, this),
      ),
    );
    this.status.dataset.state = 'ready';
  }

  /** The Leaflet map (the SDK's own Leaflet, not the page's). */
  get map(): LeafletMap | null {
    return this.base?.map ?? null;
  }

  /** Plays clicked cameras in `player` (null: none). */
  link(player: PlayTarget | null): void {
    this.player = player;
  }

  /** Moves the map to a WGS-84 point. */
  flyTo(lng: number, lat: number, zoom?: number): void {
    const b = this.base;
    if (!b) return;
    b.map.flyTo(b.toLatLng(lng, lat), zoom ?? Math.max(b.map.getZoom(), 16), { duration: 0.5 });
  }

  /** Shows only cameras matching the filter (status, tag, text); {} shows every visible camera again. */
  filter(f: CameraFilters): void {
    this.layer?.setFilters(f);
  }

  /** The visible cameras within `radiusM` of a point, nearest first (incident search); drawn on the map. */
  async searchAround(lng: number, lat: number, radiusM = 500): Promise<FoundCamera[]> {
    const r = await this.call(() =>
      api<{ items: Hit[] }>('GET', `/gis/nearby?lng=${lng}&lat=${lat}&radius=${radiusM}&order=distance&limit=50`, {
        auth: this.conn.auth,
      }),
    );
    this.marks.clearLayers();
    if (this.base) {
      L.circle(this.base.toLatLng(lng, lat), { radius: radiusM, color: '#d64545', weight: 2, fillOpacity: 0.05 }).addTo(
        this.marks,
      );
    }
    return r.items.map((x) => ({ ...x.camera, distanceM: x.distanceM }));
  }

  /** Lets the user draw a circle or polygon; resolves with the visible cameras inside it (also the `selection` event). */
  select(kind: Extract<ShapeKind, 'circle' | 'polygon'> = 'polygon'): Promise<FoundCamera[]> {
    const base = this.base;
    if (!base) return Promise.resolve([]);
    this.drawer?.cancel();
    return new Promise((resolve) => {
      const drawer = new ShapeDrawer(base, kind, (shape: Shape | null) => {
        this.drawer = null;
        if (!shape || shape.kind === 'route') return resolve([]);
        const body =
          shape.kind === 'circle'
            ? { circle: { lng: shape.centre[0], lat: shape.centre[1], radiusM: shape.radiusM } }
            : { polygon: { type: 'Polygon', coordinates: [shape.ring] } };
        this.call(() => api<{ items: Hit[] }>('POST', '/gis/within', { body, auth: this.conn.auth }))
          .then((r) => {
            const cameras = r.items.map((x) => ({ ...x.camera, distanceM: x.distanceM }));
            this.conn.emit('selection', { shape, cameras: cameras.map(({ id, name }) => ({ id, name })) }, this);
            resolve(cameras);
          })
          .catch(() => resolve([]));
      });
      this.drawer = drawer;
      drawer.start();
    });
  }

  private clicked(p: PointProps, lng: number, lat: number): void {
    this.layer?.select(p.id);
    this.conn.emit('camera-click', { id: p.id, name: p.name, status: p.status, lng, lat }, this);
    const player = typeof this.player === 'function' ? this.player() : this.player;
    if (player && this.conn.allows('live')) void player.play(p.id);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.failed(err);
      throw err;
    }
  }

  private failed(err: unknown): void {
    const e = this.conn.fail(err, this);
    if (e.status === 401 || e.reason === 'origin') showProblem(this.status, e);
  }

  /** Removes the map and its layers, stops listening. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.offs.splice(0)) off();
    this.drawer?.cancel();
    this.layer?.close();
    this.base?.map.remove();
    this.el.remove();
  }
}
