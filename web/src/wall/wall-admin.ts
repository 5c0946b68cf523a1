// The wall page's screen administration (admins): register a screen (name, place in the wall, layout) and see its
// one-time pairing secret with its pairing link; change, re-pair or remove a screen from its header.
import type { Screen } from '../../../gateway/wall/wall-model';
import { api } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { attempt, field } from '../ui/table';
import { WALL_LAYOUTS } from './wall-layouts';
import type { WallPicture } from './wall-picture';

interface Pairing {
  secret: string;
  expiresAt: string;
}

export class WallAdmin {
  /** The create form and, under it, the secret just issued (or the screen being edited). */
  readonly el: HTMLElement;
  private readonly shown = h('div', { class: 'wall-secret' });
  private readonly edit = h('div', { class: 'wall-edit' });

  constructor(private readonly picture: WallPicture) {
    const inputs = screenInputs();
    const form = h(
      'form',
      {
        class: 'card form-grid wall-screen-create',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const r = await attempt(() =>
            api<{ screen: Screen; pairing: Pairing }>('POST', '/wall/screens', { body: inputs.value() }),
          );
          if (!r) return;
          form.reset();
          picture.update(r.screen);
          this.showSecret(r.screen, r.pairing);
        },
      },
      label(h('h2'), 'wall.addScreen'),
      ...inputs.fields,
      h('button', { class: 'btn primary', type: 'submit', i18n: 'wall.addScreen' }),
    );
    this.el = h('div', { class: 'wall-admin' }, form, this.shown, this.edit);
  }

  /** The admin buttons in a screen's header. */
  tools(s: Screen): HTMLElement[] {
    return [
      h('button', { class: 'btn small wall-screen-edit', i18n: 'wall.edit', onclick: () => this.openEdit(s) }),
      h('button', {
        class: 'btn small wall-screen-repair',
        i18n: 'wall.repair',
        onclick: async () => {
          const p = await attempt(() => api<Pairing>('POST', `/wall/screens/${s.id}/pairing`));
          if (p) this.showSecret(s, p);
        },
      }),
      h('button', {
        class: 'btn small danger wall-screen-remove',
        i18n: 'wall.remove',
        onclick: async () => {
          if (!confirm(t('wall.removeConfirm', { name: s.name }))) return;
          if (!(await attempt(() => api('DELETE', `/wall/screens/${s.id}`).then(() => true)))) return;
          this.picture.screens.delete(s.id);
          this.picture.draw();
          toast(t('wall.removed'));
        },
      }),
    ];
  }

  /** The secret in clear, once: with the link that pairs the wall PC's browser when opened there. */
  private showSecret(s: Screen, p: Pairing): void {
    const link = `${location.origin}/screen/${s.id}#pair=${encodeURIComponent(p.secret)}`;
    this.shown.replaceChildren(
      h('strong', {}, t('wall.secretFor', { name: s.name })),
      h('code', { class: 'key-value wall-secret-value' }, p.secret),
      h('p', { class: 'muted' }, t('wall.secretHint', { url: `${location.origin}/screen/${s.id}` })),
      h('code', { class: 'wall-pair-link' }, link),
      h('button', {
        class: 'btn small',
        type: 'button',
        i18n: 'common.copy',
        onclick: () => void navigator.clipboard?.writeText(link),
      }),
      h('button', {
        class: 'btn small',
        type: 'button',
        i18n: 'common.dismiss',
        onclick: () => this.shown.replaceChildren(),
      }),
    );
  }

  private openEdit(s: Screen): void {
    const inputs = screenInputs(s);
    const form = h(
      'form',
      {
        class: 'card form-grid wall-screen-form',
        'data-screen-id': s.id,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const next = await attempt(() => api<Screen>('PATCH', `/wall/screens/${s.id}`, { body: inputs.value() }));
          if (!next) return;
          this.picture.update(next);
          this.edit.replaceChildren();
        },
      },
      h('h2', {}, s.name),
      ...inputs.fields,
      h('button', { class: 'btn primary', type: 'submit', i18n: 'common.save' }),
      h('button', { class: 'btn', type: 'button', i18n: 'common.cancel', onclick: () => this.edit.replaceChildren() }),
    );
    this.edit.replaceChildren(form);
  }
}

/** A screen's name, column, row and layout as form fields. */
function screenInputs(s?: Screen): { fields: HTMLElement[]; value: () => Record<string, unknown> } {
  const name = h('input', { name: 'name', required: true, maxlength: 120, value: s?.name ?? '' });
  const num = (n: string, v: number): HTMLInputElement =>
    h('input', { name: n, type: 'number', min: 0, max: 63, required: true, value: v });
  const col = num('col', s?.col ?? 0);
  const row = num('row', s?.row ?? 0);
  const layout = h('select', { name: 'layout' });
  for (const id of WALL_LAYOUTS) layout.append(h('option', { value: id, selected: id === (s?.layout ?? '4') }, id));
  return {
    fields: [
      field('wall.screenName', name),
      field('wall.col', col),
      field('wall.row', row),
      field('wall.layout', layout),
    ],
    value: () => ({ name: name.value.trim(), col: Number(col.value), row: Number(row.value), layout: layout.value }),
  };
}
