// "Send to screen", the click alternative to dragging: a screen picker and a button that puts the camera on the
// screen's first empty pane (its first pane when all are taken).
import type { Screen } from '../../../gateway/wall/wall-model';
import { api } from '../core/api';
import { h, toast } from '../core/dom';
import { t } from '../core/i18n';
import { attempt } from '../ui/table';

export function sendToScreen(cameraId: string): HTMLElement {
  const sel = h('select', { name: 'send-screen', 'aria-label': t('wall.sendToScreen') });
  const button = h('button', { class: 'btn small send-to-screen', type: 'button', i18n: 'wall.sendToScreen' });
  const el = h('div', { class: 'send-to-screen-row', hidden: true }, sel, button);
  let screens: Screen[] = [];
  void api<{ items: Screen[] }>('GET', '/wall/screens')
    .then((r) => {
      screens = r.items;
      for (const s of screens) sel.append(h('option', { value: s.id }, s.name));
      el.hidden = screens.length === 0;
    })
    .catch(() => undefined);
  button.addEventListener('click', async () => {
    const s = screens.find((x) => x.id === Number(sel.value));
    if (!s) return;
    const free = s.panes.findIndex((p) => !p.cameraId);
    const next = await attempt(() =>
      api<Screen>('PUT', `/wall/screens/${s.id}/panes/${Math.max(0, free)}`, { body: { cameraId } }),
    );
    if (!next) return;
    screens = screens.map((x) => (x.id === next.id ? next : x));
    toast(t('wall.sent'));
  });
  return el;
}
