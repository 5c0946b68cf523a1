// "Play video" of an event or alarm: its linked cameras (GET /events|alarms/{id}/video), each played back over the event's
// window or live.
import type { AppContext } from '../core/context';
import { api, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { clipPlayer, type ClipSession } from './clip-player';

/** One linked camera as GET /events/{id}/video answers it (the fields shown). */
interface LinkedCamera {
  id: string;
  name: string;
  distanceM: number;
  covering: boolean;
  mayPlayback: boolean;
  footage: boolean | null;
  playback: ClipSession | null;
}

/**
 * The linked cameras of an event (`{ event: id }`) or an alarm (`{ alarm: id }`): a row per camera with "play back"
 * (the session of the event's window, when the caller has the right and there is footage) and "live" (the video
 * wall). `close()` stops a clip being played.
 */
export function eventVideoView(
  ctx: AppContext,
  of: { event: string } | { alarm: string },
): { el: HTMLElement; close(): void } {
  const path =
    'event' in of ? `/events/${encodeURIComponent(of.event)}/video` : `/alarms/${encodeURIComponent(of.alarm)}/video`;
  const list = h('ul', { class: 'event-video-cams' });
  const player = h('div', { class: 'event-video-player' });
  const el = h(
    'div',
    { class: 'event-video', ...('event' in of ? { 'data-event-id': of.event } : { 'data-alarm-id': of.alarm }) },
    label(h('h4'), 'video.cameras'),
    list,
    player,
  );
  let clip: { close(): void } | null = null;
  const abort = new AbortController();
  const play = (s: ClipSession, id: string): void => {
    clip?.close();
    const c = clipPlayer({ session: s });
    c.el.dataset.cameraId = id;
    player.replaceChildren(c.el);
    clip = c;
  };
  api<{ cameras: LinkedCamera[] }>('GET', path, { signal: abort.signal })
    .then(({ cameras }) => {
      if (!cameras.length) list.append(label(h('li', { class: 'muted' }), 'video.noCameras'));
      for (const cam of cameras) {
        const note = !cam.mayPlayback ? 'video.noRight' : cam.footage ? null : 'video.noFootage';
        list.append(
          h(
            'li',
            { class: 'event-video-cam', 'data-camera-id': cam.id },
            h('span', { class: 'name' }, cam.name),
            h('span', { class: 'muted' }, ` ${Math.round(cam.distanceM)} m`),
            note ? label(h('span', { class: 'muted clip-note' }), note) : null,
            cam.playback
              ? h('button', {
                  class: 'btn small replay',
                  i18n: 'video.replay',
                  onclick: () => play(cam.playback!, cam.id),
                })
              : null,
            h('button', {
              class: 'btn small live',
              i18n: 'video.live',
              onclick: () => ctx.play([{ id: cam.id, name: cam.name }]),
            }),
          ),
        );
      }
    })
    .catch((err: unknown) => {
      if (!abort.signal.aborted)
        list.append(h('li', { class: 'error' }, err instanceof ApiError ? err.describe() : String(err)));
    });
  return {
    el,
    close() {
      abort.abort();
      clip?.close();
    },
  };
}
