// The pane's information on hover: transport (MSE / LL-HLS / HLS), decoded resolution and the current latency behind the camera.
import { h } from '../core/dom';
import { t } from '../core/i18n';
import type { Latency, TransportLabel } from './transport';

/** How often the numbers are refreshed while the pointer is over the pane, milliseconds. */
const REFRESH_MS = 500;

export interface OverlaySource {
  transport(): TransportLabel | null;
  latency(): Latency | null;
}

/** Total seconds the picture is behind: behind the gateway's newest frame, plus that frame's age. */
export function latencyS(l: Latency): number {
  return l.behindEdgeS + (l.edgeAgeS ?? 0);
}

/**
 * An overlay in `pane` over `video`, filled while the pointer is on the pane (CSS shows it on
 * :hover). Its element carries data-transport and data-latency-ms for integrators' checks.
 * Returns the element and a function that removes the listeners.
 */
export function paneOverlay(
  pane: HTMLElement,
  video: HTMLVideoElement,
  src: OverlaySource,
): { el: HTMLElement; refresh(): void; close(): void } {
  const transport = h('span', { class: 'info-transport' });
  const size = h('span', { class: 'info-size' });
  const latency = h('span', { class: 'info-latency' });
  const el = h('div', { class: 'pane-info', 'aria-live': 'off' }, transport, size, latency);
  let timer: ReturnType<typeof setInterval> | null = null;
  const refresh = (): void => {
    const tr = src.transport();
    transport.textContent = `${t('pane.transport')} ${tr ?? '—'}`;
    el.dataset.transport = tr ?? '';
    size.textContent =
      video.videoWidth > 0 ? `${t('pane.resolution')} ${video.videoWidth}×${video.videoHeight}` : t('pane.noPicture');
    const l = src.latency();
    if (l) {
      const s = latencyS(l);
      el.dataset.latencyMs = String(Math.round(s * 1000));
      latency.textContent = `${t('pane.latency')} ${s.toFixed(2)} s`;
      latency.title = t('pane.latencyDetail', {
        behind: l.behindEdgeS.toFixed(2),
        age: l.edgeAgeS === null ? '—' : l.edgeAgeS.toFixed(2),
      });
    } else {
      delete el.dataset.latencyMs;
      latency.textContent = `${t('pane.latency')} —`;
      latency.title = '';
    }
  };
  const enter = (): void => {
    refresh();
    if (!timer) timer = setInterval(refresh, REFRESH_MS);
  };
  const leave = (): void => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  pane.addEventListener('mouseenter', enter);
  pane.addEventListener('mouseleave', leave);
  return {
    el,
    refresh,
    close: () => {
      leave();
      pane.removeEventListener('mouseenter', enter);
      pane.removeEventListener('mouseleave', leave);
    },
  };
}
