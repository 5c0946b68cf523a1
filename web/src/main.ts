// Console entry: language, client config, session → login page or the signed-in shell.
import type { Department } from '../../gateway/contract';
import { api, hasSession, onSessionExpired, type Me } from './core/api';
import { applyLang } from './core/i18n';
import { h, label } from './core/dom';
import { Realtime } from './core/realtime';
import type { AppContext } from './core/context';
import type { ClientConfig } from './map/base-map';
import { loginPage } from './ui/login-page';
import { Shell } from './ui/shell';
import { applyDensity, currentDensity } from './ui/settings';
import { ScreenPage, screenIdOf } from './screen/screen-page';

const root = document.getElementById('app') ?? document.body;
let shell: Shell | null = null;
let realtime: Realtime | null = null;

const FALLBACK_CONFIG: ClientConfig = {
  map: { center: [116.397, 39.909], zoom: 12, baseLayers: [] },
  gis: { defaultRangeM: 80 },
};

async function clientConfig(): Promise<ClientConfig> {
  try {
    const res = await fetch('/api/v1/client-config');
    const c = (await res.json()) as Partial<ClientConfig>;
    return { map: { ...FALLBACK_CONFIG.map, ...(c.map ?? {}) }, gis: { ...FALLBACK_CONFIG.gis, ...(c.gis ?? {}) } };
  } catch {
    return FALLBACK_CONFIG;
  }
}

function showLogin(): void {
  shell?.close();
  shell = null;
  realtime?.close();
  realtime = null;
  root.replaceChildren(loginPage(() => void showConsole()));
  applyLang(root);
}

async function showConsole(): Promise<void> {
  try {
    const [me, departments, config] = await Promise.all([
      api<Me>('GET', '/auth/me'),
      api<Department[]>('GET', '/departments'),
      clientConfig(),
    ]);
    realtime = new Realtime();
    realtime.start();
    const ctx: AppContext = { me, departments, realtime, config, play: () => undefined };
    shell = new Shell(ctx, showLogin);
    root.replaceChildren(shell.el);
    applyLang(root);
    shell.start();
  } catch {
    showLogin();
  }
}

applyDensity(currentDensity());
applyLang(document);
const screenId = screenIdOf(location.pathname);
if (screenId !== null) new ScreenPage(root, screenId).start();
else {
  onSessionExpired(showLogin);
  if (hasSession()) {
    root.replaceChildren(label(h('p', { class: 'muted boot' }), 'common.loading'));
    void showConsole();
  } else showLogin();
}
