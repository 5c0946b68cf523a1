// The wall page's tours: the department's tours with the screens running each, create, edit and remove them; in each
// screen's header the tour it runs (step and pause) with a stop button, or a tour picker and a start button.
import type { Screen } from '../../../gateway/wall/wall-model';
import type { Tour } from '../../../gateway/wall/tour-model';
import { api } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { attempt } from '../ui/table';
import { tourForm } from './tour-form';
import type { WallPicture } from './wall-picture';

export interface WallToursDeps {
  /** The camera picked in the page's list, if any. */
  picked(): { id: string; name: string } | null;
  /** A camera's name when the page knows it. */
  cameraName(id: string): string | null;
}

export class WallTours {
  readonly el: HTMLElement;
  tours: Tour[] = [];
  private readonly list = h('ul', { class: 'wall-tours' });
  private readonly editor = h('div', { class: 'wall-tour-editor' });

  constructor(
    private readonly picture: WallPicture,
    private readonly deps: WallToursDeps,
  ) {
    this.el = h(
      'section',
      { class: 'wall-tours-panel' },
      h(
        'header',
        {},
        label(h('h2'), 'tour.title'),
        h('button', { class: 'btn small wall-tour-new', i18n: 'tour.new', onclick: () => this.edit() }),
      ),
      this.editor,
      this.list,
    );
  }

  /** Reads the tours again; the screens' headers are redrawn with them. */
  async reload(): Promise<void> {
    const r = await attempt(() => api<{ items: Tour[] }>('GET', '/wall/tours'));
    this.tours = r?.items ?? [];
    this.picture.draw();
  }

  /** In a screen's header: the tour it runs and a stop button, or a tour picker and a start button. */
  tool(s: Screen): HTMLElement {
    if (s.tour) {
      const text = t('tour.onScreen', { name: s.tour.name, step: s.tour.step + 1, steps: s.tour.steps });
      return h(
        'span',
        { class: 'wall-screen-tour', 'data-tour-id': s.tour.id, 'data-step': s.tour.step },
        h('span', { class: 'wall-screen-tour-name' }, text + (s.tour.paused ? ` ${t('tour.paused')}` : '')),
        h('button', {
          class: 'btn small danger wall-tour-stop',
          i18n: 'tour.stop',
          onclick: () => void this.run('DELETE', s, undefined, 'tour.stopped'),
        }),
      );
    }
    const sel = h('select', { name: 'tour', 'aria-label': t('tour.pick') });
    for (const tour of this.tours) sel.append(h('option', { value: tour.id }, tour.name));
    return h(
      'span',
      { class: 'wall-screen-tour' },
      sel,
      h('button', {
        class: 'btn small wall-tour-start',
        i18n: 'tour.start',
        disabled: this.tours.length === 0,
        onclick: () => void this.run('POST', s, { tourId: Number(sel.value) }, 'tour.started'),
      }),
    );
  }

  private async run(method: 'POST' | 'DELETE', s: Screen, body: unknown, done: 'tour.started' | 'tour.stopped') {
    const next = await attempt(() =>
      api<Screen>(method, `/wall/screens/${s.id}/tour`, body === undefined ? {} : { body }),
    );
    if (!next) return;
    this.picture.update(next);
    toast(t(done));
  }

  /** Redraws the list: each tour with its steps and the screens running it now. */
  draw(): void {
    this.list.replaceChildren(
      ...(this.tours.length
        ? this.tours.map((tour) => this.item(tour))
        : [label(h('li', { class: 'muted' }), 'tour.none')]),
    );
  }

  private item(tour: Tour): HTMLElement {
    const on = [...this.picture.screens.values()].filter((s) => s.tour?.id === tour.id).map((s) => s.name);
    const li = h(
      'li',
      { class: 'wall-tour', 'data-tour-id': tour.id },
      h('span', { class: 'wall-tour-name' }, tour.name),
      h('span', { class: 'muted' }, ` ${t('tour.steps', { n: tour.steps.length })} · `),
      h(
        'span',
        { class: `wall-tour-running${on.length ? ' on' : ''}` },
        on.length ? t('tour.runningOn', { screens: on.join('、') }) : t('tour.idle'),
      ),
    );
    // whoever drives the department's wall changes its tours (the server decides)
    li.append(
      h('button', { class: 'btn small wall-tour-edit', i18n: 'tour.edit', onclick: () => this.edit(tour) }),
      h('button', {
        class: 'btn small danger wall-tour-remove',
        i18n: 'tour.remove',
        onclick: async () => {
          if (!confirm(t('tour.removeConfirm', { name: tour.name }))) return;
          if (!(await attempt(() => api('DELETE', `/wall/tours/${tour.id}`).then(() => true)))) return;
          await this.picture.reload();
          await this.reload();
        },
      }),
    );
    return li;
  }

  private edit(tour?: Tour): void {
    const form = tourForm(
      {
        picked: () => this.deps.picked(),
        cameraName: (id) => this.deps.cameraName(id),
        views: () => this.picture.views,
        saved: () => {
          this.editor.replaceChildren();
          void this.reload();
        },
        cancel: () => this.editor.replaceChildren(),
      },
      tour,
    );
    this.editor.replaceChildren(form);
    form.querySelector<HTMLInputElement>('input[name=tour-name]')?.focus();
  }
}
