// The timeline under a playback pane: spans, gaps and event marks as placed elements, a cursor, zoom (wheel, ±), click/drag to seek or pick.
import { h } from '../core/dom';
import { currentLang, t } from '../core/i18n';
import {
  centreOn,
  msAt,
  panBy,
  runs,
  ticks,
  tickStep,
  wheelFactor,
  xOf,
  zoomAt,
  type TimeScale,
} from './timeline-scale';
import type { FootageView } from './footage-index';

export interface TimelineEvents {
  /** A click, or the end of a drag, on the track: play from this wall-clock time. */
  seek(ms: number): void;
  /** A range dragged over the track while picking a range (ms, from < to). */
  range(fromMs: number, toMs: number): void;
  /** The view moved or zoomed: footage of the new view is wanted. */
  view(s: TimeScale): void;
}

/** Zoom factor of the + and − buttons. */
const BUTTON_FACTOR = 2;
/** A press that moves less than this (px) is a click. */
const CLICK_PX = 4;

export class Timeline {
  readonly el: HTMLElement;
  private readonly track: HTMLElement;
  private readonly axis: HTMLElement;
  private readonly layer: HTMLElement;
  private readonly cursor: HTMLElement;
  private readonly sel: HTMLElement;
  private scale: TimeScale;
  private footage: FootageView = { fromMs: 0, toMs: 0, spans: [], gaps: [] };
  private marks: number[] = [];
  private cursorMs: number | null = null;
  private selection: [number, number] | null = null;
  private picking = false;
  private drag: { x0: number; x: number; pan: boolean } | null = null;
  private readonly resize: ResizeObserver;

  constructor(
    private readonly events: TimelineEvents,
    spanMs = 3_600_000,
  ) {
    this.scale = { startMs: Date.now() - spanMs / 2, spanMs, widthPx: 600 };
    this.layer = h('div', { class: 'tl-layer' });
    this.sel = h('div', { class: 'tl-sel', hidden: true });
    this.cursor = h('div', { class: 'tl-cursor', hidden: true });
    this.track = h('div', { class: 'tl-track' }, this.layer, this.sel, this.cursor);
    this.axis = h('div', { class: 'tl-axis', 'i18n-title': 'timeline.panHint' });
    const zoomIn = h('button', { class: 'icon-btn tl-zoom-in', 'i18n-title': 'timeline.zoomIn' }, '+');
    const zoomOut = h('button', { class: 'icon-btn tl-zoom-out', 'i18n-title': 'timeline.zoomOut' }, '−');
    zoomIn.onclick = () => this.zoom(1 / BUTTON_FACTOR);
    zoomOut.onclick = () => this.zoom(BUTTON_FACTOR);
    const body = h('div', { class: 'tl-body' }, this.track, this.axis);
    this.el = h('div', { class: 'timeline' }, body, h('div', { class: 'tl-zoom' }, zoomIn, zoomOut));
    this.track.addEventListener('pointerdown', (e) => this.down(e, false));
    this.axis.addEventListener('pointerdown', (e) => this.down(e, true));
    this.el.addEventListener('wheel', this.onWheel, { passive: false });
    this.resize = new ResizeObserver(() => this.fit());
    this.resize.observe(this.track);
  }

  get view(): TimeScale {
    return this.scale;
  }

  /** Footage of (part of) the view and the camera's event times; redraws. */
  setFootage(footage: FootageView, marks: number[]): void {
    this.footage = footage;
    this.marks = marks;
    this.draw();
  }

  /**
   * Moves the cursor to the wall-clock time shown (null hides it). The view follows a cursor that playback carries
   * out of it, not one the viewer has moved the view away from.
   */
  setCursor(ms: number | null): void {
    const was = this.cursorMs;
    this.cursorMs = ms;
    if (ms !== null && was !== null && !this.drag && this.inView(was) && !this.inView(ms)) {
      this.setView(centreOn(this.scale, ms));
      return;
    }
    this.placeCursor();
  }

  /** Shows `ms` in the middle of the view. */
  centre(ms: number): void {
    this.setView(centreOn(this.scale, ms));
  }

  /** Brings `ms` into the view (centred) when it is outside. */
  reveal(ms: number): void {
    if (!this.inView(ms)) this.centre(ms);
  }

  private inView(ms: number): boolean {
    return ms >= this.scale.startMs && ms <= this.scale.startMs + this.scale.spanMs;
  }

  /** Picking a range: drags on the track select instead of seeking (ended by setPicking(false)). */
  setPicking(on: boolean): void {
    this.picking = on;
    this.el.classList.toggle('picking', on);
  }

  /** The selected range drawn over the track (null: none). */
  setSelection(range: [number, number] | null): void {
    this.selection = range;
    this.placeSelection();
  }

  /** Zooms by `factor` around the cursor (or the middle of the view). */
  zoom(factor: number, anchorMs?: number): void {
    const mid = this.scale.startMs + this.scale.spanMs / 2;
    const cur = this.cursorMs !== null && xOf(this.scale, this.cursorMs) >= 0 ? this.cursorMs : null;
    this.setView(zoomAt(this.scale, factor, anchorMs ?? cur ?? mid));
  }

  private setView(s: TimeScale): void {
    this.scale = s;
    this.draw();
    this.events.view(s);
  }

  private fit(): void {
    const w = this.track.clientWidth;
    if (w > 0 && w !== this.scale.widthPx) this.setView({ ...this.scale, widthPx: w });
  }

