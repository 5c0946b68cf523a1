// Console settings: language (zh-CN / en) and wall density (large-screen sizing), remembered in localStorage.
import { h } from '../core/dom';
import { currentLang, setLang, type Lang } from '../core/i18n';

const DENSITY_KEY = 'cloudeye.density';
export type Density = 'normal' | 'wall';

export function langSwitch(): HTMLSelectElement {
  const s = h(
    'select',
    { class: 'lang-switch', name: 'lang', 'aria-label': 'Language / 语言' },
    h('option', { value: 'zh-CN' }, '中文'),
    h('option', { value: 'en' }, 'English'),
  );
  s.value = currentLang();
  s.addEventListener('change', () => setLang(s.value as Lang));
  return s;
}

export function currentDensity(): Density {
  try {
    return localStorage.getItem(DENSITY_KEY) === 'wall' ? 'wall' : 'normal';
  } catch {
    return 'normal';
  }
}

export function applyDensity(d: Density): void {
  document.documentElement.dataset.density = d;
  try {
    localStorage.setItem(DENSITY_KEY, d);
  } catch {
    /* not remembered */
  }
}

export function densitySwitch(onChange: () => void): HTMLButtonElement {
  const b = h('button', { class: 'btn small density-switch', 'i18n-title': 'settings.density', i18n: 'settings.wall' });
  const sync = (): void => {
    b.classList.toggle('active', currentDensity() === 'wall');
  };
  b.addEventListener('click', () => {
    applyDensity(currentDensity() === 'wall' ? 'normal' : 'wall');
    sync();
    onChange();
  });
  sync();
  return b;
}
