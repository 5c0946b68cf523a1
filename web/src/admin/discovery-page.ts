// Discovery (admins, operators): scan a camera network with live progress; admins register found devices on the map.
import type { FoundDevice, Network, ScanInfo } from '../../../gateway/contract';
import { api } from '../core/api';
import { canRegisterCameras } from '../core/roles';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import type { AppContext } from '../core/context';
import { attempt, field, table, when } from '../ui/table';

type Scan = ScanInfo & { done?: boolean };

export function discoveryPage(ctx: AppContext): { el: HTMLElement; close: () => void } {
  const networksBox = h('div');
  const scansBox = h('div', { class: 'scans' });
  const devicesBox = h('div');
  const progress = new Map<string, HTMLElement>();
  const bar = (s: Scan): HTMLElement => {
    const el = h('div', { class: 'scan-progress', 'data-scan': String(s.id) });
    progress.set(String(s.id), el);
    paint(el, { ...s, done: s.state !== 'running' });
    return el;
  };
  const paint = (el: HTMLElement, s: Partial<Scan>): void => {
    const pct = s.total ? Math.round(((s.probed ?? 0) / s.total) * 100) : 0;
    el.replaceChildren(
      h('progress', { max: 100, value: pct }),
      h('span', {}, t('discovery.progress', { probed: s.probed ?? 0, total: s.total ?? 0, found: s.found ?? 0 })),
      s.done ? label(h('span', { class: 'badge' }), 'discovery.done') : '',
    );
  };
  const loadScans = async (): Promise<void> => {
    const r = await attempt(() => api<Scan[] | { items: Scan[] }>('GET', '/discovery/scans'));
    const scans = Array.isArray(r) ? r : (r?.items ?? []);
    progress.clear();
    scansBox.replaceChildren(
      ...scans.map((s) =>
        h(
          'div',
          { class: 'scan card' },
          h('span', {}, `#${s.id} · ${when(s.startedAt ?? null)}`),
          bar(s),
          s.state !== 'running'
            ? null
            : h('button', {
                class: 'btn small',
                i18n: 'discovery.cancel',
                onclick: async () => {
                  if (await attempt(() => api('DELETE', `/discovery/scans/${s.id}`))) await loadScans();
                },
              }),
        ),
      ),
    );
  };
  const loadDevices = async (): Promise<void> => {
    const r = await attempt(() => api<FoundDevice[] | { items: FoundDevice[] }>('GET', '/discovery/devices'));
    const devices = Array.isArray(r) ? r : (r?.items ?? []);
    devicesBox.replaceChildren(
      table<FoundDevice>(
        [
          ['discovery.xaddr', (d) => h('code', {}, d.xaddr)],
          ['discovery.model', (d) => [d.name, d.hardware].filter(Boolean).join(' · ')],
          // operators scan and see what was found; registering decides where the gateway connects (admins)
          ['common.actions', (d) => (canRegisterCameras(ctx.me) ? registerForm(d) : '')],
        ],
        devices,
      ),
    );
  };
  const registerForm = (d: FoundDevice): HTMLElement => {
    const [lng, lat] = ctx.config.map.center;
    const name = h('input', { name: 'name', required: true, value: d.name ?? d.hardware ?? '' });
    const lngIn = h('input', { name: 'lng', required: true, value: String(lng), inputmode: 'decimal' });
    const latIn = h('input', { name: 'lat', required: true, value: String(lat), inputmode: 'decimal' });
    const user = h('input', { name: 'username', autocomplete: 'off' });
    const pass = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
    const form = h(
      'form',
      {
        class: 'register-form',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const body = {
            xaddr: d.xaddr,
            networkId: d.networkId,
            name: name.value.trim(),
            lng: Number(lngIn.value),
            lat: Number(latIn.value),
            ...(user.value ? { username: user.value, password: pass.value } : {}),
          };
          if (await attempt(() => api('POST', '/discovery/devices/register', { body }))) {
            toast(t('discovery.registered'));
            await loadDevices();
          }
        },
      },
      field('camera.name', name),
      field('incident.lng', lngIn),
      field('incident.lat', latIn),
      field('discovery.username', user),
      field('discovery.password', pass),
      h('button', { class: 'btn small primary', type: 'submit', i18n: 'discovery.register' }),
    );
    return form;
  };
  const loadNetworks = async (): Promise<void> => {
    const nets = (await attempt(() => api<Network[]>('GET', '/networks'))) ?? [];
    networksBox.replaceChildren(
      table<Network>(
        [
          ['discovery.network', (n) => n.name],
          ['discovery.cidrs', (n) => n.cidrs.join(', ')],
          ['discovery.interface', (n) => n.interface],
          [
            'common.actions',
            (n) =>
              h('button', {
                class: 'btn small primary',
                i18n: 'discovery.scan',
                onclick: async () => {
                  if (await attempt(() => api('POST', '/discovery/scans', { body: { networkId: n.id } })))
                    await loadScans();
                },
              }),
          ],
        ],
        nets,
      ),
    );
  };
  const off = ctx.realtime.on('scan:progress', (e) => {
    const el = progress.get(String(e.scanId));
    if (el) paint(el, e);
    else void loadScans();
    if (e.done) void loadDevices();
  });
  void loadNetworks();
  void loadScans();
  void loadDevices();
  const el = h(
    'div',
    { class: 'page admin-page discovery-page' },
    label(h('h1'), 'nav.discovery'),
    label(h('h2'), 'discovery.networks'),
    networksBox,
    label(h('h2'), 'discovery.scans'),
    scansBox,
    label(h('h2'), 'discovery.devices'),
    devicesBox,
  );
  return { el, close: off };
}
