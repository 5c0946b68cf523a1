// The console's wall page: a picture of the department's screens (placed as on the wall) and their panes. An operator
// picks a camera from the list (or searches it), clicks a pane to send it there, clears panes, sets layouts, applies views.
import type { Camera } from '../../../gateway/contract';
import type { Screen, View } from '../../../gateway/wall/wall-model';
import { FIXED_LAYOUTS, paneGridArea, wallLayout } from '../../../gis/wall-layout';
import { api, qs } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import type { AppContext } from '../core/context';
import { allows } from '../core/roles';
import { attempt } from '../ui/table';

const LAYOUTS: readonly string[] = [...FIXED_LAYOUTS, 'L4-2', 'L5-3'];

export function wallPage(ctx: AppContext): { el: HTMLElement; close: () => void } {
  const drive = allows(ctx.me.role, 'wall-drive');
  const screens = new Map<number, Screen>();
  let views: View[] = [];
  let picked: { id: string; name: string } | null = null;

  const search = h('input', { type: 'search', name: 'camera-search', 'i18n-placeholder': 'wall.cameraSearch' });
  const list = h('ul', { class: 'wall-cameras' });
  const pickedEl = h('p', { class: 'wall-picked muted' }, t('wall.sendHint'));
  const picture = h('div', { class: 'wall-picture' });

  const loadCameras = async (): Promise<void> => {
    const q = search.value.trim();
    const page = await attempt(() =>
      api<{ items: Camera[] }>('GET', `/cameras${qs({ q: q || undefined, limit: 50 })}`),
    );
    list.replaceChildren(
      ...(page?.items ?? []).map((c) =>
        h(
          'li',
          {},
          h(
            'button',
            {
              class: `btn small wall-camera${picked?.id === c.id ? ' active' : ''}`,
              'data-camera-id': c.id,
              onclick: () => pick(c),
            },
            c.name,
          ),
        ),
      ),
    );
  };
  const pick = (c: Camera): void => {
    picked = { id: c.id, name: c.name };
    pickedEl.textContent = `${t('wall.pickCamera')}: ${c.name}`;
    list
      .querySelectorAll<HTMLElement>('.wall-camera')
      .forEach((b) => b.classList.toggle('active', b.dataset.cameraId === c.id));
  };

  const send = async (s: Screen, pane: number): Promise<void> => {
    if (!picked) {
      toast(t('wall.sendHint'));
      return;
    }
    const next = await attempt(() =>
      api<Screen>('PUT', `/wall/screens/${s.id}/panes/${pane}`, { body: { cameraId: picked!.id } }),
    );
    if (next) {
      update(next);
      toast(t('wall.sent'));
    }
  };
  const change = async (method: string, path: string, body?: unknown): Promise<void> => {
    const next = await attempt(() => api<Screen>(method, path, body === undefined ? {} : { body }));
    if (next) update(next);
  };

  /** One screen as a picture: its name, its panes in its layout, and (for drivers) layout and view pickers. */
  const drawScreen = (s: Screen): HTMLElement => {
    const layout = wallLayout(s.layout);
    const grid = h('div', { class: 'wall-screen-panes' });
    if (layout) {
      grid.style.gridTemplate = `repeat(${layout.grid}, 1fr) / repeat(${layout.grid}, 1fr)`;
      layout.panes.forEach((rect, i) => {
        const p = s.panes[i];
        const cell = h(
          'div',
          { class: `wall-pane${p?.cameraId ? ' filled' : ''}`, 'data-pane': i, 'data-camera-id': p?.cameraId ?? '' },
          h(
            'button',
            { class: 'wall-pane-send', disabled: !drive, onclick: () => void send(s, i) },
            `${i + 1}`,
            h('span', { class: 'wall-pane-camera' }, p?.cameraName ?? ''),
          ),
        );
        if (drive && p?.cameraId)
          cell.append(
            h(
              'button',
              {
                class: 'icon-btn wall-pane-clear',
                'i18n-title': 'wall.clearPane',
                onclick: () => void change('DELETE', `/wall/screens/${s.id}/panes/${i}`),
              },
              '×',
            ),
          );
        cell.style.gridArea = paneGridArea(rect);
        grid.append(cell);
      });
    }
    const tools = h('div', { class: 'wall-screen-tools' });
    if (drive) {
      const layoutSel = h('select', { name: 'layout', 'aria-label': t('wall.layout') });
      for (const id of LAYOUTS) layoutSel.append(h('option', { value: id, selected: id === s.layout }, id));
      layoutSel.addEventListener(
        'change',
        () => void change('PUT', `/wall/screens/${s.id}/layout`, { layout: layoutSel.value }),
      );
      const viewSel = h('select', { name: 'view', 'aria-label': t('wall.views') });
      for (const v of views) viewSel.append(h('option', { value: v.id }, v.name));
      const apply = h('button', {
        class: 'btn small',
        i18n: 'wall.applyView',
        disabled: views.length === 0,
        onclick: () => void change('POST', `/wall/screens/${s.id}/view`, { viewId: Number(viewSel.value) }),
      });
      tools.append(label(h('span'), 'wall.layout'), layoutSel, viewSel, apply);
    }
    const el = h(
      'section',
      { class: 'wall-screen', 'data-screen-id': s.id },
      h('header', {}, h('strong', {}, s.name), tools),
      grid,
    );
    el.style.gridArea = `${s.row + 1} / ${s.col + 1}`;
    return el;
  };

  const draw = (): void => {
    const all = [...screens.values()];
    picture.replaceChildren(
      ...(all.length ? all.map(drawScreen) : [label(h('p', { class: 'muted' }), 'wall.noScreens')]),
    );
  };
  const update = (s: Screen): void => {
    screens.set(s.id, s);
    draw();
  };
  const reload = async (): Promise<void> => {
    const [list, vs] = await Promise.all([
      attempt(() => api<{ items: Screen[] }>('GET', '/wall/screens')),
      attempt(() => api<{ items: View[] }>('GET', '/wall/views')),
    ]);
    views = vs?.items ?? [];
    screens.clear();
    for (const s of list?.items ?? []) screens.set(s.id, s);
    draw();
  };

  let timer: ReturnType<typeof setTimeout> | null = null;
  search.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void loadCameras(), 250);
  });
  const offs = [
    ctx.realtime.on('wall:screen', (m) => {
      if ('closed' in m) {
        screens.delete(m.id);
        draw();
      } else update(m);
    }),
    ctx.realtime.onReconnect(() => void reload()),
  ];
  void reload();
  void loadCameras();
  const side = h('aside', { class: 'wall-side' }, label(h('h2'), 'wall.pickCamera'), search, pickedEl, list);
  const el = h(
    'div',
    { class: 'page wall-page' },
    side,
    h('div', { class: 'wall-main' }, label(h('h1'), 'wall.pageTitle'), picture),
  );
  return { el, close: () => offs.forEach((off) => off()) };
}
