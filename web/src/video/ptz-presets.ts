// The PTZ presets panel of a pane: the camera's presets (go to, rename, delete) and saving the current position.
import { ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import { ptzApi, type Preset } from './ptz-api';
import type { PtzDriver } from './ptz-controls';

/** Longest preset name the API accepts (characters). */
const MAX_NAME = 64;

const describe = (err: unknown): string =>
  err instanceof ApiError ? err.describe() : err instanceof Error ? err.message : String(err);

/** Opens the presets panel in `pane` (loading the list from the camera), or closes it when open. */
export function togglePresets(pane: HTMLElement, d: PtzDriver): void {
  const open = pane.querySelector('.ptz-presets');
  if (open) {
    open.remove();
    return;
  }
  const cameraId = d.cameraId;
  const list = h('ul', { class: 'preset-list' });
  const status = h('div', { class: 'preset-status', role: 'status' });
  const name = h('input', {
    type: 'text',
    name: 'presetName',
    maxlength: MAX_NAME,
    'i18n-placeholder': 'ptz.presetName',
  });
  const say = (text: string, error = false): void => {
    status.textContent = text;
    status.classList.toggle('error', error);
  };
  /** A command that needs control: refusals show in the banner and here. */
  const command = async (call: Promise<unknown>, done: string): Promise<boolean> => {
    let failure: unknown = null;
    const ok = await d.run(call.catch((err: unknown) => Promise.reject((failure = err))));
    if (ok) say(done);
    else say(describe(failure), true);
    return ok;
  };

  const row = (p: Preset): HTMLElement => {
    const shown = p.name || p.token;
    const go = h('button', { class: 'link preset-goto', 'data-token': p.token, 'i18n-title': 'ptz.presetGoto' }, shown);
    go.addEventListener(
      'click',
      () => void command(ptzApi.gotoPreset(cameraId, p.token), t('ptz.presetReached', { name: shown })),
    );
    const rename = h('button', { class: 'icon-btn preset-rename', 'i18n-title': 'ptz.presetRename' }, '✎');
    rename.addEventListener('click', () => {
      const wanted = window.prompt(t('ptz.presetRenamePrompt', { name: shown }), p.name)?.trim();
      if (!wanted || wanted === p.name) return;
      void command(ptzApi.renamePreset(cameraId, p.token, wanted), t('ptz.presetRenamed', { name: wanted })).then(
        (ok) => void (ok && load()),
      );
    });
    const remove = h('button', { class: 'icon-btn preset-delete', 'i18n-title': 'ptz.presetDelete' }, '🗑');
    remove.addEventListener('click', () => {
      if (!window.confirm(t('ptz.presetDeleteConfirm', { name: shown }))) return;
      void command(ptzApi.removePreset(cameraId, p.token), t('ptz.presetDeleted', { name: shown })).then(
        (ok) => void (ok && load()),
      );
    });
    return h('li', { 'data-token': p.token }, go, rename, remove);
  };

  const load = async (): Promise<void> => {
    list.replaceChildren(label(h('li', { class: 'muted' }), 'common.loading'));
    try {
      const presets = await ptzApi.presets(cameraId);
      list.replaceChildren(...presets.map(row));
      if (!presets.length) list.append(label(h('li', { class: 'muted empty' }), 'ptz.noPresets'));
    } catch (err) {
      list.replaceChildren();
      say(describe(err), true);
    }
  };

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const wanted = name.value.trim();
    if (!wanted) {
      say(t('ptz.presetNameNeeded'), true);
      name.focus();
      return;
    }
    let token = '';
    const call = ptzApi.setPreset(cameraId, wanted).then((p) => (token = p.token));
    // the typed name stays in the field on failure, to try again
    if (await command(call, t('ptz.presetSaved', { name: wanted, token: '…' }))) {
      say(t('ptz.presetSaved', { name: wanted, token }));
      name.value = '';
      await load();
    }
  };

  const close = h(
    'button',
    { class: 'icon-btn preset-close', 'i18n-title': 'wall.close', onclick: () => panel.remove() },
    '×',
  );
  const submit = h('button', { class: 'btn small', type: 'submit', i18n: 'ptz.presetSave' });
  const panel = h(
    'div',
    { class: 'ptz-presets', 'data-camera-id': cameraId },
    h('div', { class: 'preset-head' }, label(h('strong'), 'ptz.presets'), close),
    list,
    h('form', { class: 'preset-save', onsubmit: (e: Event) => void save(e) }, name, submit),
    status,
  );
  pane.querySelector('.ptz-patrols')?.remove();
  pane.append(panel);
  void load();
}
