// Playback in a wall pane: footage over the live picture, its timeline, date/time jump, speed, back 30 s, live, clip export, sync.
import { h, label } from '../core/dom';
import { formatDateTime } from '../core/dates';
import { t } from '../core/i18n';
import { ClipExport, fromLocalInput, localInput } from './clip-export';
import { loadEventTimes, loadFootage } from './footage-index';
import { PlaybackPlayer, SPEEDS } from './playback-player';
import type { SyncClock, SyncMember } from './sync-clock';
import { Timeline } from './timeline';

export interface PlaybackPaneOptions {
  /** The wall's common clock (null: the pane plays back on its own). */
  sync: SyncClock | null;
  /** Whether the caller may export clips (the policy's export action). */
  canExport: boolean;
}

/** "Back" from live, seconds. */
export const BACK_S = 30;
/** The timeline's view when playback opens, ms. */
const FIRST_VIEW_MS = 10 * 60_000;
/** Footage of the view is asked again this often while playback is open (new footage appears at the right). */
const REFRESH_MS = 10_000;
const CURSOR_MS = 250;

export class PlaybackPane implements SyncMember {
  /** The pane-head buttons: open playback (the timeline), back 30 s. */
  readonly buttons: HTMLElement[];
  private ui: {
    overlay: HTMLElement;
    video: HTMLVideoElement;
    player: PlaybackPlayer;
    timeline: Timeline;
    clip: ClipExport;
    readout: HTMLElement;
    status: HTMLElement;
    when: HTMLInputElement;
    timers: Array<ReturnType<typeof setInterval>>;
    load: AbortController | null;
    /** The time asked for until the seek's first picture shows (the cursor stays there meanwhile). */
    seeking: number | null;
  } | null = null;
  private readonly leave: () => void;

  constructor(
    private readonly pane: HTMLElement,
    readonly cameraId: string,
    private readonly opts: PlaybackPaneOptions,
  ) {
    const open = h('button', { class: 'icon-btn pane-playback-btn', 'i18n-title': 'playback.open' }, '⏱');
    open.onclick = () => this.request(Date.now() - 2 * BACK_S * 1000);
    const back = h('button', { class: 'icon-btn pane-back30', 'i18n-title': 'playback.back30Hint' }, '−30s');
    back.onclick = () => this.request(Date.now() - BACK_S * 1000);
    this.buttons = [open, back];
    this.leave = opts.sync?.join(this) ?? (() => undefined);
  }

  active(): boolean {
    return this.ui !== null;
  }

  wallNow(): number | null {
    return this.ui && this.ui.seeking === null ? this.ui.player.wallNow() : null;
  }

  hold(on: boolean): void {
    this.ui?.player.hold(on);
  }

  /** A person's seek: on the common clock when synchronized, else this pane alone. */
  private request(ms: number): void {
    if (!this.opts.sync?.seek(ms)) this.playAt(ms);
  }

  playAt(ms: number): void {
    const ui = this.ui ?? this.build(ms);
    ui.status.textContent = t('playback.loading');
    ui.seeking = ms;
    ui.when.value = localInput(ms);
    ui.timeline.reveal(ms);
    ui.timeline.setCursor(ms);
    void ui.player.seek(ms);
  }

