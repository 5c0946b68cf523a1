// Draw to select: circle / polygon / route on the map → the cameras inside or along it, playable and exportable.
import { api, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { onLang } from '../core/i18n';
import type { AppContext } from '../core/context';
import type { BaseMap } from '../map/base-map';
import type { Hit } from './export-list';
import { hitList } from './hit-list';
import { ShapeDrawer, type Shape, type ShapeKind } from './draw-shape';

export class SelectPanel {
  readonly el: HTMLElement;
  private readonly results: HTMLElement;
  private readonly buffer: HTMLInputElement;
  private drawer: ShapeDrawer | null = null;
  private hits: Hit[] | null = null;
  /** The last finished polygon (WGS-84), offered to the share form. */
  lastPolygon: Array<[number, number]> | null = null;
  /** The last finished shape (tests and the share form read it). */
  lastShape: Shape | null = null;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly base: BaseMap,
  ) {
    this.buffer = h('input', { type: 'number', name: 'buffer', min: 1, max: 2000, value: '50' });
    this.results = h('div', { class: 'select-results' });
    const tool = (kind: ShapeKind): HTMLButtonElement =>
      h('button', {
        class: `btn draw-${kind}`,
        'data-kind': kind,
        i18n: `draw.${kind}`,
        onclick: () => this.draw(kind),
      });
    this.el = h(
      'div',
      { class: 'tool select-panel' },
      label(h('h2'), 'draw.title'),
      h('div', { class: 'row' }, tool('circle'), tool('polygon'), tool('route')),
      h('label', { class: 'field' }, label(h('span'), 'draw.buffer'), this.buffer),
      label(h('p', { class: 'muted' }), 'draw.help'),
      h(
        'div',
        { class: 'row' },
        h('button', { class: 'btn small draw-finish', i18n: 'draw.finish', onclick: () => this.drawer?.finish() }),
        h('button', { class: 'btn small draw-clear', i18n: 'draw.clear', onclick: () => this.reset() }),
      ),
      this.results,
    );
    this.offs.push(onLang(() => this.render()));
  }

  draw(kind: ShapeKind): void {
    this.drawer?.clear();
    this.el
      .querySelectorAll<HTMLElement>('[data-kind]')
      .forEach((b) => b.classList.toggle('active', b.dataset.kind === kind));
    this.drawer = new ShapeDrawer(this.base, kind, (shape) => {
      this.el.querySelectorAll<HTMLElement>('[data-kind]').forEach((b) => b.classList.remove('active'));
      if (shape) void this.query(shape);
    });
    this.drawer.start();
  }

  reset(): void {
    this.drawer?.clear();
    this.drawer = null;
    this.hits = null;
    this.results.replaceChildren();
  }

  close(): void {
    this.reset();
    for (const off of this.offs.splice(0)) off();
  }

  async query(shape: Shape): Promise<void> {
    this.lastShape = shape;
    this.results.replaceChildren(label(h('div', { class: 'muted' }), 'common.loading'));
    try {
      let r: { items: Hit[] };
      if (shape.kind === 'circle')
        r = await api('POST', '/gis/within', {
          body: { circle: { lng: shape.centre[0], lat: shape.centre[1], radiusM: shape.radiusM }, limit: 500 },
        });
      else if (shape.kind === 'polygon') {
        this.lastPolygon = shape.ring;
        r = await api('POST', '/gis/within', {
          body: { polygon: { type: 'Polygon', coordinates: [shape.ring] }, limit: 500 },
        });
      } else
        r = await api('POST', '/gis/along', {
          body: {
            line: { type: 'LineString', coordinates: shape.line },
            distanceM: Math.max(1, Number(this.buffer.value) || 50),
          },
        });
      this.hits = r.items;
      this.render();
    } catch (err) {
      this.results.replaceChildren(
        h('div', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)),
      );
    }
  }

  private render(): void {
    if (!this.hits) return;
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