  private readonly onWheel = (e: WheelEvent): void => {
    e.preventDefault();
    const x = e.clientX - this.track.getBoundingClientRect().left;
    this.zoom(wheelFactor(e.deltaY), msAt(this.scale, x));
  };

  private down(e: PointerEvent, pan: boolean): void {
    if (e.button !== 0) return;
    const left = this.track.getBoundingClientRect().left;
    const x0 = e.clientX - left;
    this.drag = { x0, x: x0, pan };
    const target = e.currentTarget as HTMLElement;
    target.setPointerCapture(e.pointerId);
    let last = e.clientX;
    const move = (ev: PointerEvent): void => {
      if (!this.drag) return;
      this.drag.x = ev.clientX - left;
      if (pan) {
        this.setView(panBy(this.scale, ev.clientX - last));
        last = ev.clientX;
      } else if (this.picking) this.pickTo(this.drag.x0, this.drag.x);
      else this.preview(msAt(this.scale, this.drag.x));
    };
    const up = (ev: PointerEvent): void => {
      target.removeEventListener('pointermove', move);
      target.removeEventListener('pointerup', up);
      target.removeEventListener('pointercancel', up);
      const d = this.drag;
      this.drag = null;
      if (!d || ev.type === 'pointercancel' || pan) return;
      const x = ev.clientX - left;
      if (this.picking) {
        if (Math.abs(x - d.x0) >= CLICK_PX) this.pickTo(d.x0, x);
        return;
      }
      const ms = msAt(this.scale, Math.max(0, Math.min(this.scale.widthPx, x)));
      this.cursorMs = ms;
      this.placeCursor();
      this.events.seek(ms);
    };
    target.addEventListener('pointermove', move);
    target.addEventListener('pointerup', up);
    target.addEventListener('pointercancel', up);
  }

  private pickTo(x0: number, x1: number): void {
    const a = msAt(this.scale, Math.min(x0, x1));
    const b = msAt(this.scale, Math.max(x0, x1));
    this.setSelection([Math.round(a), Math.round(b)]);
    this.events.range(Math.round(a), Math.round(b));
  }

  private preview(ms: number): void {
    this.cursor.hidden = false;
    this.cursor.style.left = `${xOf(this.scale, ms)}px`;
    this.cursor.dataset.ms = String(Math.round(ms));
  }

  private placeCursor(): void {
    const ms = this.cursorMs;
    const x = ms === null ? -1 : xOf(this.scale, ms);
    this.cursor.hidden = ms === null || x < 0 || x > this.scale.widthPx;
    if (ms === null) return;
    this.cursor.style.left = `${x}px`;
    this.cursor.dataset.ms = String(Math.round(ms));
  }

  private placeSelection(): void {
    const r = this.selection;
    this.sel.hidden = !r;
    if (!r) return;
    const a = Math.max(0, xOf(this.scale, r[0]));
    const b = Math.min(this.scale.widthPx, xOf(this.scale, r[1]));
    this.sel.style.left = `${a}px`;
    this.sel.style.width = `${Math.max(1, b - a)}px`;
  }

  /** Spans, gaps, event marks and the time axis of the view. */
  private draw(): void {
    const s = this.scale;
    this.el.dataset.startMs = String(Math.round(s.startMs));
    this.el.dataset.spanMs = String(Math.round(s.spanMs));
    const layer: HTMLElement[] = [];
    for (const r of runs(s, this.footage.spans)) layer.push(this.box('tl-span', r.x, r.w, r.startMs, r.endMs, r.kind));
    const gaps = this.footage.gaps.map((g) => ({ ...g, kind: 'gap' as const }));
    for (const r of runs(s, gaps)) layer.push(this.box('tl-gap', r.x, r.w, r.startMs, r.endMs));
    for (const m of this.marks) {
      const x = xOf(s, m);
      if (x >= 0 && x <= s.widthPx) layer.push(this.box('tl-event', x, 0, m, m));
    }
    this.layer.replaceChildren(...layer);
    const step = tickStep(s);
    const offset = -new Date(s.startMs).getTimezoneOffset() * 60_000;
    const fmt = new Intl.DateTimeFormat(currentLang(), tickFormat(step));
    this.axis.replaceChildren(
      ...ticks(s, offset).map((tk) =>
        h('span', { class: 'tl-tick', style: `left:${xOf(s, tk)}px`, 'data-ms': tk }, fmt.format(tk)),
      ),
    );
    this.placeCursor();
    this.placeSelection();
  }

  private box(cls: string, x: number, w: number, a: number, b: number, kind?: string): HTMLElement {
    const el = h('div', { class: cls, 'data-start': Math.round(a), 'data-end': Math.round(b), 'data-kind': kind });
    if (kind === 'device') el.title = t('timeline.deviceFootage');
    el.style.left = `${x}px`;
    if (cls !== 'tl-event') el.style.width = `${w}px`;
    return el;
  }

  /** Stops observing; idempotent. */
  close(): void {
    this.resize.disconnect();
    this.el.removeEventListener('wheel', this.onWheel);
  }
}

/** Labels: seconds on the shortest steps, dates on day steps. */
function tickFormat(stepMs: number): Intl.DateTimeFormatOptions {
  if (stepMs >= 86_400_000) return { month: 'numeric', day: 'numeric' };
  if (stepMs >= 3_600_000) return { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' };
  if (stepMs >= 60_000) return { hour: '2-digit', minute: '2-digit' };
  return { hour: '2-digit', minute: '2-digit', second: '2-digit' };
}
