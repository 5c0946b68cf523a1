// Incident mode: a point (map click, typed coordinates in WGS-84/GCJ-02/BD-09, a grid or key place) → cameras within a radius, covering first.
import * as L from 'leaflet';
import { api, qs, ApiError } from '../core/api';
import { h, label, select } from '../core/dom';
import { t, onLang } from '../core/i18n';
import type { AppContext } from '../core/context';
import type { BaseMap } from '../map/base-map';
import { gridCentre, type GridsLayer } from '../map/grids-layer';
import { toWgs84 } from '../map/crs-shift';
import type { Hit } from './export-list';
import { hitList } from './hit-list';

type InputCrs = 'wgs84' | 'gcj02' | 'bd09';

export class IncidentPanel {
  readonly el: HTMLElement;
  private readonly results: HTMLElement;
  private readonly radius: HTMLInputElement;
  private readonly lngIn: HTMLInputElement;
  private readonly latIn: HTMLInputElement;
  private readonly crsSel: HTMLSelectElement;
  private readonly placeSel: HTMLSelectElement;
  private readonly armBtn: HTMLButtonElement;
  private readonly marks = L.layerGroup();
  private armed = false;
  private hits: Hit[] = [];
  private ctrl: AbortController | null = null;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly base: BaseMap,
    private readonly grids: GridsLayer,
  ) {
    this.radius = h('input', {
      type: 'number',
      name: 'radius',
      min: 10,
      max: 5000,
      step: 10,
      value: String(Math.max(200, ctx.config.gis.defaultRangeM * 5)),
    });
    this.lngIn = h('input', { type: 'text', name: 'lng', inputmode: 'decimal', 'i18n-placeholder': 'incident.lng' });
    this.latIn = h('input', { type: 'text', name: 'lat', inputmode: 'decimal', 'i18n-placeholder': 'incident.lat' });
    this.crsSel = select('crs', [
      ['wgs84', 'WGS-84'],
      ['gcj02', 'GCJ-02'],
      ['bd09', 'BD-09'],
    ]);
    this.placeSel = h('select', { name: 'place' });
    this.armBtn = h('button', {
      class: 'btn arm-click',
      i18n: 'incident.clickMap',
      onclick: () => this.arm(!this.armed),
    });
    this.results = h('div', { class: 'incident-results' });
    this.el = h(
      'div',
      { class: 'tool incident-panel' },
      label(h('h2'), 'incident.title'),
      h('label', { class: 'field' }, label(h('span'), 'incident.radius'), this.radius),
      this.armBtn,
      h(
        'form',
        {
          class: 'coords',
          onsubmit: (e: Event) => {
            e.preventDefault();
            this.fromInputs();
          },
        },
        this.crsSel,
        this.lngIn,
        this.latIn,
        h('button', { class: 'btn', type: 'submit', i18n: 'incident.search' }),
      ),
      h('label', { class: 'field' }, label(h('span'), 'incident.place'), this.placeSel),
      this.results,
    );
    this.placeSel.addEventListener('change', () => this.fromPlace());
    this.offs.push(
      onLang(() => {
        this.fillPlaces();
        this.renderHits();
      }),
    );
  }

  start(): void {
    this.marks.addTo(this.base.map);
    this.base.map.on('click', this.onMapClick);
    this.fillPlaces();
  }

  close(): void {
    this.base.map.off('click', this.onMapClick);
    this.marks.remove();
    this.ctrl?.abort();
    for (const off of this.offs.splice(0)) off();
  }

  fillPlaces(): void {
    this.placeSel.replaceChildren(h('option', { value: '' }, t('incident.pickPlace')));
    for (const g of this.grids.grids)
      this.placeSel.append(h('option', { value: String(g.id) }, `${g.name} (${t(`grid.${g.kind}` as 'grid.place')})`));
  }

  arm(on: boolean): void {
    this.armed = on;
    this.armBtn.classList.toggle('active', on);
    this.base.map.getContainer().classList.toggle('picking', on);
  }

  private readonly onMapClick = (e: L.LeafletMouseEvent): void => {
    if (!this.armed) return;
    const [lng, lat] = this.base.toWgs(e.latlng);
    void this.query(lng, lat, 'wgs84');
  };

  private fromInputs(): void {
    const lng = Number(this.lngIn.value.trim());
    const lat = Number(this.latIn.value.trim());
    if (!Number.isFinite(lng) || !Number.isFinite(lat) || Math.abs(lng) > 180 || Math.abs(lat) > 90) {
      this.results.replaceChildren(label(h('div', { class: 'error' }), 'incident.badCoords'));
      return;
    }
    void this.query(lng, lat, this.crsSel.value as InputCrs);
  }

  private fromPlace(): void {
    const g = this.grids.grids.find((x) => String(x.id) === this.placeSel.value);
    if (!g) return;
    const [lng, lat] = gridCentre(g);
    void this.query(lng, lat, 'wgs84');
  }

  /** Lists the cameras around a point given in `crs` (the server converts; the marker is drawn in WGS-84). */
  async query(lng: number, lat: number, crs: InputCrs): Promise<void> {
    this.ctrl?.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    const radius = Math.max(1, Math.min(5000, Number(this.radius.value) || 200));
    const [wx, wy] = toWgs84(crs, lng, lat);
    const at = this.base.toLatLng(wx, wy);
    this.marks.clearLayers();
    L.circle(at, { radius, color: '#c53030', weight: 2, fillOpacity: 0.06, interactive: false }).addTo(this.marks);
    L.circleMarker(at, { radius: 6, color: '#c53030', fillOpacity: 1, className: 'incident-point' }).addTo(this.marks);
    this.results.replaceChildren(label(h('div', { class: 'muted' }), 'common.loading'));
    try {
      const r = await api<{ items: Hit[] }>('GET', `/gis/nearby${qs({ lng, lat, radius, crs, limit: 100 })}`, {
        signal: ctrl.signal,
      });
      this.hits = r.items;
      this.renderHits();
    } catch (err) {
      if (ctrl.signal.aborted) return;
      this.results.replaceChildren(
        h('div', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)),
      );
    }
  }

  private renderHits(): void {
    if (!this.ctrl) return;
    this.results.replaceChildren(
      hitList(this.ctx, this.hits, (hit) =>
        this.base.map.setView(
          this.base.toLatLng(hit.camera.lng, hit.camera.lat),
          Math.max(this.base.map.getZoom(), 17),
        ),
      ),
    );
  }
}
