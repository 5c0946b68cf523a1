// The PTZ presets panel of a pane: the camera's presets (go to one) and saving the current position as a new one.
import { api, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';

/** A preset as the gateway lists it (ONVIF token and name). */
interface Preset {
  token: string;
  name: string;
}

/** Longest preset name the API accepts (characters). */
const MAX_NAME = 64;

const describe = (err: unknown): string =>
  err instanceof ApiError ? err.describe() : err instanceof Error ? err.message : String(err);

function call<T>(cameraId: string, body: Record<string, unknown>): Promise<T> {
  return api<T>('POST', `/cameras/${encodeURIComponent(cameraId)}/ptz`, { body });
}

/** Opens the presets panel in `pane` (loading the list from the camera), or closes it when open. */
export function togglePresets(pane: HTMLElement, cameraId: string): void {
  const open = pane.querySelector('.ptz-presets');
  if (open) {
    open.remove();
    return;
  }
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

  const load = async (): Promise<void> => {
    list.replaceChildren(label(h('li', { class: 'muted' }), 'common.loading'));
    try {
      const { presets } = await call<{ presets: Preset[] }>(cameraId, { action: 'presets' });
      list.replaceChildren();
      for (const p of presets) {
        const shown = p.name || p.token;
        const go = async (): Promise<void> => {
          try {
            await call(cameraId, { action: 'goto-preset', preset: p.token });
            say(t('ptz.presetReached', { name: shown }));
          } catch (err) {
            say(describe(err), true);
          }
        };
        const button = h(
          'button',
          {
            class: 'link preset-goto',
            'data-token': p.token,
            'i18n-title': 'ptz.presetGoto',
            onclick: () => void go(),
          },
          shown,
        );
        list.append(h('li', {}, button));
      }
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
    try {
      const r = await call<{ preset: string }>(cameraId, { action: 'set-preset', name: wanted });
      name.value = '';
      say(t('ptz.presetSaved', { name: wanted, token: r.preset }));
      await load();
    } catch (err) {
      // the typed name stays in the field to try again
      say(describe(err), true);
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
  pane.append(panel);
  void load();
}
