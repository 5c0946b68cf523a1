// The audit log (auditors and admins): filters by action, actor and time, newest first, paged.
import type { AuditEntry } from '../../../gateway/contract';
import { api, qs } from '../core/api';
import { h, label } from '../core/dom';
import { attempt, field, table, when } from '../ui/table';

export function auditPage(): HTMLElement {
  const list = h('div', { class: 'audit-list' });
  const more = h('button', { class: 'btn', i18n: 'common.more', hidden: true });
  const action = h('input', { name: 'action', 'i18n-placeholder': 'audit.actionHint' });
  const actor = h('input', { name: 'actor' });
  const from = h('input', { name: 'from', type: 'datetime-local' });
  const to = h('input', { name: 'to', type: 'datetime-local' });
  let rows: AuditEntry[] = [];
  let cursor: string | null = null;
  const iso = (v: string): string | undefined => (v ? new Date(v).toISOString() : undefined);
  const load = async (reset: boolean): Promise<void> => {
    if (reset) {
      rows = [];
      cursor = null;
    }
    const q = qs({ action: action.value.trim(), actor: actor.value.trim(), from: iso(from.value), to: iso(to.value), limit: 100, cursor: cursor ?? undefined });
    const page = await attempt(() => api<{ items: AuditEntry[]; nextCursor: string | null }>('GET', `/audit${q}`));
    if (!page) return;
    rows = rows.concat(page.items);
    cursor = page.nextCursor;
    more.hidden = !cursor;
    list.replaceChildren(
      table<AuditEntry>(
        [
          ['audit.at', (e) => when(e.at)],
          ['audit.actor', (e) => e.actorName],
          ['audit.action', (e) => h('code', {}, e.action)],
          ['audit.target', (e) => (e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '')],
          ['audit.outcome', (e) => e.outcome],
          ['audit.ip', (e) => e.ip ?? ''],
          ['audit.detail', (e) => h('code', { class: 'detail' }, JSON.stringify(e.detail))],
        ],
        rows,
        (e) => ({ 'data-action': e.action }),
      ),
    );
  };
  more.addEventListener('click', () => void load(false));
  const form = h(
    'form',
    { class: 'card form-grid', onsubmit: (e: Event) => { e.preventDefault(); void load(true); } },
    field('audit.action', action),
    field('audit.actor', actor),
    field('audit.from', from),
    field('audit.to', to),
    h('button', { class: 'btn primary', type: 'submit', i18n: 'common.search' }),
  );
  void load(true);
  return h('div', { class: 'page admin-page audit-page' }, label(h('h1'), 'nav.audit'), form, list, more);
}
