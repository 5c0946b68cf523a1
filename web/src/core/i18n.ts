// Language state: zh-CN (default) or en; t() looks labels up in the dictionary, setLang() relabels the page.
import { MESSAGES, type MsgKey } from './messages';

export type { MsgKey };
export type Lang = 'zh-CN' | 'en';
const STORAGE_KEY = 'cloudeye.lang';
let lang: Lang = readStored();
const listeners = new Set<(l: Lang) => void>();

function readStored(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function currentLang(): Lang {
  return lang;
}

/** The label for `key`; `{name}` placeholders are filled from `vars`. */
export function t(key: MsgKey, vars: Record<string, string | number> = {}): string {
  const entry = MESSAGES[key];
  let s: string = lang === 'en' ? entry[1] : entry[0];
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

/** Whether `key` is a known label (used for server-provided enums such as statuses). */
export function has(key: string): key is MsgKey {
  return Object.prototype.hasOwnProperty.call(MESSAGES, key);
}

/** Switches language: <html lang>, every [data-i18n*] element, then subscribers re-render dynamic parts. */
export function setLang(next: Lang): void {
  lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  applyLang(document);
  for (const l of listeners) l(next);
}

export function applyLang(root: Document | Element): void {
  document.documentElement.lang = lang;
  document.title = t('app.title');
  root.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => (el.textContent = t(el.dataset.i18n as MsgKey)));
  root
    .querySelectorAll<HTMLElement>('[data-i18n-placeholder]')
    .forEach((el) => el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder as MsgKey)));
  root
    .querySelectorAll<HTMLElement>('[data-i18n-title]')
    .forEach((el) => el.setAttribute('title', t(el.dataset.i18nTitle as MsgKey)));
}

/** Subscribes to language changes; returns the unsubscribe. */
export function onLang(fn: (l: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
