// Admin: the department's linkage rules (event kinds, area, windows, severity → cameras, rolls, ack timeout): list,
// create, edit and delete. Only roles the policy lets manage rules are offered this page (alarm-rule-manage).
import type { AlarmRule } from '../../../gateway/alarms/rule-model';
import { api } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { departmentName, type AppContext } from '../core/context';
import { kindLabel } from '../events/event-format';
import { attempt, table } from '../ui/table';
import { formatWindow, ruleForm } from './rule-form';

/** `lastPolygon` returns the polygon last drawn on the map (WGS-84 ring), if any. */
export function rulesPage(ctx: AppContext, lastPolygon: () => Array<[number, number]> | null): HTMLElement {
  const list = h('div', { class: 'rules-list' });
  const form = ruleForm(ctx, lastPolygon, async (body, rule) => {
    const saved = await attempt(() =>
      rule
        ? api<AlarmRule>('PATCH', `/alarm-rules/${rule.id}`, { body })
        : api<AlarmRule>('POST', '/alarm-rules', { body }),
    );
    if (!saved) return;
    toast(t('rule.saved'));
    form.fill(null);
    await reload();
  });

  const reload = async (): Promise<void> => {
    await form.screensRead;
    const rules = (await attempt(() => api<{ items: AlarmRule[] }>('GET', '/alarm-rules')))?.items ?? [];
    list.replaceChildren(
      table<AlarmRule>(
        [
          ['rule.name', (r) => r.name],
          ['rule.department', (r) => departmentName(ctx, r.departmentId)],
          ['rule.enabled', (r) => t(r.enabled ? 'rule.on' : 'rule.off')],
          ['rule.kinds', (r) => r.kinds.map(kindLabel).join(', ')],
          [
            'rule.area',
            (r) => {
              const ring = (r.area as { coordinates?: unknown[][] } | null)?.coordinates?.[0];
              return r.area ? t('rule.areaPolygon', { n: Math.max(0, (ring?.length ?? 1) - 1) }) : t('rule.areaAny');
            },
          ],
          [
            'rule.windows',
            (r) => (r.windows.length ? r.windows.map(formatWindow).join('; ') : t('rule.windowsAlways')),
          ],
          ['rule.minSeverity', (r) => r.minSeverity],
          ['rule.camerasRadius', (r) => `${r.cameraCount} / ${r.radiusM} m`],
          ['rule.rolls', (r) => `${r.preRollS} s / ${r.postRollS} s`],
          ['rule.ackTimeoutS', (r) => `${r.ackTimeoutS} s`],
          [
            'rule.screen',
            (r) => (r.screenId === null ? label(h('span'), 'rule.screenNone') : form.screenName(r.screenId)),
          ],
          [
            'common.actions',
            (r) =>
              h(
                'span',
                { class: 'row' },
                h('button', {
                  class: 'btn small rule-edit',
                  i18n: 'rule.edit',
                  onclick: () => {
                    form.fill(r);
                    form.el.scrollIntoView({ block: 'nearest' });
                  },
                }),
                h('button', {
                  class: 'btn small danger rule-delete',
                  i18n: 'rule.delete',
                  onclick: async () => {
                    if (!confirm(t('rule.confirmDelete', { name: r.name }))) return;
                    const gone = await attempt(async () => {
                      await api('DELETE', `/alarm-rules/${r.id}`);
                      return true;
                    });
                    if (!gone) return;
                    toast(t('rule.deleted'));
                    if (form.editing()?.id === r.id) form.fill(null);
                    await reload();
                  },
                }),
              ),
          ],
        ],
        rules,
        (r) => ({ 'data-rule': String(r.id) }),
      ),
    );
  };
  void reload();
  return h('div', { class: 'page admin-page rules-page' }, label(h('h1'), 'rule.title'), form.el, list);
}
