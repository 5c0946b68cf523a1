// The PTZ banner of a pane: who controls the camera now (socket.io 'ptz:control'), and a message when control is taken away.
import type { PtzControlMessage } from '../../../gateway/realtime/messages';
import { api, ApiError } from '../core/api';
import { h } from '../core/dom';
import { t } from '../core/i18n';
import type { Realtime } from '../core/realtime';

type Holder = PtzControlMessage['holder'];

const time = (iso: string): string => new Date(iso).toLocaleTimeString();

/** The banner element and what the pane's PTZ calls tell it. */
export interface PtzBanner {
  el: HTMLElement;
  /** A command of this pane succeeded: this console holds control now. */
  mine(): void;
  /** A command failed: a 409 shows who holds the camera; other errors their message. */
  failed(err: unknown): void;
  close(): void;
}

export function ptzBanner(cameraId: string, realtime: Realtime): PtzBanner {
  const el = h('div', { class: 'ptz-banner', role: 'status', hidden: true });
  let mine = false;
  let holder: Holder = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (text: string, kind: 'held' | 'mine' | 'taken' | 'error'): void => {
    el.hidden = false;
    el.textContent = text;
    el.className = `ptz-banner ${kind}`;
  };
  const render = (): void => {
    clearTimeout(timer);
    if (!holder) {
      el.hidden = true;
      return;
    }
    const vars = { name: holder.name, priority: holder.priority, until: time(holder.until) };
    show(mine ? t('ptz.heldByYou', vars) : t('ptz.heldBy', vars), mine ? 'mine' : 'held');
    // the holder's control lapses at `until` unless renewed; a renewal by this console is not pushed again
    timer = setTimeout(() => void refresh(), Math.max(1000, Date.parse(holder.until) - Date.now() + 500));
  };
  const refresh = async (): Promise<void> => {
    try {
      const r = await api<{ holder: Holder }>('GET', `/cameras/${encodeURIComponent(cameraId)}/ptz/control`);
      holder = r.holder;
      if (!holder) mine = false;
      render();
    } catch {
      // the banner is informative only: a failed read leaves it as it was
    }
  };
  const off = realtime.on('ptz:control', (m) => {
    if (m.cameraId !== cameraId) return;
    const lostMine = mine && m.lost?.reason === 'taken';
    holder = m.holder;
    if (m.holder === null || lostMine) mine = false;
    if (lostMine) show(t('ptz.taken', { name: m.holder?.name ?? '' }), 'taken');
    else render();
  });
  void refresh();
  return {
    el,
    mine() {
      if (mine && holder) return;
      mine = true;
      void refresh();
    },
    failed(err) {
      const p =
        err instanceof ApiError ? (err.problem as { holder?: { name: string; priority: number }; until?: string }) : {};
      if (err instanceof ApiError && err.status === 409 && p.holder && p.until) {
        mine = false;
        holder = { ...p.holder, until: p.until };
        show(t('ptz.refused', { name: p.holder.name, priority: p.holder.priority, until: time(p.until) }), 'taken');
      } else show(err instanceof ApiError ? err.describe() : String(err), 'error');
    },
    close() {
      clearTimeout(timer);
      off();
    },
  };
}
