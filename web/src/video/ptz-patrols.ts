// The PTZ patrols panel of a pane: the camera's patrols (start, stop, delete) and a new one from its presets.
import { ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import { ptzApi, type Patrol, type Preset } from './ptz-api';
import type { PtzDriver } from './ptz-controls';

const describe = (err: unknown): string =>
  err instanceof ApiError ? err.describe() : err instanceof Error ? err.message : String(err);

/** Opens the patrols panel in `pane`, or closes it when open. */
export function togglePatrols(pane: HTMLElement, d: PtzDriver): void {
  const open = pane.querySelector('.ptz-patrols');
  if (open) {
    open.remove();
    return;
  }
  const cameraId = d.cameraId;
  const list = h('ul', { class: 'patrol-list' });
  const status = h('div', { class: 'patrol-status', role: 'status' });
  const say = (text: string, error = false): void => {
    status.textContent = text;
    status.classList.toggle('error', error);
  };
  let presets: Preset[] = [];

  const row = (p: Patrol): HTMLElement => {
    const running = p.runningSince !== null;
    const toggle = h('button', { class: `btn small ${running ? 'patrol-stop' : 'patrol-start'}` });
    label(toggle, running ? 'ptz.patrolStop' : 'ptz.patrolStart');
    toggle.addEventListener('click', () => {
      const call = running ? ptzApi.stopPatrol(p.id) : ptzApi.startPatrol(p.id);
      void (
        running
          ? call.then(
              () => true,
              (err: unknown) => (say(describe(err), true), false),
            )
          : d.run(call)
      ).then(() => load());
    });
    const remove = h('button', { class: 'icon-btn patrol-delete', 'i18n-title': 'ptz.patrolDelete' }, '🗑');
    remove.addEventListener(
      'click',
      () => void ptzApi.removePatrol(p.id).then(load, (err: unknown) => say(describe(err), true)),
    );
    const steps = p.steps
      .map((s) => `${presets.find((x) => x.token === s.preset)?.name || s.preset} ${s.dwellS}s`)
      .join(' → ');
    return h(
      'li',
      { 'data-patrol-id': p.id, class: running ? 'running' : '' },
      h('strong', {}, p.name),
      running ? label(h('span', { class: 'patrol-running' }), 'ptz.patrolRunning') : null,
      h('div', { class: 'muted' }, steps),
      toggle,
      remove,
    );
  };

  const load = async (): Promise<void> => {
    try {
      const [ps, patrols] = await Promise.all([ptzApi.presets(cameraId), ptzApi.patrols(cameraId)]);
      presets = ps;
      list.replaceChildren(...patrols.map(row));
      if (!patrols.length) list.append(label(h('li', { class: 'muted empty' }), 'ptz.patrolNone'));
      for (const sel of form.querySelectorAll('select')) fill(sel);
    } catch (err) {
      say(describe(err), true);
    }
  };

  // the new patrol: a name and steps (a preset and a dwell each)
  const name = h('input', { type: 'text', name: 'patrolName', maxlength: 64, 'i18n-placeholder': 'ptz.patrolName' });
  const stepsBox = h('ol', { class: 'patrol-steps' });
  const fill = (sel: HTMLSelectElement): void => {
    const v = sel.value;
    sel.replaceChildren(...presets.map((p) => h('option', { value: p.token }, p.name || p.token)));
    if (v) sel.value = v;
  };
  const addStep = (): void => {
    const sel = h('select', { name: 'stepPreset' });
    fill(sel);
    const dwell = h('input', {
      type: 'number',
      name: 'stepDwell',
      min: 3,
      max: 3600,
      value: 10,
      'i18n-title': 'ptz.patrolDwell',
    });
    const li = h('li', {}, sel, dwell);
    li.append(
      h(
        'button',
        { type: 'button', class: 'icon-btn', 'i18n-title': 'ptz.patrolRemoveStep', onclick: () => li.remove() },
        '×',
      ),
    );
    stepsBox.append(li);
  };
  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const steps = [...stepsBox.children].map((li) => ({
      preset: (li.querySelector('select') as HTMLSelectElement).value,
      dwellS: Number((li.querySelector('input') as HTMLInputElement).value),
    }));
    if (!steps.length) return say(t('ptz.patrolNeedSteps'), true);
    try {
      const p = await ptzApi.createPatrol(cameraId, { name: name.value.trim(), steps });
      say(t('ptz.patrolSaved', { name: p.name }));
      name.value = '';
      stepsBox.replaceChildren();
      await load();
    } catch (err) {
      say(describe(err), true);
    }
  };
  const form = h(
    'form',
    { class: 'patrol-new', onsubmit: (e: Event) => void save(e) },
    name,
    stepsBox,
    h('button', {
      type: 'button',
      class: 'btn small patrol-add-step',
      i18n: 'ptz.patrolAddStep',
      onclick: () => addStep(),
    }),
    h('button', { type: 'submit', class: 'btn small', i18n: 'ptz.patrolSave' }),
  );
  const close = h(
    'button',
    { class: 'icon-btn preset-close', 'i18n-title': 'wall.close', onclick: () => panel.remove() },
    '×',
  );
  const panel = h(
    'div',
    { class: 'ptz-patrols', 'data-camera-id': cameraId },
    h('div', { class: 'preset-head' }, label(h('strong'), 'ptz.patrols'), close),
    list,
    form,
    status,
  );
  pane.querySelector('.ptz-presets')?.remove();
  pane.append(panel);
  void load();
}
