// Tiny DOM helpers: element creation with attributes, children and translated labels.
import { t, type MsgKey } from './i18n';

type Child = Node | string | number | null | undefined | false;
export type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

/** Creates an element: `on*` attributes become listeners, `i18n` a translated text (kept in sync on language change). */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'i18n') label(el, v as MsgKey);
    else if (k === 'i18n-placeholder') {
      el.setAttribute('data-i18n-placeholder', String(v));
      el.setAttribute('placeholder', t(v as MsgKey));
    } else if (k === 'i18n-title') {
      el.setAttribute('data-i18n-title', String(v));
      el.setAttribute('title', t(v as MsgKey));
    } else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children)
    if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

/** Sets a translated text that follows language switches. */
export function label<E extends HTMLElement>(el: E, key: MsgKey): E {
  el.setAttribute('data-i18n', key);
  el.textContent = t(key);
  return el;
}

/** A <select> from [value, label] pairs. */
export function select(name: string, options: Array<[string, string]>, value = ''): HTMLSelectElement {
  const s = h('select', { name });
  for (const [v, l] of options) s.append(h('option', { value: v, selected: v === value }, l));
  return s;
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** Shows a short message at the bottom of the screen. */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  const el = h('div', { class: `toast toast-${kind}`, role: 'status' }, message);
  document.body.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 6000 : 3500);
}

/** Triggers a download of text content generated in the browser. */
export function download(filename: string, type: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = h('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
