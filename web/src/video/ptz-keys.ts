// Keyboard PTZ on a focused pane: arrow keys pan and tilt, + and - zoom; the move lasts while the key is held.
import type { PtzAxes } from './ptz-api';

const KEYS: Record<string, PtzAxes> = {
  ArrowUp: { tilt: 0.5 },
  ArrowDown: { tilt: -0.5 },
  ArrowLeft: { pan: -0.5 },
  ArrowRight: { pan: 0.5 },
  '+': { zoom: 0.5 },
  '=': { zoom: 0.5 },
  '-': { zoom: -0.5 },
  _: { zoom: -0.5 },
};

/**
 * Makes `pane` focusable and drives `move`/`stop` from its keys while it has focus (not while typing in one of
 * its fields). Returns the unsubscribe.
 */
export function ptzKeys(pane: HTMLElement, move: (v: PtzAxes) => void, stop: () => void): () => void {
  if (!pane.hasAttribute('tabindex')) pane.tabIndex = 0;
  const held = new Set<string>();
  const typing = (e: KeyboardEvent): boolean =>
    e.target instanceof HTMLInputElement ||
    e.target instanceof HTMLTextAreaElement ||
    e.target instanceof HTMLSelectElement;
  const down = (e: KeyboardEvent): void => {
    const v = KEYS[e.key];
    if (!v || typing(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    e.preventDefault();
    if (e.repeat || held.has(e.key)) return;
    held.add(e.key);
    move(v);
  };
  const up = (e: KeyboardEvent): void => {
    if (!held.delete(e.key)) return;
    e.preventDefault();
    if (held.size === 0) stop();
    else move(KEYS[[...held].at(-1)!]!);
  };
  // focus leaving the pane with a key still down: stop, or the camera would turn until its move timeout
  const blur = (e: FocusEvent): void => {
    if (held.size && !(e.relatedTarget instanceof Node && pane.contains(e.relatedTarget))) {
      held.clear();
      stop();
    }
  };
  pane.addEventListener('keydown', down);
  pane.addEventListener('keyup', up);
  pane.addEventListener('focusout', blur);
  return () => {
    pane.removeEventListener('keydown', down);
    pane.removeEventListener('keyup', up);
    pane.removeEventListener('focusout', blur);
  };
}
