// The plate track view (sidebar tab): a plate and a time range → GET /plates/{plate}/track → the track on the map and
// a numbered list of its reads; a read opens its popup (picture, checkpoint, clip of the nearest camera).
import type { PlateTrack } from '../../../gateway/events/plate-track';
import { api, ApiError, qs } from '../core/api';
import type { AppContext } from '../core/context';
import { formatDateTime } from '../core/dates';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import type { BaseMap } from '../map/base-map';
import { TrackLayer, trackPoints } from './track-layer';

/** A time as a datetime-local input shows it (the browser's zone, minutes). */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export class PlateTrackPanel {
  readonly el: HTMLElement;
  private readonly plate = h('input', {
    type: 'text',
    name: 'plate',
    maxlength: 32,
    autocomplete: 'off',
    'i18n-placeholder': 'track.platePlaceholder',
  });
  private readonly from = h('input', { type: 'datetime-local', name: 'from' });
  private readonly to = h('input', { type: 'datetime-local', name: 'to' });
  private readonly status = h('p', { class: 'track-status muted', role: 'status' });
  private readonly list = h('ol', { class: 'track-reads' });
  private readonly layer: TrackLayer;
  private ctrl: AbortController | null = null;

  constructor(ctx: AppContext, base: BaseMap) {
    this.layer = new TrackLayer(ctx, base);
    const now = Date.now();
    this.from.value = localInput(now - 86_400_000);
    this.to.value = localInput(now + 120_000);
    const field = (key: 'track.plate' | 'track.from' | 'track.to', input: HTMLInputElement) =>
      h('label', { class: 'field' }, label(h('span'), key), input);
    const form = h(
      'form',
      { class: 'track-form', onsubmit: (e: Event) => (e.preventDefault(), void this.search()) },
      field('track.plate', this.plate),
      field('track.from', this.from),
      field('track.to', this.to),
      h(
        'div',
        { class: 'track-buttons' },
        h('button', { type: 'submit', class: 'btn primary track-search', i18n: 'track.search' }),
        h('button', { type: 'button', class: 'btn track-clear', i18n: 'track.clear', onclick: () => this.reset() }),
      ),
    );
    this.el = h(
      'div',
      { class: 'tool plate-track-panel' },
      label(h('h2'), 'track.title'),
      form,
      this.status,
      this.list,
    );
  }

  private say(text: string, error = false): void {
    this.status.textContent = text;
    this.status.classList.toggle('error', error);
  }

  async search(): Promise<void> {
    const plate = this.plate.value.trim();
    if (!plate) return this.say(t('track.needPlate'), true);
    const from = new Date(this.from.value);
    const to = new Date(this.to.value);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return this.say(t('track.needRange'), true);
    this.ctrl?.abort();
    const ctrl = (this.ctrl = new AbortController());
    this.say(t('common.loading'));
    try {
      const track = await api<PlateTrack>(
        'GET',
        `/plates/${encodeURIComponent(plate)}/track${qs({ from: from.toISOString(), to: to.toISOString() })}`,
        { signal: ctrl.signal },
      );
      if (ctrl.signal.aborted) return;
      this.render(track);
    } catch (err) {
      if (ctrl.signal.aborted) return;
      this.layer.clear();
      this.list.replaceChildren();
      this.say(err instanceof ApiError ? err.describe() : String(err), true);
    }
  }

  private render(track: PlateTrack): void {
    const points = trackPoints(track);
    this.layer.show(track);
    this.list.replaceChildren();
    if (!points.length) return this.say(t('track.none'));
    this.say(track.truncated ? t('track.truncated', { n: points.length }) : t('track.count', { n: points.length }));
    for (const p of points)
      this.list.append(
        h(
          'li',
          { class: 'track-read', 'data-seq': p.props.seq, onclick: () => this.layer.open(p.props.seq) },
          h('span', { class: 'track-seq-badge' }, String(p.props.seq)),
          h('span', { class: 'track-read-time' }, formatDateTime(p.props.at)),
          h('span', { class: 'muted' }, p.props.checkpoint?.name ?? ''),
        ),
      );
  }

  private reset(): void {
    this.ctrl?.abort();
    this.layer.clear();
    this.list.replaceChildren();
    this.say('');
  }

  close(): void {
    this.ctrl?.abort();
    this.layer.close();
  }
}
