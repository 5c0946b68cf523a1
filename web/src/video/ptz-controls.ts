// PTZ buttons for a pane (operators and admins): press to move, release to stop.
import { api } from '../core/api';
import { h } from '../core/dom';
import { toast } from '../core/dom';
import { ApiError } from '../core/api';

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

export function ptzControls(cameraId: string): HTMLElement {
  const box = h('div', { class: 'ptz' });
  for (const [key, glyph, move] of MOVES) {
    const b = h('button', { class: 'icon-btn', 'i18n-title': key }, glyph);
    b.addEventListener('pointerdown', () => void ptz(cameraId, { action: 'move', ...move }));
    b.addEventListener('pointerup', () => void ptz(cameraId, { action: 'stop' }));
    b.addEventListener('pointerleave', (e) => {
      if ((e as PointerEvent).buttons) void ptz(cameraId, { action: 'stop' });
    });
    box.append(b);
  }
  return box;
}
