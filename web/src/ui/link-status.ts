// The top bar's live-link mark: shown while the realtime link is down (alarms and status are not pushed then).
import { h } from '../core/dom';
import type { Realtime } from '../core/realtime';

/** A mark that stays hidden while the link is up; `close()` stops following it. */
export function linkStatus(realtime: Realtime): { el: HTMLElement; close(): void } {
  const el = h('span', { class: 'link-status', role: 'status', 'data-link': 'up', i18n: 'link.down', hidden: true });
  const stop = realtime.onLink((up) => {
    el.dataset.link = up ? 'up' : 'down';
    el.hidden = up;
  });
  return { el, close: stop };
}
