// PTZ of a pane (operators and admins): buttons and keys move while held, click-to-centre, presets and patrols panels,
// and the banner of who controls the camera.
import type { Camera } from '../../../gateway/contract';
import type { PlayableCamera } from '../core/context';
import { api } from '../core/api';
import { h } from '../core/dom';
import type { Realtime } from '../core/realtime';
import { ptzApi, type PtzAxes } from './ptz-api';
import { ptzBanner, type PtzBanner } from './ptz-banner';
import { ptzKeys } from './ptz-keys';
import { togglePatrols } from './ptz-patrols';
import { togglePresets } from './ptz-presets';

const MOVES: Array<[string, string, PtzAxes]> = [
  ['ptz.up', '▲', { tilt: 0.5 }],
  ['ptz.left', '◀', { pan: -0.5 }],
  ['ptz.right', '▶', { pan: 0.5 }],
  ['ptz.down', '▼', { tilt: -0.5 }],
  ['ptz.zoomIn', '+', { zoom: 0.5 }],
  ['ptz.zoomOut', '−', { zoom: -0.5 }],
];

/**
 * A held move is sent again this often (ms): the gateway's moves stop by themselves after ptz.moveTimeoutS
 * (2 s by default) so that a lost release cannot leave a camera turning.
 */
const RESEND_MS = 1000;

/** One camera's PTZ calls, each reported to the banner (held by this console, or refused with who holds it). */
export interface PtzDriver {
  cameraId: string;
  banner: PtzBanner;
  run(call: Promise<unknown>): Promise<boolean>;
  /** Starts moving (a button or key held down) until release(). */
  press(v: PtzAxes): void;
  release(): void;
}

function driver(cameraId: string, banner: PtzBanner): PtzDriver {
  let resend: ReturnType<typeof setInterval> | undefined;
  // a camera's calls go out one after another: a release's stop sent beside its move could arrive first
  let queue: Promise<unknown> = Promise.resolve();
  const inOrder = (send: () => Promise<unknown>): Promise<unknown> => (queue = queue.catch(() => undefined).then(send));
  const d: PtzDriver = {
    cameraId,
    banner,
    async run(call) {
      try {
        await call;
        banner.mine();
        return true;
      } catch (err) {
        banner.failed(err);
        return false;
      }
    },
    press(v) {
      clearInterval(resend);
      void d.run(inOrder(() => ptzApi.move(cameraId, v)));
      resend = setInterval(() => void d.run(inOrder(() => ptzApi.move(cameraId, v))), RESEND_MS);
    },
    release() {
      // only a move this console started is stopped (closing an idle pane must not take control)
      if (resend === undefined) return;
      clearInterval(resend);
      resend = undefined;
      void d.run(inOrder(() => ptzApi.stop(cameraId)));
    },
  };
  return d;
}

/** The PTZ buttons of one camera; the presets and patrols buttons open their panels inside `pane`. */
function ptzControls(d: PtzDriver, pane: HTMLElement, video: HTMLElement | null): HTMLElement {
  const box = h('div', { class: 'ptz' });
  const move = (v: PtzAxes) => d.press(v);
  const stop = () => d.release();
  for (const [key, glyph, v] of MOVES) {
    const b = h('button', { class: 'icon-btn', 'data-ptz': key.slice(4), 'i18n-title': key }, glyph);
    b.addEventListener('pointerdown', () => move(v));
    b.addEventListener('pointerup', stop);
    b.addEventListener('pointerleave', (e) => {
      if ((e as PointerEvent).buttons) stop();
    });
    // from the keyboard too: Enter or Space held down moves, released stops
    b.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      if (!e.repeat) move(v);
    });
    b.addEventListener('keyup', (e) => {
      if (e.key === 'Enter' || e.key === ' ') stop();
    });
    box.append(b);
  }
  const centre = h(
    'button',
    { class: 'icon-btn ptz-centre-btn', 'i18n-title': 'ptz.centreMode', 'aria-pressed': 'false' },
    '⌖',
  );
  // offered only where the camera's PTZ node lists a relative pan/tilt space (ONVIF RelativeMove)
  centre.hidden = true;
  ptzApi
    .capabilities(d.cameraId)
    .then((c) => (centre.hidden = !c.relativeMove))
    .catch(() => undefined);
  centre.addEventListener('click', () => {
    const on = centre.getAttribute('aria-pressed') !== 'true';
    centre.setAttribute('aria-pressed', String(on));
    pane.classList.toggle('ptz-centring', on);
  });
  // click-to-centre: the click's offset from the picture's centre, as a fraction of the shown picture
  pane.addEventListener('click', (e) => {
    if (!video || !pane.classList.contains('ptz-centring')) return;
    if ((e.target as Element).closest('button, input, select, form, .ptz-presets, .ptz-patrols, .pane-head')) return;
    const r = video.getBoundingClientRect();
    if (e.clientX < r.left || e.clientX > r.right || e.clientY < r.top || e.clientY > r.bottom) return;
    const clamp = (v: number) => Math.max(-0.5, Math.min(0.5, v));
    const x = clamp((e.clientX - r.left) / r.width - 0.5);
    const y = clamp((e.clientY - r.top) / r.height - 0.5);
    void d.run(ptzApi.centre(d.cameraId, x, y));
  });
  box.append(
    centre,
    h(
      'button',
      { class: 'icon-btn ptz-presets-btn', 'i18n-title': 'ptz.presets', onclick: () => togglePresets(pane, d) },
      '★',
    ),
    h(
      'button',
      { class: 'icon-btn ptz-patrols-btn', 'i18n-title': 'ptz.patrols', onclick: () => togglePatrols(pane, d) },
      '↻',
    ),
  );
  return box;
}

/**
 * Adds the PTZ controls to `pane` when the camera has PTZ. Cameras from spatial queries (incident, selection)
 * are summaries without capabilities, so their record is read first; `signal` cancels that and ends the controls.
 */
export function attachPtz(pane: HTMLElement, camera: PlayableCamera, signal: AbortSignal, realtime: Realtime): void {
  const add = (): void => {
    const banner = ptzBanner(camera.id, realtime);
    const d = driver(camera.id, banner);
    const offKeys = ptzKeys(pane, d.press, d.release);
    pane.classList.add('has-ptz');
    pane.append(banner.el, ptzControls(d, pane, pane.querySelector('video')));
    signal.addEventListener('abort', () => (banner.close(), offKeys(), d.release()), { once: true });
  };
  if (camera.capabilities) {
    if (camera.capabilities.ptz) add();
    return;
  }
  api<Camera>('GET', `/cameras/${encodeURIComponent(camera.id)}`, { signal })
    .then((cam) => {
      if (!signal.aborted && cam.capabilities.ptz) add();
    })
    .catch(() => undefined);
}
