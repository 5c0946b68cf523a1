// "Instant replay": the last 30 s the gateway holds of the stream (one fMP4 file), played over the live picture from a Blob URL, with a way back to live.
import { h } from '../core/dom';
import { t } from '../core/i18n';

/** Seconds asked of the gateway. */
export const REPLAY_SECONDS = 30;

/**
 * The pane's replay button and its overlay. `replayPath()` gives the current grant's replay path
 * (`/live/<token>/<key>/replay.mp4`), or null when the gateway offers none.
 */
export function instantReplay(
  pane: HTMLElement,
  replayPath: () => string | null,
): { button: HTMLButtonElement; note: HTMLElement; close(): void } {
  const note = h('span', { class: 'replay-note' });
  let overlay: HTMLElement | null = null;
  let objectUrl: string | null = null;
  let busy: AbortController | null = null;

  const back = (): void => {
    busy?.abort();
    busy = null;
    overlay?.remove();
    overlay = null;
    if (objectUrl) URL.revokeObjectURL(objectUrl);
    objectUrl = null;
    delete pane.dataset.replay;
  };

  const open = async (): Promise<void> => {
    const path = replayPath();
    note.textContent = '';
    if (!path) {
      note.textContent = t('pane.replayNone');
      return;
    }
    back();
    const abort = new AbortController();
    busy = abort;
    button.disabled = true;
    try {
      const res = await fetch(`${path}?seconds=${REPLAY_SECONDS}`, { signal: abort.signal });
      if (res.status === 404) {
        note.textContent = t('pane.replayNone');
        return;
      }
      if (!res.ok) {
        note.textContent = t('pane.replayFailed', { status: res.status });
        return;
      }
      const blob = await res.blob();
      if (abort.signal.aborted) return;
      objectUrl = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: 'video/mp4' }));
      const video = h('video', {
        class: 'replay-video',
        muted: true,
        autoplay: true,
        playsinline: true,
        controls: true,
      });
      video.muted = true;
      video.src = objectUrl;
      overlay = h(
        'div',
        { class: 'pane-replay' },
        h(
          'div',
          { class: 'replay-bar' },
          h('span', { class: 'replay-tag', i18n: 'pane.replaying' }),
          h('button', {
            class: 'btn small replay-back',
            i18n: 'pane.backToLive',
            onclick: back,
          }),
        ),
        video,
      );
      pane.dataset.replay = 'on';
      pane.append(overlay);
      void video.play().catch(() => undefined);
    } catch (err) {
      if (!abort.signal.aborted) note.textContent = t('pane.replayFailed', { status: (err as Error).message });
    } finally {
      if (busy === abort) busy = null;
      button.disabled = false;
    }
  };

  const button = h(
    'button',
    { class: 'icon-btn pane-replay-btn', 'i18n-title': 'pane.replayHint', onclick: () => void open() },
    '⟲',
  );
  return { button, note, close: back };
}
