// A list of camera hits (incident, drawn selection): distance, covering flag, play one or all, export.
import { h, label, download } from '../core/dom';
import { t } from '../core/i18n';
import { canWatch } from '../core/roles';
import { departmentName, statusName, type AppContext } from '../core/context';
import { hitsToCsv, hitsToGeoJson, type Hit } from './export-list';

function metres(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(2)} km` : `${Math.round(m)} m`;
}

/** Renders `hits` into a fresh element; `onLocate` pans the map to one camera. */
export function hitList(ctx: AppContext, hits: Hit[], onLocate: (hit: Hit) => void): HTMLElement {
  const watch = canWatch(ctx.me);
  const head = h(
    'div',
    { class: 'hits-head' },
    h('span', { class: 'hits-count' }, t('hits.count', { n: hits.length })),
  );
  if (hits.length) {
    if (watch)
      head.append(
        h('button', {
          class: 'btn primary small play-all',
          i18n: 'hits.playAll',
          onclick: () => ctx.play(hits.slice(0, 9).map((x) => x.camera)),
        }),
      );
    head.append(
      h('button', {
        class: 'btn small export-csv',
        i18n: 'hits.exportCsv',
        onclick: () => download('cameras.csv', 'text/csv;charset=utf-8', hitsToCsv(hits)),
      }),
      h('button', {
        class: 'btn small export-geojson',
        i18n: 'hits.exportGeoJson',
        onclick: () => download('cameras.geojson', 'application/geo+json', hitsToGeoJson(hits)),
      }),
    );
  }
  const list = h('ol', { class: 'hits' });
  hits.forEach((hit, i) => {
    const c = hit.camera;
    const facts: string[] = [departmentName(ctx, c.departmentId), statusName(c.status)];
    if (hit.distanceM !== undefined) facts.unshift(metres(hit.distanceM));
    if (hit.alongM !== undefined) facts.push(`${t('hits.along')} ${metres(hit.alongM)}`);
    const row = h(
      'li',
      {
        class: `hit${hit.covering ? ' covering' : ''}`,
        'data-camera-id': c.id,
        'data-distance': hit.distanceM ?? '',
        'data-rank': i + 1,
      },
      h(
        'div',
        { class: 'hit-title' },
        h('button', { class: 'link hit-name', onclick: () => onLocate(hit), title: c.tags.join(' · ') }, c.name),
        hit.covering ? label(h('span', { class: 'badge covering-badge' }), 'hits.covering') : null,
      ),
      h('div', { class: 'hit-facts muted' }, facts.join(' · ')),
    );
    if (watch)
      row.append(h('button', { class: 'btn small hit-play', i18n: 'camera.play', onclick: () => ctx.play([c]) }));
    list.append(row);
  });
  if (!hits.length) list.append(label(h('li', { class: 'muted empty' }), 'hits.none'));
  return h('div', { class: 'hit-block' }, head, list);
}
