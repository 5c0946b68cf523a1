// Whether a pane can be seen: the page is visible (not a background tab) and the pane intersects the viewport (not display:none, not scrolled away).
/** Hidden for at least this long before the pane pauses (a relayout or a quick tab switch does not reconnect). */
export const PAUSE_AFTER_MS = 1000;

/**
 * Calls `onChange(true|false)` when `el` becomes visible or hidden: visible at once, hidden after
 * PAUSE_AFTER_MS of staying hidden. The first report comes after the first intersection check.
 * Returns a function that stops watching.
 */
export function watchVisibility(el: HTMLElement, onChange: (visible: boolean) => void): () => void {
  let intersecting: boolean | null = null;
  let reported: boolean | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const update = (): void => {
    if (intersecting === null) return;
    const visible = intersecting && document.visibilityState !== 'hidden';
    if (timer) clearTimeout(timer);
    timer = null;
    if (visible === reported) return;
    if (visible || reported === null) {
      reported = visible;
      onChange(visible);
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      reported = false;
      onChange(false);
    }, PAUSE_AFTER_MS);
  };
  const io =
    typeof IntersectionObserver === 'undefined'
      ? null
      : new IntersectionObserver((entries) => {
          const last = entries[entries.length - 1];
          if (last) intersecting = last.isIntersecting;
          update();
        });
  if (io) io.observe(el);
  else intersecting = true;
  document.addEventListener('visibilitychange', update);
  if (!io) queueMicrotask(update);
  return () => {
    io?.disconnect();
    document.removeEventListener('visibilitychange', update);
    if (timer) clearTimeout(timer);
  };
}
