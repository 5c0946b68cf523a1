// PTZ buttons for a pane (operators and admins): press to move, release to stop; the presets panel beside them.
import type { Camera } from '../../../gateway/contract';
import type { PlayableCamera } from '../core/context';
import { api, ApiError } from '../core/api';
import { h, toast } from '../core/dom';
import { togglePresets } from './ptz-presets';

const MOVES: Array<[string, string, { pan?: number; tilt?: number; zoom?: number }]> = [
  ['ptz.up', '▲', { tilt: 0.5 }],
  ['ptz.left', '◀', { pan: -0.5 }],
  ['ptz.right', '▶', { pan: 0.5 }],
  ['ptz.down', '▼', { tilt: -0.5 }],
  ['ptz.zoomIn', '+', { zoom: 0.5 }],
  ['ptz.zoomOut', '−', { zoom: -0.5 }],
];

async function ptz(cameraId: string, body: Record<string, unknown>): Promise<void> {
  try {
    await api('POST', `/cameras/${encodeURIComponent(cameraId)}/ptz`, { body });
  } catch (err) {
    toast(err instanceof ApiError ? err.describe() : String(err), 'error');
  }
}

/** The PTZ buttons of one camera; the presets button opens its panel inside `pane`. */
export function ptzControls(cameraId: string, pane: HTMLElement): HTMLElement {
  const box = h('div', { class: 'ptz' });
  for (const [key, glyph, move] of MOVES) {
    const b = h('button', { class: 'icon-btn', 'data-ptz': key.slice(4), 'i18n-title': key }, glyph);
    b.addEventListener('pointerdown', () => void ptz(cameraId, { action: 'move', ...move }));
    b.addEventListener('pointerup', () => void ptz(cameraId, { action: 'stop' }));
    b.addEventListener('pointerleave', (e) => {
      if ((e as PointerEvent).buttons) void ptz(cameraId, { action: 'stop' });
    });
    // from the keyboard too: Enter or Space held down moves, released stops
    b.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      e.preventDefault();
      if (!e.repeat) void ptz(cameraId, { action: 'move', ...move });
    });
    b.addEventListener('keyup', (e) => {
      if (e.key === 'Enter' || e.key === ' ') void ptz(cameraId, { action: 'stop' });
    });
    box.append(b);
  }
  box.append(
    h(
      'button',
      { class: 'icon-btn ptz-presets-btn', 'i18n-title': 'ptz.presets', onclick: () => togglePresets(pane, cameraId) },
      '★',
    ),
  );
  return box;
}

/**
 * Adds the PTZ controls to `pane` when the camera has PTZ. Cameras from spatial queries (incident, selection)
 * are summaries without capabilities, so their record is read first; `signal` cancels that when the pane closes.
 */
export function attachPtz(pane: HTMLElement, camera: PlayableCamera, signal: AbortSignal): void {
  if (camera.capabilities) {
    if (camera.capabilities.ptz) pane.append(ptzControls(camera.id, pane));
    return;
  }
  api<Camera>('GET', `/cameras/${encodeURIComponent(camera.id)}`, { signal })
    .then((cam) => {
      if (!signal.aborted && cam.capabilities.ptz) pane.append(ptzControls(camera.id, pane));
    })
    .catch(() => undefined);
}
