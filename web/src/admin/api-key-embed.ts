// Admin: an API key's embed settings (camera scope by departments, tags, camera ids and area; allowed actions; allowed
// origins) and its active embed tokens, each revocable. Saved settings narrow the key's existing tokens at once.
import type { ApiKey, EmbedToken } from '../../../gateway/contract';
import { api } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { departmentName, type AppContext } from '../core/context';
import { attempt, field, table, when } from '../ui/table';

const ACTIONS = ['live', 'playback', 'ptz'] as const;

/** A comma-separated list, trimmed, without empties. */
const list = (s: string): string[] =>
  s
    .split(/[,，\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The editor of key `k` (its card: a form, then its tokens). `lastPolygon`: the polygon last drawn on the map, if
 * any (the area). `saved` is called with the key as the gateway answered.
 */
export function apiKeyEmbedEditor(
  ctx: AppContext,
  k: ApiKey,
  lastPolygon: () => Array<[number, number]> | null,
  saved: (k: ApiKey) => void,
): HTMLElement {
  const scope = k.cameraScope;
  const depts = ctx.departments.map((d) =>
    h('input', {
      type: 'checkbox',
      name: 'department',
      value: String(d.id),
      checked: scope.departments?.includes(d.id) ?? false,
    }),
  );
  const tags = h('input', { name: 'tags', value: (scope.tags ?? []).join(', ') });
  const cameraIds = h('input', { name: 'cameraIds', value: (scope.cameraIds ?? []).join(', ') });
  let area = scope.area ?? null;
  const areaText = h('span', { class: 'embed-area' });
  const showArea = (): void => {
    areaText.textContent = t(area ? 'embed.areaSet' : 'embed.areaNone');
    areaText.dataset.set = area ? 'yes' : 'no';
  };
  showArea();
  const useArea = h('button', {
    type: 'button',
    class: 'btn small',
    i18n: 'embed.areaUse',
    onclick: () => {
      const ring = lastPolygon();
      if (!ring) return toast(t('embed.areaMissing'), 'error');
      area = { type: 'Polygon', coordinates: [ring] };
      showArea();
    },
  });
  const clearArea = h('button', {
    type: 'button',
    class: 'btn small',
    i18n: 'embed.areaClear',
    onclick: () => {
      area = null;
      showArea();
    },
  });
  const actions = ACTIONS.map((a) =>
    h('input', { type: 'checkbox', name: 'action', value: a, checked: k.embedActions.includes(a) }),
  );
  const origins = h('textarea', { name: 'origins', rows: 3 });
  origins.value = k.origins.join('\n');
  const tokens = h('div', { class: 'embed-tokens' });
  const form = h(
    'form',
    {
      class: 'card form-grid embed-settings',
      'data-key': k.name,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const departments = depts.filter((d) => d.checked).map((d) => Number(d.value));
        const body = {
          cameraScope: {
            ...(departments.length ? { departments } : {}),
            ...(list(tags.value).length ? { tags: list(tags.value) } : {}),
            ...(list(cameraIds.value).length ? { cameraIds: list(cameraIds.value) } : {}),
            ...(area ? { area } : {}),
          },
          embedActions: actions.filter((a) => a.checked).map((a) => a.value),
          origins: origins.value
            .split('\n')
            .map((o) => o.trim())
            .filter(Boolean),
        };
        const done = await attempt(() => api<ApiKey>('PATCH', `/api-keys/${k.id}`, { body }));
        if (!done) return;
        toast(t('embed.saved'));
        saved(done);
      },
    },
    h('h2', {}, t('embed.title', { name: k.name })),
    h(
      'fieldset',
      { class: 'embed-scope' },
      label(h('legend'), 'embed.scope'),
      h(
        'div',
        { class: 'embed-departments' },
        label(h('span'), 'embed.departments'),
        ...depts.map((d) => h('label', { class: 'check' }, d, departmentName(ctx, Number(d.value)))),
      ),
      field('embed.tags', tags),
      field('embed.cameraIds', cameraIds),
      h('div', { class: 'row' }, label(h('span'), 'embed.area'), areaText, useArea, clearArea),
    ),
    h(
      'fieldset',
      {},
      label(h('legend'), 'embed.actions'),
      ...actions.map((a) => h('label', { class: 'check' }, a, t(`embed.action.${a.value}` as 'embed.action.live'))),
    ),
    field('embed.origins', origins),
    h('button', { class: 'btn primary', type: 'submit', i18n: 'embed.save' }),
    tokens,
  );
  const reload = async (): Promise<void> => {
    const active = (await attempt(() => api<EmbedToken[]>('GET', `/api-keys/${k.id}/embed-tokens`))) ?? [];
    tokens.replaceChildren(
      label(h('h3'), 'embed.tokens'),
      table<EmbedToken>(
        [
          ['embed.label', (x) => x.label],
          ['embed.actions', (x) => x.actions.map((a) => t(`embed.action.${a}`)).join(', ')],
          ['embed.expires', (x) => when(x.expiresAt)],
          [
            'common.actions',
            (x) =>
              h('button', {
                type: 'button',
                class: 'btn small danger',
                i18n: 'common.revoke',
                onclick: async () => {
                  if (await attempt(() => api('DELETE', `/embed/tokens/${x.id}`))) await reload();
                },
              }),
          ],
        ],
        active,
        (x) => ({ 'data-token': String(x.id) }),
      ),
      ...(active.length
        ? [
            h('button', {
              type: 'button',
              class: 'btn small danger revoke-all',
              i18n: 'embed.revokeAll',
              onclick: async () => {
                const r = await attempt(() => api<{ revoked: number }>('DELETE', `/api-keys/${k.id}/embed-tokens`));
                if (!r) return;
                toast(t('embed.revokedCount', { count: r.revoked }));
                await reload();
              },
            }),
          ]
        : []),
    );
  };
  void reload();
  return form;
}