  private build(ms: number): NonNullable<PlaybackPane['ui']> {
    const video = h('video', { class: 'pb-video', muted: true, playsinline: true });
    video.muted = true;
    const status = h('span', { class: 'pb-status' });
    const player = new PlaybackPlayer(video, this.cameraId, {
      playing: () => {
        status.textContent = '';
        if (this.ui) this.ui.seeking = null;
      },
      failed: (reason) => {
        status.textContent = /^404/.test(reason) ? t('playback.noFootage') : t('playback.failed', { reason });
        if (this.ui) this.ui.seeking = null;
      },
    });
    const timeline = new Timeline(
      {
        seek: (at) => this.request(at),
        range: (a, b) => clip.setRange(a, b),
        view: () => this.scheduleLoad(),
      },
      FIRST_VIEW_MS,
    );
    timeline.centre(ms);
    const clip = new ClipExport(timeline, () => {
      const synced = this.opts.sync?.enabled ? this.opts.sync.cameras() : [];
      return synced.length ? synced : [this.cameraId];
    });
    const when = h('input', { type: 'datetime-local', step: 1, class: 'pb-when', name: 'when' });
    const jump = h('button', { class: 'btn small pb-jump', i18n: 'playback.jump', 'i18n-title': 'playback.jumpHint' });
    jump.onclick = () => {
      const at = fromLocalInput(when.value);
      if (Number.isFinite(at)) this.request(at);
    };
    const back = h('button', { class: 'btn small pb-back30', i18n: 'playback.back30' });
    back.onclick = () => this.request(Date.now() - BACK_S * 1000);
    const pause = h('button', { class: 'icon-btn pb-pause', 'i18n-title': 'playback.pause' }, '⏯');
    pause.onclick = () => (video.paused ? void video.play().catch(() => undefined) : video.pause());
    const speed = h('select', { class: 'pb-speed', 'i18n-title': 'playback.speed' });
    for (const s of SPEEDS) speed.append(h('option', { value: s }, `${s}×`));
    speed.onchange = () => player.setSpeed(Number(speed.value));
    const exportBtn = this.opts.canExport ? h('button', { class: 'btn small pb-export', i18n: 'export.clip' }) : null;
    if (exportBtn) exportBtn.onclick = () => clip.show(!clip.open);
    const live = h('button', { class: 'btn small pb-live', i18n: 'playback.live', 'i18n-title': 'playback.liveHint' });
    live.onclick = () => {
      if (!this.opts.sync?.live()) this.toLive();
    };
    const readout = h('span', { class: 'pb-time' });
    const bar = h(
      'div',
      { class: 'pb-bar' },
      label(h('span', { class: 'pb-tag' }), 'playback.tag'),
      readout,
      status,
      when,
      jump,
      back,
      pause,
      speed,
      exportBtn,
      live,
    );
    const overlay = h('div', { class: 'pane-playback' }, bar, video, timeline.el, clip.el);
    const ui: NonNullable<PlaybackPane['ui']> = {
      overlay,
      video,
      player,
      timeline,
      clip,
      readout,
      status,
      when,
      timers: [],
      load: null,
      seeking: null,
    };
    this.ui = ui;
    ui.timers.push(
      setInterval(() => this.follow(), CURSOR_MS),
      setInterval(() => this.scheduleLoad(), REFRESH_MS),
    );
    this.pane.dataset.playback = 'on';
    this.pane.append(overlay);
    this.scheduleLoad();
    return ui;
  }

  /** The cursor and the readout follow the wall-clock time of the frame shown. */
  private follow(): void {
    const ui = this.ui;
    if (!ui) return;
    const at = ui.seeking ?? ui.player.wallNow();
    if (at === null) return;
    ui.timeline.setCursor(at);
    ui.overlay.dataset.wallMs = String(Math.round(at));
    ui.readout.textContent = formatDateTime(new Date(at).toISOString());
  }

  private loadTimer: ReturnType<typeof setTimeout> | null = null;

  /** Footage of the view (and as much again either side, so short pans need no new query), soon. */
  private scheduleLoad(): void {
    if (this.loadTimer) clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => void this.load(), 150);
  }

  private async load(): Promise<void> {
    const ui = this.ui;
    if (!ui) return;
    ui.load?.abort();
    const abort = (ui.load = new AbortController());
    const v = ui.timeline.view;
    const from = v.startMs - v.spanMs / 2;
    const to = v.startMs + (v.spanMs * 3) / 2;
    try {
      const [footage, marks] = await Promise.all([
        loadFootage(this.cameraId, from, to, abort.signal),
        loadEventTimes(this.cameraId, from, to, abort.signal),
      ]);
      if (!abort.signal.aborted && this.ui === ui) ui.timeline.setFootage(footage, marks);
    } catch (err) {
      if (!abort.signal.aborted) ui.status.textContent = t('playback.failed', { reason: (err as Error).message });
    }
  }

  /** Back to the live picture: playback stops and its overlay goes. */
  toLive(): void {
    const ui = this.ui;
    if (!ui) return;
    this.ui = null;
    if (this.loadTimer) clearTimeout(this.loadTimer);
    for (const tm of ui.timers) clearInterval(tm);
    ui.load?.abort();
    ui.player.close();
    ui.timeline.close();
    ui.clip.close();
    ui.overlay.remove();
    delete this.pane.dataset.playback;
  }

  /** Leaves the clock and stops playback; idempotent. */
  close(): void {
    this.toLive();
    this.leave();
  }
}
