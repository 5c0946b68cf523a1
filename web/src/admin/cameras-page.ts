// Admin: the camera registry as a table (search, paging), CSV/GeoJSON import and export, and "edit on map".
import type { Camera } from '../../../gateway/contract';
import { api, qs, request } from '../core/api';
import { download, h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { departmentName, statusName, type AppContext } from '../core/context';
import { attempt, table } from '../ui/table';

export function camerasPage(ctx: AppContext, locate: (cam: Camera) => void): HTMLElement {
  const list = h('div');
  const q = h('input', { type: 'search', name: 'q', 'i18n-placeholder': 'filter.searchHint' });
  const more = h('button', { class: 'btn', i18n: 'common.more', hidden: true });
  let rows: Camera[] = [];
  let cursor: string | null = null;
  const load = async (reset: boolean): Promise<void> => {
    if (reset) {
      rows = [];
      cursor = null;
    }
    const page = await attempt(() =>
      api<{ items: Camera[]; nextCursor: string | null }>(
        'GET',
        `/cameras${qs({ q: q.value.trim(), limit: 100, cursor: cursor ?? undefined })}`,
      ),
    );
    if (!page) return;
    rows = rows.concat(page.items);
    cursor = page.nextCursor;
    more.hidden = !cursor;
    list.replaceChildren(
      table<Camera>(
        [
          ['camera.name', (c) => c.name],
          ['camera.department', (c) => departmentName(ctx, c.departmentId)],
          ['camera.status', (c) => statusName(c.status)],
          ['camera.position', (c) => `${c.lng.toFixed(5)}, ${c.lat.toFixed(5)}`],
          ['camera.bearing', (c) => (c.bearing === null ? '' : `${c.bearing}° / ${c.fov ?? '–'}°`)],
          ['camera.tags', (c) => c.tags.join(', ')],
          [
            'common.actions',
            (c) => h('button', { class: 'btn small', i18n: 'camera.editOnMap', onclick: () => locate(c) }),
          ],
        ],
        rows,
        (c) => ({ 'data-camera-id': c.id }),
      ),
    );
  };
  more.addEventListener('click', () => void load(false));
  q.addEventListener('change', () => void load(true));
  const file = h('input', { type: 'file', accept: '.csv,.geojson,.json,text/csv,application/geo+json' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    const type = /\.csv$/i.test(f.name) ? 'text/csv' : 'application/geo+json';
    const text = await f.text();
    const r = await attempt(() => api<{ imported: number }>('POST', '/cameras/import', { raw: { type, text } }));
    file.value = '';
    if (r) {
      toast(t('camera.imported', { n: r.imported }));
      await load(true);
    }
  });
  const exportAs = async (ext: 'csv' | 'geojson'): Promise<void> => {
    const res = await attempt(() => request('GET', `/cameras/export.${ext}${qs({ q: q.value.trim() })}`));
    if (res)
      download(`cameras.${ext}`, ext === 'csv' ? 'text/csv;charset=utf-8' : 'application/geo+json', await res.text());
  };
  void load(true);
  return h(
    'div',
    { class: 'page admin-page cameras-page' },
    label(h('h1'), 'nav.cameras'),
    h(
      'div',
      { class: 'card row' },
      q,
      h('label', { class: 'btn' }, label(h('span'), 'camera.import'), file),
      h('button', { class: 'btn', i18n: 'hits.exportCsv', onclick: () => void exportAs('csv') }),
      h('button', { class: 'btn', i18n: 'hits.exportGeoJson', onclick: () => void exportAs('geojson') }),
    ),
    label(h('p', { class: 'muted' }), 'camera.editHint'),
    list,
    more,
  );
}
