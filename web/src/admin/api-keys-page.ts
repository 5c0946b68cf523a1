// Admin: integrator API keys: list, create (the key is shown once), revoke; each key's embed settings and tokens.
import type { ApiKey } from '../../../gateway/contract';
import { api } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import { attempt, field, table, when } from '../ui/table';
import type { AppContext } from '../core/context';
import { apiKeyEmbedEditor } from './api-key-embed';

/** `lastPolygon`: the polygon last drawn on the map (an embed area), if any. */
export function apiKeysPage(ctx: AppContext, lastPolygon: () => Array<[number, number]> | null): HTMLElement {
  const list = h('div');
  const editor = h('div', { class: 'embed-editor' });
  const edit = (k: ApiKey): void => {
    editor.replaceChildren(
      apiKeyEmbedEditor(ctx, k, lastPolygon, (done) => {
        edit(done);
        void reload();
      }),
    );
  };
  const shown = h('div', { class: 'new-key' });
  const reload = async (): Promise<void> => {
    const keys = (await attempt(() => api<ApiKey[]>('GET', '/api-keys'))) ?? [];
    list.replaceChildren(
      table<ApiKey>(
        [
          ['apiKey.name', (k) => k.name],
          ['apiKey.prefix', (k) => h('code', {}, `${k.prefix}…`)],
          ['apiKey.scopes', (k) => k.scopes.join(', ')],
          ['embed.originList', (k) => k.origins.join(' ')],
          ['common.createdAt', (k) => when(k.createdAt)],
          ['apiKey.lastUsed', (k) => when(k.lastUsedAt)],
          [
            'common.actions',
            (k) =>
              k.revokedAt
                ? label(h('span', { class: 'muted' }), 'common.revoked')
                : h(
                    'span',
                    { class: 'row' },
                    h('button', { class: 'btn small embed-btn', i18n: 'embed.settings', onclick: () => edit(k) }),
                    h('button', {
                      class: 'btn small danger',
                      i18n: 'common.revoke',
                      onclick: async () => {
                        if (await attempt(() => api('DELETE', `/api-keys/${k.id}`))) await reload();
                      },
                    }),
                  ),
          ],
        ],
        keys,
        (k) => ({ 'data-key': k.name }),
      ),
    );
  };
  const name = h('input', { name: 'name', required: true });
  // recorded footage is never granted by default
  const scopes = ['view', 'spatial', 'events', 'playback'].map((s) =>
    h('input', { type: 'checkbox', name: 'scope', value: s, checked: s !== 'playback' }),
  );
  const form = h(
    'form',
    {
      class: 'card form-grid',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const body = { name: name.value.trim(), scopes: scopes.filter((s) => s.checked).map((s) => s.value) };
        const created = await attempt(() => api<ApiKey & { key: string }>('POST', '/api-keys', { body }));
        if (!created) return;
        form.reset();
        // the only time the key exists in clear: shown once, never stored
        shown.replaceChildren(
          label(h('strong'), 'apiKey.copyNow'),
          h('code', { class: 'key-value' }, created.key),
          h('button', {
            class: 'btn small',
            i18n: 'common.copy',
            type: 'button',
            onclick: () => void navigator.clipboard?.writeText(created.key),
          }),
          h('button', {
            class: 'btn small',
            type: 'button',
            i18n: 'common.dismiss',
            onclick: () => shown.replaceChildren(),
          }),
        );
        await reload();
      },
    },
    field('apiKey.name', name),
    h(
      'fieldset',
      {},
      label(h('legend'), 'apiKey.scopes'),
      ...scopes.map((s) => h('label', { class: 'check' }, s, t(`scope.${s.value}` as 'scope.view'))),
    ),
    h('button', { class: 'btn primary', type: 'submit', i18n: 'apiKey.create' }),
  );
  void reload();
  return h(
    'div',
    { class: 'page admin-page api-keys-page' },
    label(h('h1'), 'nav.api-keys'),
    form,
    shown,
    list,
    editor,
  );
}
