// Event search: kind, time range, plate (exact or a pattern such as 湘J*8*) and the area drawn on the map → a table of
// the events the caller may see, newest first, page by page; clicking a row centres the map on the event.
import * as L from 'leaflet';
import type { StoredEvent } from '../../../gateway/events/event-model';
import { api, ApiError, qs } from '../core/api';
import { h, label } from '../core/dom';
import { onLang, t } from '../core/i18n';
import type { BaseMap } from '../map/base-map';
import type { Shape } from '../tools/draw-shape';
import { when } from '../ui/table';
import { eventSummary, kindLabel, position } from './event-format';

const KINDS = ['anpr', 'alarm', 'camera', 'custom'] as const;
const PAGE = 50;

/** The search's area parameter for a drawn shape; a route bounds nothing (the API searches boxes, circles, polygons). */
function areaParams(shape: Shape): { near?: string; polygon?: string } | null {
  if (shape.kind === 'circle') return { near: `${shape.centre[0]},${shape.centre[1]},${shape.radiusM}` };
  if (shape.kind === 'polygon') return { polygon: JSON.stringify({ type: 'Polygon', coordinates: [shape.ring] }) };
  return null;
}

/** A datetime-local input's value as an ISO instant (the browser's time zone); '' for none, null when invalid. */
function instant(value: string): string | null | '' {
  if (!value) return '';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export class EventSearch {
  readonly el: HTMLElement;
  private readonly kind: HTMLSelectElement;
  private readonly from = h('input', { type: 'datetime-local', name: 'from', step: 1 });
  private readonly to = h('input', { type: 'datetime-local', name: 'to', step: 1 });
  private readonly plate = h('input', {
    type: 'text',
    name: 'plate',
    maxlength: 32,
    'i18n-placeholder': 'event.plateHint',
  });
  private readonly useShape = h('input', { type: 'checkbox', name: 'area' });
  private readonly results = h('div', { class: 'event-results' });
  private readonly mark = L.layerGroup();
  private rows: StoredEvent[] = [];
  private next: string | null = null;
  private query = '';
  private ctrl: AbortController | null = null;
  private readonly offs: Array<() => void> = [];

  /** `lastShape` gives the shape last drawn with the Select tool, if any. */
  constructor(
    private readonly base: BaseMap,
    private readonly lastShape: () => Shape | null,
  ) {
    this.kind = h('select', { name: 'kind' }, h('option', { value: '', i18n: 'event.kind.any' }));
    for (const k of KINDS) this.kind.append(h('option', { value: k, i18n: `event.kind.${k}` }));
    const field = (key: Parameters<typeof label>[1], input: HTMLElement) =>
      h('label', { class: 'field' }, label(h('span'), key), input);
    this.el = h(
      'div',
      { class: 'tool event-search' },
      label(h('h2'), 'event.title'),
      h(
        'form',
        {
          class: 'event-filters',
          onsubmit: (e: Event) => {
            e.preventDefault();
            void this.search();
          },
        },
        field('event.kind', this.kind),
        field('event.plate', this.plate),
        field('event.from', this.from),
        field('event.to', this.to),
        h('label', { class: 'check' }, this.useShape, label(h('span'), 'event.useShape')),
        h('button', { class: 'btn primary event-go', type: 'submit', i18n: 'common.search' }),
      ),
      this.results,
    );
    this.offs.push(onLang(() => this.render()));
  }

  start(): void {
    this.mark.addTo(this.base.map);
  }

  close(): void {
    this.ctrl?.abort();
    this.mark.remove();
    for (const off of this.offs.splice(0)) off();
  }

  /** Runs the search from the filters (first page). */
  async search(): Promise<void> {
    const from = instant(this.from.value);
    const to = instant(this.to.value);
    if (from === null || to === null || (from && to && from > to)) {
      this.results.replaceChildren(label(h('div', { class: 'error' }), 'event.badTime'));
      return;
    }
    let area: { near?: string; polygon?: string } = {};
    if (this.useShape.checked) {
      const shape = this.lastShape();
      const p = shape ? areaParams(shape) : null;
      if (!p) {
        this.results.replaceChildren(label(h('div', { class: 'error' }), shape ? 'event.routeShape' : 'event.noShape'));
        return;
      }
      area = p;
    }
    this.query = qs({
      kind: this.kind.value || undefined,
      plate: this.plate.value.trim() || undefined,
      from: from || undefined,
      to: to || undefined,
      ...area,
      limit: PAGE,
    });
    this.rows = [];
    this.next = null;
    await this.page(null);
  }

  private async page(cursor: string | null): Promise<void> {
    this.ctrl?.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    if (!cursor) this.results.replaceChildren(label(h('div', { class: 'muted' }), 'common.loading'));
    try {
      const sep = this.query ? '&' : '?';
      const r = await api<{ items: StoredEvent[]; nextCursor: string | null }>(
        'GET',
        `/events${this.query}${cursor ? `${sep}cursor=${encodeURIComponent(cursor)}` : ''}`,
        { signal: ctrl.signal },
      );
      this.rows.push(...r.items);
      this.next = r.nextCursor;
      this.render();
    } catch (err) {
      if (ctrl.signal.aborted) return;
      this.results.replaceChildren(
        h('div', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)),
      );
    }
  }

  private render(): void {
    if (!this.query) return;
    const body = h('tbody');
    for (const e of this.rows)
      body.append(
        h(
          'tr',
          { class: 'event-row', 'data-event': e.id, onclick: () => this.centre(e) },
          h('td', {}, when(e.at)),
          h('td', {}, kindLabel(e.kind)),
          h('td', { class: 'event-what' }, eventSummary(e)),
        ),
      );
    if (!this.rows.length) body.append(h('tr', {}, h('td', { colspan: 3, class: 'muted', i18n: 'common.empty' })));
    const head = h('tr', {}, label(h('th'), 'event.at'), label(h('th'), 'event.kind'), label(h('th'), 'event.what'));
    this.results.replaceChildren(
      h('div', { class: 'muted event-count' }, t('event.count', { n: this.rows.length })),
      h('table', { class: 'data events' }, h('thead', {}, head), body),
      this.next
        ? h('button', { class: 'btn small event-more', i18n: 'event.more', onclick: () => void this.page(this.next) })
        : '',
    );
  }

  /** Centres the map on an event and marks its place. */
  private centre(e: StoredEvent): void {
    const at = this.base.toLatLng(e.lng, e.lat);
    this.mark.clearLayers();
    L.circleMarker(at, { radius: 8, color: '#d69e2e', weight: 3, fillOpacity: 0.4, className: 'event-point' })
      .bindTooltip(`${kindLabel(e.kind)} · ${eventSummary(e)} · ${position(e.lng, e.lat)}`)
      .addTo(this.mark);
    this.results
      .querySelectorAll<HTMLElement>('.event-row')
      .forEach((r) => r.classList.toggle('selected', r.dataset.event === e.id));
    this.base.map.setView(at, Math.max(this.base.map.getZoom(), 17));
  }
}
