// The linkage-rule form: name, kinds, area (GeoJSON or the polygon drawn on the map), weekly windows, severity,
// cameras, radius, rolls, acknowledgement timeout and the wall screen its alarms go to; filled from a rule to edit it,
// read back as the API's body.
import type { AlarmRule, RuleWindow } from '../../../gateway/alarms/rule-model';
import type { Screen } from '../../../gateway/wall/wall-model';
import { api } from '../core/api';
import { h, label, select, toast } from '../core/dom';
import { t } from '../core/i18n';
import { departmentName, type AppContext } from '../core/context';
import { field } from '../ui/table';

const KINDS = ['anpr', 'alarm', 'camera', 'custom'] as const;
const DEFAULTS = { minSeverity: 1, cameraCount: 4, radiusM: 300, preRollS: 10, postRollS: 20, ackTimeoutS: 120 };
type NumberField = keyof typeof DEFAULTS;
const NUMBERS: Array<[NumberField, number, number]> = [
  ['minSeverity', 1, 5],
  ['cameraCount', 1, 16],
  ['radiusM', 10, 5000],
  ['preRollS', 0, 300],
  ['postRollS', 0, 3600],
  ['ackTimeoutS', 1, 86_400],
];

/** "1-5 08:00-18:00" or "0,6 00:00-24:00" → a window; null when the line does not read. */
export function parseWindow(line: string): RuleWindow | null {
  const m = /^\s*([0-6](?:\s*[-,]\s*[0-6])*)\s+(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s*$/.exec(line);
  if (!m) return null;
  const days = new Set<number>();
  for (const part of m[1]!.split(',')) {
    const [a, b] = part.split('-').map((x) => Number(x.trim()));
    if (a === undefined) return null;
    for (let d = a; d <= (b ?? a); d++) days.add(d);
  }
  if (!days.size) return null;
  return { days: [...days].sort((x, y) => x - y), start: m[2]!, end: m[3]! };
}

export function formatWindow(w: RuleWindow): string {
  return `${w.days.join(',')} ${w.start}-${w.end}`;
}

export interface RuleForm {
  el: HTMLFormElement;
  /** Fills the form from a rule (editing) or clears it (a new rule). */
  fill(rule: AlarmRule | null): void;
  /** The rule being edited, or null for a new one. */
  editing(): AlarmRule | null;
  /** A screen's name (the department's screens, read once), or `#id`. */
  screenName(id: number): string;
  /** Resolves once the screens are read (or could not be). */
  screensRead: Promise<void>;
}

/** `submit` gets the API body (or null when the form does not read: the problem is toasted). */
export function ruleForm(
  ctx: AppContext,
  lastPolygon: () => Array<[number, number]> | null,
  submit: (body: Record<string, unknown>, rule: AlarmRule | null) => Promise<void>,
): RuleForm {
  let current: AlarmRule | null = null;
  const name = h('input', { name: 'name', required: true, maxlength: 120 });
  const enabled = h('input', { type: 'checkbox', name: 'enabled', checked: true });
  const kinds = KINDS.map((k) => h('input', { type: 'checkbox', name: 'kinds', value: k }));
  const area = h('textarea', { name: 'area', rows: 3, placeholder: '{"type":"Polygon","coordinates":[...]}' });
  const windows = h('textarea', { name: 'windows', rows: 2, 'i18n-placeholder': 'rule.windowsHint' });
  const timeZone = h('input', { name: 'timeZone', value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC' });
  const nums = Object.fromEntries(
    NUMBERS.map(([k, min, max]) => [k, h('input', { type: 'number', name: k, min, max, step: 1, value: DEFAULTS[k] })]),
  ) as Record<NumberField, HTMLInputElement>;
  const dept =
    ctx.me.departmentId === null
      ? select(
          'departmentId',
          ctx.departments.map((d) => [String(d.id), departmentName(ctx, d.id)]),
        )
      : null;
  // the wall screen: those of the rule's department (the department picked, or the rule's when editing)
  const screen = h('select', { name: 'screenId' });
  let screens: Screen[] = [];
  let wantScreen: number | null = null;
  const departmentOf = (): number | null => current?.departmentId ?? (dept ? Number(dept.value) : ctx.me.departmentId);
  const renderScreens = (): void => {
    const d = departmentOf();
    screen.replaceChildren(label(h('option', { value: '' }), 'rule.screenNone'));
    for (const s of screens.filter((x) => x.departmentId === d))
      screen.append(h('option', { value: String(s.id), selected: s.id === wantScreen }, s.name));
  };
  dept?.addEventListener('change', renderScreens);
  const screensRead = api<{ items: Screen[] }>('GET', '/wall/screens')
    .then((r) => {
      screens = r.items;
      renderScreens();
    })
    .catch(() => undefined);
  const heading = label(h('h2'), 'rule.new');
  const useDrawn = h('button', {
    type: 'button',
    class: 'btn small rule-use-drawn',
    i18n: 'rule.useDrawn',
    onclick: () => {
      const ring = lastPolygon();
      if (ring) area.value = JSON.stringify({ type: 'Polygon', coordinates: [ring] });
      else toast(t('rule.noDrawn'), 'error');
    },
  });

  const read = (): Record<string, unknown> | null => {
    let geo: unknown = null;
    if (area.value.trim()) {
      try {
        geo = JSON.parse(area.value);
      } catch {
        toast(t('share.badPolygon'), 'error');
        return null;
      }
    }
    const wins: RuleWindow[] = [];
    for (const line of windows.value.split('\n').filter((l) => l.trim())) {
      const w = parseWindow(line);
      if (!w) {
        toast(t('rule.badWindows', { line }), 'error');
        return null;
      }
      wins.push(w);
    }
    const body: Record<string, unknown> = {
      name: name.value.trim(),
      enabled: enabled.checked,
      kinds: kinds.filter((k) => k.checked).map((k) => k.value),
      area: geo,
      windows: wins,
      timeZone: timeZone.value.trim(),
    };
    for (const [k] of NUMBERS) body[k] = Number(nums[k].value);
    body.screenId = screen.value ? Number(screen.value) : null;
    if (dept && !current) body.departmentId = Number(dept.value);
    return body;
  };

  const el = h(
    'form',
    {
      class: 'card form-grid rule-form',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const body = read();
        if (body) await submit(body, current);
      },
    },
    heading,
    dept ? field('rule.department', dept) : null,
    field('rule.name', name),
    h('label', { class: 'check' }, enabled, label(h('span'), 'rule.enabled')),
    h(
      'fieldset',
      { class: 'rule-kinds' },
      label(h('legend'), 'rule.kinds'),
      ...kinds.map((k) =>
        h('label', { class: 'check' }, k, label(h('span'), `event.kind.${k.value as (typeof KINDS)[number]}`)),
      ),
    ),
    h('div', { class: 'field' }, field('rule.area', area), useDrawn),
    field('rule.windows', windows),
    field('rule.timeZone', timeZone),
    ...NUMBERS.map(([k]) => field(`rule.${k}`, nums[k])),
    h(
      'div',
      { class: 'field' },
      field('rule.screen', screen),
      label(h('small', { class: 'muted' }), 'rule.screenHint'),
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { class: 'btn primary rule-save', type: 'submit', i18n: 'common.save' }),
      h('button', { class: 'btn rule-cancel', type: 'button', i18n: 'common.cancel', onclick: () => fill(null) }),
    ),
  );

  const fill = (rule: AlarmRule | null): void => {
    current = rule;
    label(heading, rule ? 'rule.edit' : 'rule.new');
    if (dept) dept.disabled = rule !== null;
    name.value = rule?.name ?? '';
    enabled.checked = rule?.enabled ?? true;
    for (const k of kinds) k.checked = rule ? (rule.kinds as string[]).includes(k.value) : false;
    area.value = rule?.area ? JSON.stringify(rule.area) : '';
    windows.value = (rule?.windows ?? []).map(formatWindow).join('\n');
    if (rule) timeZone.value = rule.timeZone;
    for (const [k] of NUMBERS) nums[k].value = String(rule ? rule[k] : DEFAULTS[k]);
    wantScreen = rule?.screenId ?? null;
    renderScreens();
    el.dataset.editing = rule ? String(rule.id) : '';
  };
  const screenName = (id: number): string => screens.find((x) => x.id === id)?.name ?? `#${id}`;
  return { el, fill, editing: () => current, screenName, screensRead };
}
