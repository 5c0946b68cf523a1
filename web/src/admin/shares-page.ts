// Admin: share grants to other departments (all / tags / camera list / polygon, with expiry) and revocation.
import type { Share } from '../../../gateway/contract';
import { api } from '../core/api';
import { h, label, select, toast } from '../core/dom';
import { t } from '../core/i18n';
import { departmentName, type AppContext } from '../core/context';
import { attempt, field, table, when } from '../ui/table';

const KINDS = ['all', 'tags', 'cameras', 'polygon'] as const;

/** `lastPolygon` returns the polygon last drawn on the map (WGS-84 ring), if any. */
export function sharesPage(ctx: AppContext, lastPolygon: () => Array<[number, number]> | null): HTMLElement {
  const list = h('div');
  const reload = async (): Promise<void> => {
    const shares = (await attempt(() => api<Share[]>('GET', '/shares'))) ?? [];
    list.replaceChildren(
      table<Share>(
        [
          ['share.from', (s) => departmentName(ctx, s.fromDepartmentId)],
          ['share.to', (s) => departmentName(ctx, s.toDepartmentId)],
          ['share.kind', (s) => t(`share.kind.${s.kind}` as 'share.kind.all')],
          [
            'share.what',
            (s) =>
              s.kind === 'tags'
                ? s.tags.join(', ')
                : s.kind === 'cameras'
                  ? s.cameraIds.join(', ')
                  : s.kind === 'polygon'
                    ? t('share.kind.polygon')
                    : '',
          ],
          ['share.grants', (s) => t(`share.grants.${s.grants}` as 'share.grants.live')],
          ['share.expires', (s) => (s.expiresAt ? when(s.expiresAt) : t('share.never'))],
          ['share.note', (s) => s.note],
          [
            'common.actions',
            (s) =>
              s.revokedAt
                ? label(h('span', { class: 'muted' }), 'common.revoked')
                : ctx.me.role === 'admin'
                  ? h('button', {
                      class: 'btn small danger',
                      i18n: 'common.revoke',
                      onclick: async () => {
                        if (await attempt(() => api('DELETE', `/shares/${s.id}`))) await reload();
                      },
                    })
                  : null,
          ],
        ],
        shares,
        (s) => ({ 'data-share': String(s.id) }),
      ),
    );
  };
  const to = select(
    'toDepartmentId',
    ctx.departments.filter((d) => d.id !== ctx.me.departmentId).map((d) => [String(d.id), departmentName(ctx, d.id)]),
  );
  const kind = select(
    'kind',
    KINDS.map((k) => [k, t(`share.kind.${k}` as 'share.kind.all')]),
    'tags',
  );
  const tags = h('input', { name: 'tags', 'i18n-placeholder': 'share.tagsHint' });
  const ids = h('input', { name: 'cameraIds', 'i18n-placeholder': 'share.idsHint' });
  const polygon = h('textarea', { name: 'polygon', rows: 3, 'i18n-placeholder': 'share.polygonHint' });
  const useDrawn = h('button', {
    type: 'button',
    class: 'btn small',
    i18n: 'share.useDrawn',
    onclick: () => {
      const ring = lastPolygon();
      if (ring) polygon.value = JSON.stringify({ type: 'Polygon', coordinates: [ring] });
      else toast(t('share.noDrawn'), 'error');
    },
  });
  const grants = select(
    'grants',
    (['live', 'live+playback'] as const).map((g) => [g, t(`share.grants.${g}` as 'share.grants.live')]),
    'live',
  );
  const expires = h('input', { name: 'expiresAt', type: 'datetime-local' });
  const note = h('input', { name: 'note' });
  const split = (s: string): string[] =>
    s
      .split(/[,，;\s]+/)
      .map((x) => x.trim())
      .filter(Boolean);
  const form = h(
    'form',
    {
      class: 'card form-grid',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        let poly: unknown = null;
        if (kind.value === 'polygon') {
          try {
            poly = JSON.parse(polygon.value);
          } catch {
            toast(t('share.badPolygon'), 'error');
            return;
          }
        }
        const body = {
          toDepartmentId: Number(to.value),
          kind: kind.value,
          tags: kind.value === 'tags' ? split(tags.value) : [],
          cameraIds: kind.value === 'cameras' ? split(ids.value) : [],
          polygon: poly,
          grants: grants.value,
          note: note.value,
          expiresAt: expires.value ? new Date(expires.value).toISOString() : null,
        };
        if (await attempt(() => api('POST', '/shares', { body }))) {
          toast(t('common.created'));
          form.reset();
          await reload();
        }
      },
    },
    field('share.to', to),
    field('share.kind', kind),
    field('share.tags', tags),
    field('share.cameraIds', ids),
    h('div', { class: 'field' }, field('share.polygon', polygon), useDrawn),
    field('share.grants', grants),
    field('share.expires', expires),
    field('share.note', note),
    h('button', { class: 'btn primary', type: 'submit', i18n: 'share.create' }),
  );
  void reload();
  return h(
    'div',
    { class: 'page admin-page shares-page' },
    label(h('h1'), 'nav.shares'),
    ctx.me.role === 'admin' ? form : null,
    list,
  );
}
