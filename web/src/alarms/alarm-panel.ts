// The alarm panel: the department's alarms with their states, live from the console's alarm feed (alarm-feed.ts: the
// beep and the popup), a blinking marker at the alarm's place; an alarm announced (raised, reopened, escalated) is listed
// first and highlighted until opened; opening one shows it (alarm-detail.ts) and centres the map on it.
import { ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { onLang } from '../core/i18n';
import type { AppContext } from '../core/context';
import type { BaseMap } from '../map/base-map';
import { when } from '../ui/table';
import { kindLabel } from '../events/event-format';
import { listAlarms, type Alarm } from './alarm-api';
import { AlarmDetailView, stateBadge } from './alarm-detail';
import type { AlarmFeed } from './alarm-feed';
import { AlarmMarkers } from './alarm-marker';

export class AlarmPanel {
  readonly el: HTMLElement;
  /** The count of new alarms, for the tab that shows this panel. */
  readonly badge = h('span', { class: 'tab-badge alarm-count', hidden: true });
  private readonly list = h('ol', { class: 'alarm-list' });
  private readonly body = h('div', { class: 'alarm-body' });
  private readonly scope: HTMLSelectElement;
  private readonly mute: HTMLButtonElement;
  private readonly alarms = new Map<string, Alarm>();
  /** Alarms announced and not opened yet, with when (ms): highlighted, listed first. */
  private readonly fresh = new Map<string, number>();
  private readonly markers: AlarmMarkers;
  private detail: AlarmDetailView | null = null;
  private readonly offs: Array<() => void> = [];

  /** `reveal` brings the panel on screen (the map page switches to its tab). */
  constructor(
    private readonly ctx: AppContext,
    private readonly base: BaseMap,
    private readonly reveal: () => void,
    private readonly feed: AlarmFeed,
  ) {
    this.markers = new AlarmMarkers(base, (id) => {
      this.reveal();
      this.open(id);
    });
    this.scope = h(
      'select',
      { name: 'alarm-scope', onchange: () => void this.reload() },
      h('option', { value: 'open', i18n: 'alarm.filter.open' }),
      h('option', { value: 'all', i18n: 'alarm.filter.all' }),
    );
    this.mute = h('button', {
      class: 'btn small alarm-mute',
      'aria-pressed': 'false',
      onclick: () => {
        this.feed.sound.setMuted(!this.feed.sound.isMuted);
        this.renderMute();
      },
    });
    this.renderMute();
    this.body.append(this.list);
    this.el = h(
      'div',
      { class: 'tool alarm-panel' },
      h('div', { class: 'row' }, label(h('h2'), 'alarm.title'), h('div', { class: 'spacer' }), this.scope, this.mute),
      this.body,
    );
  }

  start(): void {
    this.markers.start();
    this.offs.push(
      this.feed.on((a) => this.arrived(a)),
      // alarms raised while the link was down were not pushed: the list is read again
      this.ctx.realtime.onReconnect(() => void this.reload()),
      onLang(() => {
        this.renderMute();
        this.renderList();
        this.detail?.redraw();
      }),
    );
    void this.reload();
  }

  close(): void {
    this.detail?.close();
    for (const off of this.offs.splice(0)) off();
    this.markers.close();
  }

  /** Reloads the list from the server (the panel's scope: open alarms, or all of them). */
  async reload(): Promise<void> {
    try {
      const items = await listAlarms(this.scope.value === 'open');
      this.alarms.clear();
      for (const a of items) {
        this.alarms.set(a.id, a);
        this.markers.show(a);
      }
      this.renderList();
    } catch (err) {
      this.list.replaceChildren(h('li', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)));
    }
  }

  private renderMute(): void {
    label(this.mute, this.feed.sound.isMuted ? 'alarm.unmute' : 'alarm.mute');
    this.mute.setAttribute('aria-pressed', String(this.feed.sound.isMuted));
  }

  /** An alarm announced by the feed (it beeps and pops it up): listed first and highlighted until opened. */
  private arrived(a: Alarm): void {
    this.alarms.set(a.id, a);
    if (this.detail?.alarmId === a.id) this.detail.update(a);
    else this.fresh.set(a.id, Date.now());
    this.markers.show(a);
    this.renderList();
  }

  private changed(a: Alarm): void {
    this.alarms.set(a.id, a);
    this.markers.show(a);
    this.renderList();
  }

  private renderList(): void {
    const open = this.scope.value === 'open';
    const rows = [...this.alarms.values()]
      .filter((a) => !open || a.state !== 'closed')
      .sort((x, y) => this.since(y) - this.since(x) || Number(y.id) - Number(x.id));
    this.list.replaceChildren();
    for (const a of rows)
      this.list.append(
        h(
          'li',
          {
            class: `alarm-item state-${a.state}${this.isFresh(a) ? ' fresh' : ''}${this.detail?.alarmId === a.id ? ' selected' : ''}`,
            'data-alarm': a.id,
            onclick: () => this.open(a.id),
          },
          h('div', { class: 'alarm-title' }, h('strong', {}, `${kindLabel(a.kind)} · ${a.type}`), ' ', stateBadge(a)),
          h('div', { class: 'muted' }, `${when(a.createdAt)} · ${a.ruleName}`),
        ),
      );
    if (!rows.length) this.list.append(label(h('li', { class: 'muted empty' }), 'alarm.none'));
    const fresh = [...this.alarms.values()].filter((a) => a.state === 'new').length;
    this.badge.textContent = String(fresh);
    this.badge.hidden = fresh === 0;
  }

  /** When the alarm was raised, or announced again (reopened, escalated) while this panel was open: the list's order. */
  private since(a: Alarm): number {
    return this.fresh.get(a.id) ?? Date.parse(a.createdAt);
  }

  private isFresh(a: Alarm): boolean {
    return a.state === 'new' && this.fresh.has(a.id);
  }

  /** Opens an alarm announced elsewhere (the console's popup), listed and marked even before the list is read. */
  openAnnounced(a: Alarm): void {
    if (!this.alarms.has(a.id)) {
      this.alarms.set(a.id, a);
      this.markers.show(a);
    }
    this.open(a.id);
  }

  /** Opens an alarm: its detail replaces the list, and the map centres on its place. */
  open(id: string): void {
    this.detail?.close();
    this.fresh.delete(id);
    this.feed.seen(id);
    const view = new AlarmDetailView(this.ctx, id, {
      changed: (a) => this.changed(a),
      locate: (lng, lat) => this.centre(lng, lat),
      back: () => this.showList(),
    });
    this.detail = view;
    this.body.replaceChildren(view.el);
    this.markers.highlight(id);
    const a = this.alarms.get(id);
    if (a) this.centre(a.lng, a.lat);
    void view.load();
  }

  private showList(): void {
    this.detail?.close();
    this.detail = null;
    this.markers.highlight(null);
    // drawn at once (the alarm just opened is no longer highlighted), then read again
    this.renderList();
    this.body.replaceChildren(this.list);
    void this.reload();
  }

  private centre(lng: number, lat: number): void {
    const map = this.base.map;
    map.setView(this.base.toLatLng(lng, lat), Math.max(map.getZoom(), 17));
  }
}
