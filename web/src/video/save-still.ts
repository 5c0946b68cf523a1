// The pane's "save still" button: the gateway takes a full-resolution JPEG of the camera now (audited); the browser downloads it.
import { request, ApiError } from '../core/api';
import { h } from '../core/dom';
import { t } from '../core/i18n';

const SVG = 'http://www.w3.org/2000/svg';

/** A camera glyph drawn with the text colour (no icon font or image to load). */
function cameraGlyph(): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  const body = document.createElementNS(SVG, 'path');
  body.setAttribute('d', 'M4 7h3l2-2h6l2 2h3a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V8a1 1 0 0 1 1-1z');
  const lens = document.createElementNS(SVG, 'circle');
  lens.setAttribute('cx', '12');
  lens.setAttribute('cy', '13');
  lens.setAttribute('r', '3.5');
  for (const el of [body, lens]) {
    el.setAttribute('fill', 'none');
    el.setAttribute('stroke', 'currentColor');
    el.setAttribute('stroke-width', '1.8');
    svg.append(el);
  }
  return svg;
}

/** The file name the gateway suggests (Content-Disposition), or one made from the camera id and the time. */
function fileName(res: Response, cameraId: string): string {
  const m = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return m?.[1] ?? `cloudeye-${cameraId}-${Date.now()}.jpg`;
}

/** How long the outcome stays beside the button, milliseconds. */
const NOTE_MS = 6000;

/**
 * The toolbar control that saves a still of `cameraId`: a button (POST /cameras/{id}/stills, then a
 * download of the JPEG) and, beside it, the outcome for a few seconds: saved, or the gateway's reason
 * (403, 502/503 …). Returns one element for the pane's toolbar.
 */
export function saveStillControl(cameraId: string): HTMLElement {
  const note = h('span', { class: 'still-note', role: 'status' });
  const button = h(
    'button',
    { type: 'button', class: 'icon-btn pane-still', 'i18n-title': 'still.save' },
    cameraGlyph(),
  );
  let noteTimer: ReturnType<typeof setTimeout> | null = null;
  const report = (text: string, failed: boolean): void => {
    note.textContent = text;
    note.title = text;
    note.classList.toggle('failed', failed);
    if (noteTimer) clearTimeout(noteTimer);
    noteTimer = setTimeout(() => (note.textContent = ''), NOTE_MS);
  };
  button.addEventListener('click', () => {
    if (button.disabled) return;
    button.disabled = true;
    void request('POST', `/cameras/${encodeURIComponent(cameraId)}/stills`)
      .then(async (res) => {
        const url = URL.createObjectURL(await res.blob());
        const a = h('a', { href: url, download: fileName(res, cameraId), hidden: true });
        document.body.append(a);
        a.click();
        a.remove();
        // the download has its own copy once started; keep the URL a while for slow disks
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
        report(t('still.saved'), false);
      })
      .catch((err: unknown) =>
        report(`${t('still.failed')}: ${err instanceof ApiError ? err.describe() : String(err)}`, true),
      )
      .finally(() => (button.disabled = false));
  });
  return h('span', { class: 'pane-still-wrap' }, note, button);
}
