// Fullscreen for a pane or the whole wall: the Fullscreen API, or a box filling the window where the API is refused.
const FILL = 'fill-window';
/** The element whose fullscreen request the browser has not answered yet. */
let pending: HTMLElement | null = null;

const anyFullscreen = (): boolean => document.fullscreenElement !== null || document.querySelector(`.${FILL}`) !== null;

/** Esc leaves: browsers do it themselves for the API, but a headless or kiosk browser may pass the key to the page. */
function onKey(e: KeyboardEvent): void {
  if (e.key !== 'Escape') return;
  const filled = [...document.querySelectorAll<HTMLElement>(`.${FILL}`)];
  if (filled.length) filled.forEach((el) => el.classList.remove(FILL));
  else if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
  settle();
}

/** Stops listening once nothing is fullscreen any more. */
function settle(): void {
  if (anyFullscreen()) return;
  document.removeEventListener('keydown', onKey);
  document.removeEventListener('fullscreenchange', settle);
}

function listen(): void {
  document.addEventListener('keydown', onKey);
  document.addEventListener('fullscreenchange', settle);
}

/**
 * Toggles `el` fullscreen. Called from a click or double-click (browsers grant fullscreen only to a user
 * gesture); Esc leaves it. A pane inside a fullscreen wall goes fullscreen on its own and returns to the wall.
 */
export function toggleFullscreen(el: HTMLElement): void {
  if (el.classList.contains(FILL)) {
    el.classList.remove(FILL);
    settle();
    return;
  }
  if (document.fullscreenElement === el) {
    void document.exitFullscreen().catch(() => undefined);
    return;
  }
  const fill = (): void => {
    el.classList.add(FILL);
    listen();
  };
  if (!document.fullscreenEnabled || typeof el.requestFullscreen !== 'function') return fill();
  // a second click while the browser is still switching would ask again rather than leave
  if (pending === el) return;
  pending = el;
  listen();
  el.requestFullscreen()
    .catch(fill)
    .finally(() => {
      pending = null;
    });
}

/** Double-clicking `el` toggles it fullscreen, except on its own controls (buttons, fields, PTZ). */
export function fullscreenOnDoubleClick(el: HTMLElement): void {
  el.addEventListener('dblclick', (e) => {
    if ((e.target as Element | null)?.closest('button, input, select, textarea, a, .ptz, .ptz-presets')) return;
    e.preventDefault();
    toggleFullscreen(el);
  });
}
