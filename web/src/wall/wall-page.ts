// The console's wall page: a picture of the department's screens (placed as on the wall) and their panes. An operator
// drags a camera from the list (or its search, the top bar's tree and search) onto a pane, or picks one and clicks a
// pane; clears panes, sets layouts, shows and saves views, keeps tours and starts and stops them on screens. Admins
// register, change, re-pair and remove screens.
import type { Camera } from '../../../gateway/contract';
import type { Screen } from '../../../gateway/wall/wall-model';
import { api, qs } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import type { AppContext } from '../core/context';
import { allows } from '../core/roles';
import { attempt } from '../ui/table';
import { dragCamera } from './camera-drag';
import { WallAdmin } from './wall-admin';
import { WALL_LAYOUTS } from './wall-layouts';
import { WallPicture } from './wall-picture';
import { WallTours } from './wall-tours';
import { WallViews } from './wall-views';

export function wallPage(ctx: AppContext): { el: HTMLElement; close: () => void } {
  const drive = allows(ctx.me.role, 'wall-drive');
  const manage = allows(ctx.me.role, 'wall-manage');
  let picked: { id: string; name: string } | null = null;

  const search = h('input', { type: 'search', name: 'camera-search', 'i18n-placeholder': 'wall.cameraSearch' });
  const list = h('ul', { class: 'wall-cameras' });
  const pickedEl = h('p', { class: 'wall-picked muted' }, t(drive ? 'wall.dragHint' : 'wall.readOnly'));

  let admin: WallAdmin | null = null;
  let views: WallViews | null = null;
  let tours: WallTours | null = null;
  /** Names of the cameras the page has seen (its list, the screens' panes), for the tour editor. */
  const names = new Map<string, string>();
  /** Layout, views and (admins) screen controls in each screen's header. */
  const tools = (s: Screen): HTMLElement[] => {
    if (!drive) return [];
    const layoutSel = h('select', { name: 'layout', 'aria-label': t('wall.layout') });
    for (const id of WALL_LAYOUTS) layoutSel.append(h('option', { value: id, selected: id === s.layout }, id));
    layoutSel.addEventListener(
      'change',
      () => void picture.change('PUT', `/wall/screens/${s.id}/layout`, { layout: layoutSel.value }),
    );
    const viewSel = h('select', { name: 'view', 'aria-label': t('wall.views') });
    for (const v of picture.views) viewSel.append(h('option', { value: v.id }, v.name));
    const apply = h('button', {
      class: 'btn small wall-apply-view',
      i18n: 'wall.applyView',
      disabled: picture.views.length === 0,
      onclick: () => void picture.change('POST', `/wall/screens/${s.id}/view`, { viewId: Number(viewSel.value) }),
    });
    return [
      label(h('span'), 'wall.layout'),
      layoutSel,
      viewSel,
      apply,
      ...(views ? [views.saveTool(s)] : []),
      ...(tours ? [tours.tool(s)] : []),
      ...(admin ? admin.tools(s) : []),
    ];
  };
  const picture = new WallPicture(ctx, {
    drive,
    picked: () => picked?.id ?? null,
    tools,
    changed: () => {
      for (const s of picture.screens.values())
        for (const p of s.panes) if (p.cameraId && p.cameraName) names.set(p.cameraId, p.cameraName);
      views?.draw();
      tours?.draw();
    },
  });
  if (manage) admin = new WallAdmin(picture);
  if (drive) {
    views = new WallViews(picture, ctx.me.id);
    tours = new WallTours(picture, { picked: () => picked, cameraName: (id) => names.get(id) ?? null });
    void tours.reload();
  }

  const pick = (c: Camera): void => {
    picked = { id: c.id, name: c.name };
    pickedEl.textContent = `${t('wall.pickCamera')}: ${c.name}`;
    list
      .querySelectorAll<HTMLElement>('.wall-camera')
      .forEach((b) => b.classList.toggle('active', b.dataset.cameraId === c.id));
  };
  const loadCameras = async (): Promise<void> => {
    const q = search.value.trim();
    const page = await attempt(() =>
      api<{ items: Camera[] }>('GET', `/cameras${qs({ q: q || undefined, limit: 50 })}`),
    );
    for (const c of page?.items ?? []) names.set(c.id, c.name);
    list.replaceChildren(
      ...(page?.items ?? []).map((c) => {
        const b = h(
          'button',
          {
            class: `btn small wall-camera${picked?.id === c.id ? ' active' : ''}`,
            'data-camera-id': c.id,
            onclick: () => pick(c),
          },
          c.name,
        );
        return h('li', {}, drive ? dragCamera(b, c.id, c.name) : b);
      }),
    );
  };

  let timer: ReturnType<typeof setTimeout> | null = null;
  search.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void loadCameras(), 250);
  });
  void loadCameras();
  const side = h(
    'aside',
    { class: 'wall-side' },
    label(h('h2'), 'wall.pickCamera'),
    search,
    pickedEl,
    list,
    views?.el ?? null,
  );
  const el = h(
    'div',
    { class: 'page wall-page' },
    side,
    h(
      'div',
      { class: 'wall-main' },
      label(h('h1'), 'wall.pageTitle'),
      picture.el,
      tours?.el ?? null,
      admin?.el ?? null,
    ),
  );
  return { el, close: () => picture.close() };
}
