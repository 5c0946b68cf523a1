// Filters and search for the cameras layer (department, status, tag, name) and the grids/places layer toggle.
import { h, label } from '../core/dom';
import { onLang, t } from '../core/i18n';
import { departmentName, statusName, type AppContext } from '../core/context';
import type { CameraFilters } from '../map/camera-layer';

const STATUSES = ['online', 'offline', 'degraded', 'unauthorized', 'unknown'];

export class FilterPanel {
  readonly el: HTMLElement;
  private readonly dept: HTMLSelectElement;
  private readonly status: HTMLSelectElement;
  private readonly tag: HTMLInputElement;
  private readonly q: HTMLInputElement;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly onFilters: (f: CameraFilters) => void,
    onGrids: (visible: boolean) => void,
  ) {
    this.dept = h('select', { name: 'department' });
    this.status = h('select', { name: 'status' });
    this.tag = h('input', { type: 'text', name: 'tag', 'i18n-placeholder': 'filter.tagHint' });
    this.q = h('input', { type: 'search', name: 'q', 'i18n-placeholder': 'filter.searchHint' });
    const gridsBox = h('input', {
      type: 'checkbox',
      name: 'grids',
      checked: true,
      onchange: () => onGrids(gridsBox.checked),
    });
    this.fillOptions();
    for (const s of [this.dept, this.status]) s.addEventListener('change', () => this.emit());
    for (const i of [this.tag, this.q]) i.addEventListener('input', () => this.emitSoon());
    this.el = h(
      'div',
      { class: 'tool filter-panel' },
      label(h('h2'), 'filter.title'),
      h('label', { class: 'field' }, label(h('span'), 'filter.search'), this.q),
      h('label', { class: 'field' }, label(h('span'), 'camera.department'), this.dept),
      h('label', { class: 'field' }, label(h('span'), 'camera.status'), this.status),
      h('label', { class: 'field' }, label(h('span'), 'filter.tag'), this.tag),
      h('label', { class: 'check' }, gridsBox, label(h('span'), 'filter.showGrids')),
      this.legend(),
    );
    this.offs.push(onLang(() => this.fillOptions()));
  }

  private fillOptions(): void {
    const d = this.dept.value;
    const s = this.status.value;
    this.dept.replaceChildren(
      h('option', { value: '' }, t('filter.all')),
      ...this.ctx.departments.map((x) => h('option', { value: String(x.id) }, departmentName(this.ctx, x.id))),
    );
    this.status.replaceChildren(
      h('option', { value: '' }, t('filter.all')),
      ...STATUSES.map((x) => h('option', { value: x }, statusName(x))),
    );
    this.dept.value = d;
    this.status.value = s;
  }

  private legend(): HTMLElement {
    const box = h('div', { class: 'legend' });
    for (const s of STATUSES)
      box.append(
        h(
          'span',
          { class: 'legend-item' },
          h('span', { class: `status-dot status-${s}` }),
          label(h('span'), `status.${s}` as 'status.online'),
        ),
      );
    return box;
  }

  private emitSoon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.emit(), 300);
  }

  private emit(): void {
    this.onFilters({
      department: this.dept.value,
      status: this.status.value,
      tag: this.tag.value.trim(),
      q: this.q.value.trim(),
    });
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
  }
}
