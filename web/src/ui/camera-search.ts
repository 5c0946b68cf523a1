// The top bar's camera search: type a name, id, tag or address, pick from the list (mouse or arrow keys + Enter).
import type { CameraSearchHit } from '../../../gateway/contract';
import { api, qs, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import { statusName } from '../core/context';
import { dragCamera } from '../wall/camera-drag';

/** Waits this long after the last key before asking the gateway (ms). */
const DEBOUNCE_MS = 250;

export class CameraSearch {
  readonly el: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly list: HTMLElement;
  private hits: CameraSearchHit[] = [];
  private active = -1;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ctrl: AbortController | null = null;

  constructor(private readonly onPick: (hit: CameraSearchHit) => void) {
    this.input = h('input', {
      type: 'search',
      name: 'camera-search',
      autocomplete: 'off',
      role: 'combobox',
      'aria-expanded': 'false',
      'i18n-placeholder': 'search.placeholder',
      'i18n-title': 'search.label',
    });
    this.list = h('ul', { class: 'search-results', role: 'listbox', hidden: true });
    this.el = h('div', { class: 'camera-search' }, this.input, this.list);
    this.input.addEventListener('input', () => this.soon());
    this.input.addEventListener('keydown', this.onKey);
    this.input.addEventListener('focus', () => {
      if (this.input.value.trim()) this.show(true);
    });
    document.addEventListener('mousedown', this.onOutside);
  }

  close(): void {
    document.removeEventListener('mousedown', this.onOutside);
    this.ctrl?.abort();
    if (this.timer) clearTimeout(this.timer);
  }

  private readonly onOutside = (e: MouseEvent): void => {
    if (!this.el.contains(e.target as Node)) this.show(false);
  };

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') this.show(false);
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!this.hits.length) return;
      this.active = (this.active + (e.key === 'ArrowDown' ? 1 : this.hits.length - 1)) % this.hits.length;
      this.render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const hit = this.hits[Math.max(0, this.active)];
      if (hit) this.pick(hit);
    }
  };

  private soon(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), DEBOUNCE_MS);
  }

  private async run(): Promise<void> {
    const text = this.input.value.trim();
    this.ctrl?.abort();
    if (!text) {
      this.hits = [];
      this.show(false);
      return;
    }
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    try {
      const r = await api<{ items: CameraSearchHit[] }>('GET', `/cameras/search${qs({ q: text, limit: 20 })}`, {
        signal: ctrl.signal,
      });
      this.hits = r.items;
      this.active = -1;
      this.render();
    } catch (err) {
      if (ctrl.signal.aborted) return;
      this.hits = [];
      this.list.replaceChildren(
        h('li', { class: 'search-error error' }, err instanceof ApiError ? err.describe() : String(err)),
      );
    }
    this.show(true);
  }

  private render(): void {
    if (!this.hits.length) {
      this.list.replaceChildren(label(h('li', { class: 'search-none muted' }), 'search.none'));
      return;
    }
    this.list.replaceChildren(
      ...this.hits.map((hit, i) =>
        dragCamera(
          h(
            'li',
            {
              class: `search-hit${i === this.active ? ' active' : ''}`,
              role: 'option',
              'data-camera-id': hit.id,
              // no preventDefault on mousedown: it would keep a hit from being dragged onto a wall pane
              onclick: () => this.pick(hit),
            },
            h(
              'div',
              { class: 'hit-line' },
              h('span', { class: `status-dot status-${hit.status}`, title: statusName(hit.status) }),
              h('strong', { class: 'hit-name' }, hit.name),
              h('span', { class: 'hit-id muted' }, `#${hit.id}`),
              h('span', { class: 'badge hit-match' }, t(`search.match.${hit.match}`)),
            ),
            hit.address ? h('div', { class: 'hit-address muted' }, hit.address) : null,
            hit.tags.length
              ? h('div', { class: 'hit-tags' }, ...hit.tags.map((tag) => h('span', { class: 'badge' }, tag)))
              : null,
          ),
          hit.id,
          hit.name,
        ),
      ),
    );
  }

  private pick(hit: CameraSearchHit): void {
    this.show(false);
    this.onPick(hit);
  }

  private show(on: boolean): void {
    this.list.hidden = !on;
    this.input.setAttribute('aria-expanded', String(on));
  }
}
