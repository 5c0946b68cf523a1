// Admin editing on the map: drag a camera to move it, drag handles to set bearing/range and field of view; saved with PATCH.
import * as L from 'leaflet';
import type { Camera } from '../../../gateway/contract';
import { api, ApiError } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { bearingDeg, distanceM } from '../../../gis/geodesy';
import { angleDiff } from '../../../gis/sector';
import type { BaseMap } from './base-map';
import { destination, sectorRing } from './view-cone';

const handleIcon = (cls: string): L.DivIcon =>
  L.divIcon({
    className: 'cam-icon-wrap',
    html: `<div class="edit-handle ${cls}"></div>`,
    iconSize: [16, 16],
    iconAnchor: [8, 8],
  });

export class CameraEditor {
  private readonly group = L.layerGroup();
  private readonly panel: HTMLElement;
  private lng: number;
  private lat: number;
  private bearing: number;
  private fov: number;
  private rangeM: number;
  private readonly cone: L.Polygon;
  private readonly pos: L.Marker;
  private readonly bearingHandle: L.Marker;
  private readonly fovHandle: L.Marker;
  private readonly readout: HTMLElement;
  private dragging: 'bearing' | 'fov' | null = null;

  constructor(
    private readonly base: BaseMap,
    private readonly cam: Camera,
    defaultRangeM: number,
    private readonly done: (saved: Camera | null) => void,
  ) {
    this.lng = cam.lng;
    this.lat = cam.lat;
    this.bearing = cam.bearing ?? 0;
    this.fov = cam.fov ?? 90;
    this.rangeM = cam.rangeM ?? defaultRangeM;
    this.cone = L.polygon([], { color: '#0b63c5', weight: 2, fillOpacity: 0.2, interactive: false }).addTo(this.group);
    this.pos = L.marker(base.toLatLng(this.lng, this.lat), {
      draggable: true,
      icon: handleIcon('edit-pos'),
      zIndexOffset: 1000,
    }).addTo(this.group);
    this.bearingHandle = L.marker([0, 0], {
      draggable: true,
      icon: handleIcon('edit-bearing'),
      zIndexOffset: 1000,
    }).addTo(this.group);
    this.fovHandle = L.marker([0, 0], { draggable: true, icon: handleIcon('edit-fov'), zIndexOffset: 1000 }).addTo(
      this.group,
    );
    this.pos.on('drag', () => {
      [this.lng, this.lat] = base.toWgs(this.pos.getLatLng());
      this.redraw(false);
    });
    this.bearingHandle.on('drag', () => {
      const [x, y] = base.toWgs(this.bearingHandle.getLatLng());
      this.bearing = Math.round(bearingDeg(this.lng, this.lat, x, y)) % 360;
      this.rangeM = Math.max(1, Math.min(5000, Math.round(distanceM(this.lng, this.lat, x, y))));
      this.redraw(true);
    });
    this.fovHandle.on('drag', () => {
      const [x, y] = base.toWgs(this.fovHandle.getLatLng());
      this.fov = Math.max(
        1,
        Math.min(360, Math.round(2 * angleDiff(bearingDeg(this.lng, this.lat, x, y), this.bearing))),
      );
      this.redraw(true);
    });
    this.bearingHandle.on('dragstart', () => (this.dragging = 'bearing'));
    this.fovHandle.on('dragstart', () => (this.dragging = 'fov'));
    for (const m of [this.bearingHandle, this.fovHandle])
      m.on('dragend', () => {
        this.dragging = null;
        this.redraw(false);
      });
    this.readout = h('div', { class: 'edit-readout' });
    this.panel = h(
      'div',
      { class: 'edit-panel card', 'data-camera-id': cam.id },
      h('strong', {}, `${t('camera.editing')}: ${cam.name}`),
      label(h('p', { class: 'muted' }), 'camera.editHelp'),
      this.readout,
      h(
        'div',
        { class: 'row' },
        h('button', { class: 'btn primary save-camera', i18n: 'common.save', onclick: () => void this.save() }),
        h('button', { class: 'btn', i18n: 'common.cancel', onclick: () => this.close(null) }),
      ),
    );
  }

  start(container: HTMLElement): void {
    this.group.addTo(this.base.map);
    container.append(this.panel);
    this.redraw(false);
    this.base.map.setView(this.base.toLatLng(this.lng, this.lat), Math.max(this.base.map.getZoom(), 17));
  }

  private redraw(fromHandle: boolean): void {
    const ring = sectorRing(this.lng, this.lat, this.bearing, this.fov, this.rangeM);
    this.cone.setLatLngs(ring.map(([x, y]) => this.base.toLatLng(x, y)));
    const [bx, by] = destination(this.lng, this.lat, this.bearing, this.rangeM);
    const [fx, fy] = destination(this.lng, this.lat, this.bearing + Math.min(this.fov, 359) / 2, this.rangeM);
    // the handle being dragged keeps following the pointer; only the other one snaps
    if (!fromHandle || this.dragging !== 'bearing') this.bearingHandle.setLatLng(this.base.toLatLng(bx, by));
    if (!fromHandle || this.dragging !== 'fov') this.fovHandle.setLatLng(this.base.toLatLng(fx, fy));
    this.readout.textContent =
      `${t('camera.position')} ${this.lng.toFixed(6)}, ${this.lat.toFixed(6)} · ${t('camera.bearing')} ${this.bearing}° · ` +
      `${t('camera.fov')} ${this.fov}° · ${t('camera.range')} ${this.rangeM} m`;
  }

  private async save(): Promise<void> {
    try {
      const saved = await api<Camera>('PATCH', `/cameras/${encodeURIComponent(this.cam.id)}`, {
        body: {
          lng: Number(this.lng.toFixed(7)),
          lat: Number(this.lat.toFixed(7)),
          bearing: this.bearing % 360,
          fov: this.fov,
          rangeM: this.rangeM,
        },
      });
      toast(t('camera.saved'));
      this.close(saved);
    } catch (err) {
      toast(err instanceof ApiError ? err.describe() : String(err), 'error');
    }
  }

  close(saved: Camera | null): void {
    this.group.remove();
    this.panel.remove();
    this.done(saved);
  }
}
