// The audit log (auditors and admins): filters by action, actor and time, newest first, paged; rows in words, relabelled on language change.
import type { AuditEntry } from '../../../gateway/contract';
import { api, qs } from '../core/api';
import { h, label } from '../core/dom';
import { onLang, t } from '../core/i18n';
import type { AppContext } from '../core/context';
import { attempt, field, table } from '../ui/table';
import { AUDIT_ACTIONS, actionText, actorText, atText, detailView, outcomeText, targetText } from './audit-format';

export function auditPage(ctx: AppContext): { el: HTMLElement; close: () => void } {
  const list = h('div', { class: 'audit-list' });
  const more = h('button', { class: 'btn', i18n: 'common.more', hidden: true });
  const action = h('select', { name: 'action' });
  const actor = h('input', { name: 'actor' });
  const from = h('input', { name: 'from', type: 'datetime-local' });
  const to = h('input', { name: 'to', type: 'datetime-local' });
  let rows: AuditEntry[] = [];
  let cursor: string | null = null;
  const fillActions = (): void => {
    const v = action.value;
    action.replaceChildren(
      h('option', { value: '' }, t('audit.allActions')),
      ...AUDIT_ACTIONS.map((a) => h('option', { value: a }, actionText(a))),
    );
    action.value = v;
  };
  const render = (): void => {
    list.replaceChildren(
      table<AuditEntry>(
        [
          ['audit.at', (e) => h('span', { class: 'audit-at' }, atText(e))],
          ['audit.actor', (e) => h('span', { class: 'audit-actor' }, actorText(e))],
          ['audit.action', (e) => h('span', { class: 'audit-action', title: e.action }, actionText(e.action))],
          ['audit.target', (e) => h('span', { class: 'audit-target' }, targetText(ctx, e))],
          ['audit.outcome', (e) => h('span', { class: `audit-outcome outcome-${e.outcome}` }, outcomeText(e.outcome))],
          ['audit.ip', (e) => e.ip ?? ''],
          ['audit.detail', (e) => detailView(ctx, e)],
        ],
        rows,
        (e) => ({ 'data-action': e.action, 'data-id': e.id }),
      ),
    );
  };
  const iso = (v: string): string | undefined => (v ? new Date(v).toISOString() : undefined);
  const load = async (reset: boolean): Promise<void> => {
    if (reset) {
      rows = [];
      cursor = null;
    }
    const q = qs({
      action: action.value,
      actor: actor.value.trim(),
      from: iso(from.value),
      to: iso(to.value),
      limit: 100,
      cursor: cursor ?? undefined,
    });
    const page = await attempt(() => api<{ items: AuditEntry[]; nextCursor: string | null }>('GET', `/audit${q}`));
    if (!page) return;
    rows = rows.concat(page.items);
    cursor = page.nextCursor;
    more.hidden = !cursor;
    render();
  };
  more.addEventListener('click', () => void load(false));
  fillActions();
  const form = h(
    'form',
    {
      class: 'card form-grid',
      onsubmit: (e: Event) => {
        e.preventDefault();
        void load(true);
      },
    },
    field('audit.action', action),
    field('audit.actor', actor),
    field('audit.from', from),
    field('audit.to', to),
    h('button', { class: 'btn primary', type: 'submit', i18n: 'common.search' }),
  );
  const off = onLang(() => {
    fillActions();
    render();
  });
  void load(true);
  return {
    el: h('div', { class: 'page admin-page audit-page' }, label(h('h1'), 'nav.audit'), form, list, more),
    close: off,
  };
}
