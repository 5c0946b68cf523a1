// The wall page's tour editor: a name and steps in order, each a camera (the one picked in the page's list) or a saved
// view with its dwell time in seconds; saved as a new tour or as changes to one.
import type { View } from '../../../gateway/wall/wall-model';
import type { Tour, TourStep } from '../../../gateway/wall/tour-model';
import { api } from '../core/api';
import { h, label, toast } from '../core/dom';
import { t } from '../core/i18n';
import { attempt } from '../ui/table';

/** A step being edited: a camera (null: one the editor may not see, kept as it is) or a view, and its dwell. */
type DraftStep = { cameraId: string | null; name: string; dwellS: number } | { viewId: number; dwellS: number };

export interface TourFormDeps {
  /** The camera picked in the page's list, if any. */
  picked(): { id: string; name: string } | null;
  /** A camera's name when the page knows it. */
  cameraName(id: string): string | null;
  views(): View[];
  /** Called with the tour saved. */
  saved(tour: Tour): void;
  cancel(): void;
}

const DEFAULT_DWELL_S = 10;
/** The dwell range the gateway accepts (gateway/wall/tour-model.ts; it checks, this only guides the input). */
const DWELL_MIN_S = 3;
const DWELL_MAX_S = 3600;

/** The editor of a new tour (tour undefined) or of `tour`. */
export function tourForm(deps: TourFormDeps, tour?: Tour): HTMLElement {
  const steps: DraftStep[] = (tour?.steps ?? []).map((s) =>
    'cameraId' in s
      ? {
          cameraId: s.cameraId,
          name: s.cameraId ? (deps.cameraName(s.cameraId) ?? s.cameraId) : t('tour.hidden'),
          dwellS: s.dwellS,
        }
      : s,
  );
  const name = h('input', {
    name: 'tour-name',
    required: true,
    maxlength: 120,
    value: tour?.name ?? '',
    'i18n-placeholder': 'tour.name',
  });
  const list = h('ol', { class: 'wall-tour-steps' });
  const viewSel = h('select', { name: 'tour-view', 'aria-label': t('tour.addView') });
  for (const v of deps.views()) viewSel.append(h('option', { value: v.id }, v.name));

  const viewName = (id: number): string => deps.views().find((v) => v.id === id)?.name ?? `#${id}`;
  const draw = (): void => {
    list.replaceChildren(
      ...(steps.length
        ? steps.map((s, i) => {
            const dwell = h('input', {
              name: 'dwell',
              type: 'number',
              min: DWELL_MIN_S,
              max: DWELL_MAX_S,
              required: true,
              value: s.dwellS,
              'aria-label': t('tour.dwell'),
              oninput: () => (s.dwellS = Number(dwell.value)),
            });
            return h(
              'li',
              {
                class: 'wall-tour-step',
                'data-step': i,
                'data-camera-id': 'cameraId' in s ? (s.cameraId ?? '') : '',
                'data-view-id': 'viewId' in s ? s.viewId : '',
              },
              h(
                'span',
                { class: 'wall-tour-step-name' },
                'viewId' in s ? t('tour.stepView', { name: viewName(s.viewId) }) : s.name,
              ),
              label(h('span', { class: 'muted' }), 'tour.dwell'),
              dwell,
              h(
                'button',
                {
                  class: 'icon-btn wall-tour-step-remove',
                  type: 'button',
                  'i18n-title': 'tour.remove',
                  onclick: () => (steps.splice(i, 1), draw()),
                },
                '×',
              ),
            );
          })
        : [label(h('li', { class: 'muted' }), 'tour.noSteps')]),
    );
  };

  const addCamera = (): void => {
    const c = deps.picked();
    if (!c) return toast(t('tour.pickFirst'));
    steps.push({ cameraId: c.id, name: c.name, dwellS: DEFAULT_DWELL_S });
    draw();
  };
  const addView = (): void => {
    if (!viewSel.value) return;
    steps.push({ viewId: Number(viewSel.value), dwellS: DEFAULT_DWELL_S });
    draw();
  };

  const form = h(
    'form',
    {
      class: 'card wall-tour-form',
      'data-tour-id': tour?.id ?? '',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        // a camera the editor may not see stays in the tour only when the steps are left as they were
        const out: TourStep[] = [];
        for (const s of steps)
          if ('viewId' in s) out.push({ viewId: s.viewId, dwellS: s.dwellS });
          else if (s.cameraId) out.push({ cameraId: s.cameraId, dwellS: s.dwellS });
        const body = { name: name.value.trim(), steps: out };
        const saved = await attempt(() =>
          tour ? api<Tour>('PATCH', `/wall/tours/${tour.id}`, { body }) : api<Tour>('POST', '/wall/tours', { body }),
        );
        if (!saved) return;
        toast(t('tour.saved'));
        deps.saved(saved);
      },
    },
    h('strong', {}, tour ? tour.name : t('tour.new')),
    name,
    list,
    h(
      'div',
      { class: 'wall-tour-add' },
      h('button', {
        class: 'btn small wall-tour-add-camera',
        type: 'button',
        i18n: 'tour.addCamera',
        onclick: addCamera,
      }),
      viewSel,
      h('button', {
        class: 'btn small wall-tour-add-view',
        type: 'button',
        i18n: 'tour.addView',
        disabled: deps.views().length === 0,
        onclick: addView,
      }),
    ),
    h(
      'div',
      { class: 'wall-tour-actions' },
      h('button', { class: 'btn primary small', type: 'submit', i18n: 'common.save' }),
      h('button', { class: 'btn small', type: 'button', i18n: 'common.cancel', onclick: () => deps.cancel() }),
    ),
  );
  draw();
  return form;
}
