// The wall page's saved views: save a screen's layout and cameras as a view (personal, or shared in the department),
// rename and remove views. Showing a view on a screen is in each screen's header.
import type { Screen, View } from '../../../gateway/wall/wall-model';
import { api } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { attempt } from '../ui/table';
import type { WallPicture } from './wall-picture';

export class WallViews {
  readonly el: HTMLElement;
  private readonly list = h('ul', { class: 'wall-views' });

  constructor(
    private readonly picture: WallPicture,
    private readonly myId: number,
  ) {
    this.el = h('section', { class: 'wall-views-panel' }, label(h('h2'), 'wall.views'), this.list);
  }

  /** The "save as view" control in a screen's header. */
  saveTool(s: Screen): HTMLElement {
    return h('button', { class: 'btn small wall-save-view', i18n: 'wall.saveView', onclick: () => this.openSave(s) });
  }

  private openSave(s: Screen): void {
    const name = h('input', { name: 'view-name', required: true, maxlength: 120, 'i18n-placeholder': 'wall.viewName' });
    const shared = h('input', { type: 'checkbox', name: 'view-shared' });
    const form = h(
      'form',
      {
        class: 'card wall-view-save',
        'data-screen-id': s.id,
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const body = {
            name: name.value.trim(),
            layout: s.layout,
            cameras: s.panes.map((p) => p.cameraId),
            shared: shared.checked,
          };
          const v = await attempt(() => api<View>('POST', '/wall/views', { body }));
          if (!v) return;
          form.remove();
          toast(t('wall.viewSaved'));
          await this.picture.reload();
        },
      },
      h('strong', {}, t('wall.saveViewOf', { name: s.name })),
      name,
      h('label', { class: 'check' }, shared, t('wall.viewShared')),
      h('button', { class: 'btn primary small', type: 'submit', i18n: 'common.save' }),
      h('button', { class: 'btn small', type: 'button', i18n: 'common.cancel', onclick: () => form.remove() }),
    );
    this.el.querySelector('.wall-view-save')?.remove();
    this.el.insertBefore(form, this.list);
    name.focus();
  }

  /** Redraws the list from the picture's views. */
  draw(): void {
    const views = this.picture.views;
    this.list.replaceChildren(
      ...(views.length ? views.map((v) => this.item(v)) : [label(h('li', { class: 'muted' }), 'wall.noViews')]),
    );
  }

  private item(v: View): HTMLElement {
    const li = h(
      'li',
      { class: 'wall-view', 'data-view-id': v.id },
      h('span', { class: 'wall-view-name' }, v.name),
      h('span', { class: 'muted' }, ` ${v.layout}${v.shared ? ` · ${t('wall.viewShared')}` : ''}`),
    );
    // the owner changes a view; an admin of the department too, which the server decides (403 otherwise)
    if (v.ownerId === this.myId || v.shared)
      li.append(
        h('button', { class: 'btn small wall-view-rename', i18n: 'wall.rename', onclick: () => this.rename(li, v) }),
        h('button', {
          class: 'btn small danger wall-view-remove',
          i18n: 'wall.remove',
          onclick: async () => {
            if (!confirm(t('wall.removeConfirm', { name: v.name }))) return;
            if (!(await attempt(() => api('DELETE', `/wall/views/${v.id}`).then(() => true)))) return;
            await this.picture.reload();
          },
        }),
      );
    return li;
  }

  private rename(li: HTMLElement, v: View): void {
    const name = h('input', { name: 'view-rename', required: true, maxlength: 120, value: v.name });
    const form = h(
      'form',
      {
        class: 'wall-view-rename-form',
        onsubmit: async (e: Event) => {
          e.preventDefault();
          const next = await attempt(() =>
            api<View>('PATCH', `/wall/views/${v.id}`, { body: { name: name.value.trim() } }),
          );
          if (next) await this.picture.reload();
        },
      },
      name,
      h('button', { class: 'btn small primary', type: 'submit', i18n: 'common.save' }),
    );
    li.replaceChildren(form);
    name.select();
  }
}
