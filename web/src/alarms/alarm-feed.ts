// The console's alarm feed, for the whole signed-in session whatever the page: `alarm:notify` from the realtime link
// announces a raised, reopened or escalated alarm with the beep (alarm-sound.ts) and an entry in the alarm popup; a
// click on the entry opens the alarm on the map. The map's alarm panel listens to the feed for its list and markers.
import type { AlarmMessage } from '../../../gateway/realtime/messages';
import { h, label } from '../core/dom';
import { onLang, t, type MsgKey } from '../core/i18n';
import type { AppContext } from '../core/context';
import { kindLabel } from '../events/event-format';
import type { Alarm } from './alarm-api';
import { AlarmSound } from './alarm-sound';

export type AlarmReason = AlarmMessage['reason'];
export type AlarmListener = (a: Alarm, reason: AlarmReason) => void;

/** Entries the popup keeps (the oldest go first); the map's panel lists them all. */
const MAX_ENTRIES = 5;

const HEADLINE: Record<AlarmReason, MsgKey> = {
  raised: 'alarm.new',
  reopened: 'alarm.reopenedToast',
  escalated: 'alarm.escalatedToast',
};

export class AlarmFeed {
  /** The popup (fixed in a corner of the console): one entry per announced alarm until opened or dismissed. */
  readonly el = h('section', { class: 'alarm-popup', 'aria-live': 'assertive', hidden: true });
  readonly sound = new AlarmSound();
  private readonly list = h('ol', { class: 'alarm-popup-list' });
  private readonly entries: Array<{ alarm: Alarm; reason: AlarmReason }> = [];
  private readonly listeners = new Set<AlarmListener>();
  private readonly offs: Array<() => void> = [];

  /** `open` shows the alarm on the map (the shell switches to the map page). */
  constructor(
    private readonly ctx: AppContext,
    private readonly open: (a: Alarm) => void,
  ) {
    this.el.append(
      h(
        'div',
        { class: 'row alarm-popup-head' },
        label(h('strong'), 'alarm.title'),
        h('div', { class: 'spacer' }),
        h('button', {
          class: 'btn small alarm-popup-dismiss',
          i18n: 'alarm.dismissAll',
          onclick: () => {
            this.entries.splice(0);
            this.render();
          },
        }),
      ),
      this.list,
    );
  }

  start(): void {
    this.offs.push(
      this.ctx.realtime.on('alarm:notify', (m) => this.arrived(m.alarm, m.reason)),
      onLang(() => this.render()),
    );
  }

  /** Calls `l` with every alarm announced from now on; returns the unsubscribe. */
  on(l: AlarmListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /** The alarm was opened (from the popup or the map's panel): its popup entry has done its work. */
  seen(id: string): void {
    const i = this.entries.findIndex((e) => e.alarm.id === id);
    if (i < 0) return;
    this.entries.splice(i, 1);
    this.render();
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    this.listeners.clear();
    this.sound.close();
    this.el.remove();
  }

  private arrived(a: Alarm, reason: AlarmReason): void {
    for (const l of this.listeners) l(a, reason);
    this.sound.beep();
    const old = this.entries.findIndex((e) => e.alarm.id === a.id);
    if (old >= 0) this.entries.splice(old, 1);
    this.entries.unshift({ alarm: a, reason });
    this.entries.splice(MAX_ENTRIES);
    this.render();
  }

  private render(): void {
    this.list.replaceChildren(
      ...this.entries.map(({ alarm: a, reason }) =>
        h(
          'li',
          { class: `alarm-popup-item reason-${reason}`, 'data-alarm': a.id, 'data-reason': reason },
          h(
            'button',
            {
              class: 'alarm-popup-open',
              onclick: () => {
                this.seen(a.id);
                this.open(a);
              },
            },
            t(HEADLINE[reason], { what: `${kindLabel(a.kind)} · ${a.type} · ${a.ruleName}` }),
          ),
          h(
            'button',
            {
              class: 'btn small alarm-popup-x',
              'aria-label': t('alarm.dismiss'),
              onclick: () => this.seen(a.id),
            },
            '×',
          ),
        ),
      ),
    );
    this.el.hidden = this.entries.length === 0;
  }
}
