// Clip export from a playback pane: a range picked on the timeline (or typed), a required reason, POST /exports, then its download links.
import { api, ApiError } from '../core/api';
import { h, label } from '../core/dom';
import { t } from '../core/i18n';
import type { Timeline } from './timeline';

interface ExportView {
  id: string;
  status: 'pending' | 'running' | 'done' | 'failed' | 'expired';
  error: string | null;
  files: Array<{ name: string; url: string; bytes: number }>;
}

const POLL_MS = 1000;
const pad = (n: number): string => String(n).padStart(2, '0');

/** Wall-clock ms as a datetime-local value in the browser's zone (seconds shown). */
export function localInput(ms: number): string {
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A datetime-local value (browser's zone) as ms, or NaN. */
export function fromLocalInput(v: string): number {
  return v ? new Date(v).getTime() : NaN;
}

export class ClipExport {
  readonly el: HTMLFormElement;
  private readonly from = h('input', { type: 'datetime-local', step: 1, name: 'from', class: 'export-from' });
  private readonly to = h('input', { type: 'datetime-local', step: 1, name: 'to', class: 'export-to' });
  private readonly reason = h('input', { name: 'reason', class: 'export-reason', maxlength: 400 });
  private readonly status = h('div', { class: 'export-status' });
  private readonly links = h('div', { class: 'export-links' });
  private readonly abort = new AbortController();

  constructor(
    private readonly timeline: Timeline,
    /** The cameras exported: this pane's, or every pane on a synchronized clock. */
    private readonly cameras: () => string[],
  ) {
    this.reason.setAttribute('data-i18n-placeholder', 'export.reason');
    this.reason.placeholder = t('export.reason');
    const submit = h('button', { type: 'submit', class: 'btn small export-submit', i18n: 'export.submit' });
    const cancel = h('button', { type: 'button', class: 'btn small export-cancel', i18n: 'export.cancel' });
    cancel.onclick = () => this.show(false);
    this.el = h(
      'form',
      { class: 'clip-export', hidden: true },
      label(h('div', { class: 'export-hint' }), 'export.pickHint'),
      h('label', {}, label(h('span'), 'export.from'), this.from),
      h('label', {}, label(h('span'), 'export.to'), this.to),
      this.reason,
      submit,
      cancel,
      this.status,
      this.links,
    );
    const sync = (): void => {
      const a = fromLocalInput(this.from.value);
      const b = fromLocalInput(this.to.value);
      this.timeline.setSelection(a < b ? [a, b] : null);
    };
    this.from.onchange = sync;
    this.to.onchange = sync;
    this.el.onsubmit = (e) => {
      e.preventDefault();
      void this.submit();
    };
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  /** Opens (the timeline then picks a range) or closes the form. */
  show(on: boolean): void {
    this.el.hidden = !on;
    this.timeline.setPicking(on);
    if (!on) this.timeline.setSelection(null);
  }

  /** The range picked on the timeline. */
  setRange(fromMs: number, toMs: number): void {
    this.from.value = localInput(fromMs);
    this.to.value = localInput(toMs);
  }

  private async submit(): Promise<void> {
    const a = fromLocalInput(this.from.value);
    const b = fromLocalInput(this.to.value);
    this.links.replaceChildren();
    if (!(a < b)) return void label(this.status, 'export.needRange');
    if (this.reason.value.trim().length < 3) return void label(this.status, 'export.needReason');
    this.el.classList.add('busy');
    this.status.removeAttribute('data-i18n');
    this.status.textContent = t('export.running');
    try {
      const body = {
        cameras: this.cameras(),
        from: new Date(a).toISOString(),
        to: new Date(b).toISOString(),
        reason: this.reason.value.trim(),
      };
      let job = await api<ExportView>('POST', '/exports', { body, signal: this.abort.signal });
      while (job.status === 'pending' || job.status === 'running') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        job = await api<ExportView>('GET', `/exports/${job.id}`, { signal: this.abort.signal });
      }
      if (job.status !== 'done') throw new Error(job.error ?? job.status);
      this.status.textContent = t('export.done');
      this.el.dataset.exportId = job.id;
      this.links.replaceChildren(
        ...job.files.map((f) => h('a', { class: 'export-link', href: f.url, download: f.name }, f.name)),
      );
    } catch (err) {
      if (this.abort.signal.aborted) return;
      const reason = err instanceof ApiError ? err.describe() : (err as Error).message;
      this.status.textContent = t('export.failed', { reason });
    } finally {
      this.el.classList.remove('busy');
    }
  }

  /** Stops polling; idempotent. */
  close(): void {
    this.abort.abort();
  }
}
