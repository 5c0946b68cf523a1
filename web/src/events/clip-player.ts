// A recorded clip of one camera: opens a playback session of [from, to] and plays its fMP4 (one file) in a <video>.
import { api, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';

/** The playback session fields the player reads (POST /cameras/{id}/playback, or one given by /events/{id}/video). */
export interface ClipSession {
  stream: string;
  start: string;
  windowEnd: string;
}

/**
 * A clip element: opens a session of camera `cameraId` over [from, to] (or plays `session` when one was given), fetches
 * its stream.mp4 (the window is short: one file) and plays it from a Blob URL. `close()` stops it and frees the URL.
 */
export function clipPlayer(
  src: { cameraId: string; from: string; to: string; reason: string } | { session: ClipSession },
): { el: HTMLElement; close(): void } {
  const note = label(h('div', { class: 'clip-note muted' }), 'video.loading');
  const el = h('div', { class: 'clip', 'data-state': 'loading' }, note);
  const abort = new AbortController();
  let url: string | null = null;
  const fail = (status: string | number): void => {
    el.dataset.state = 'failed';
    note.removeAttribute('data-i18n');
    note.textContent = t('video.failed', { status });
  };
  void (async () => {
    try {
      const session =
        'session' in src
          ? src.session
          : await api<ClipSession>('POST', `/cameras/${encodeURIComponent(src.cameraId)}/playback`, {
              body: { start: src.from, end: src.to, reason: src.reason },
              signal: abort.signal,
            });
      const res = await fetch(session.stream, { signal: abort.signal });
      if (!res.ok) return fail(res.status);
      const blob = await res.blob();
      if (abort.signal.aborted) return;
      url = URL.createObjectURL(blob.type ? blob : new Blob([blob], { type: 'video/mp4' }));
      const video = h('video', { class: 'clip-video', muted: true, autoplay: true, playsinline: true, controls: true });
      video.muted = true;
      video.src = url;
      note.remove();
      el.append(video);
      el.dataset.state = 'playing';
      void video.play().catch(() => undefined);
    } catch (err) {
      if (abort.signal.aborted) return;
      if (err instanceof ApiError && err.status === 404) {
        el.dataset.state = 'none';
        label(note, 'video.noFootage');
      } else fail(err instanceof ApiError ? err.status : (err as Error).message);
    }
  })();
  return {
    el,
    close() {
      abort.abort();
      el.querySelector('video')?.removeAttribute('src');
      if (url) URL.revokeObjectURL(url);
      url = null;
    },
  };
}
