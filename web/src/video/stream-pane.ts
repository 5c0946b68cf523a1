// One live stream in a video-wall pane: MSE or HLS, fallback and reconnects on its own, paused while hidden, info on hover, replay, playback.
import type { PlayableCamera } from '../core/context';
import { h, label } from '../core/dom';
import { t, type MsgKey } from '../core/i18n';
import { ApiError } from '../core/api';
import type { Realtime, StreamState } from '../core/realtime';
import { requestStream, retryable, retryDelayMs, type StreamGrant } from './stream-source';
import { chooseTransport, type Player, type PlayerEvents, type Transport } from './transport';
import { LivePlayer } from './live-player';
import { HlsPlayer } from './hls-player';
import { watchVisibility } from './pane-visibility';
import { paneOverlay } from './pane-overlay';
import { instantReplay } from './instant-replay';
import { attachPtz } from './ptz-controls';
import { fullscreenOnDoubleClick, toggleFullscreen } from './fullscreen';
import { saveStillControl } from './save-still';
import { PlaybackPane, type PlaybackPaneOptions } from './playback-pane';

export type PaneState = 'starting' | 'live' | 'reconnecting' | 'paused' | 'failed' | 'stopped';
const MAX_ATTEMPTS = 6;
/** Renew the stream grant this long before its token expires. */
const RENEW_BEFORE_MS = 20_000;
/** First reconnect after a drop comes quickly (a warm join from the gateway's keyframe cache). */
const FIRST_RECONNECT_MS = 300;
/** A stall shorter than this is not shown as buffering (frame-by-frame live MSE waits briefly). */
const WAITING_SHOWN_AFTER_MS = 1500;

export interface PaneOptions {
  profile: 'main' | 'sub';
  realtime: Realtime;
  ptz: boolean;
  reason?: string;
  /** Recorded footage in the pane (timeline, back 30 s, export); null when the role has no playback. */
  playback: PlaybackPaneOptions | null;
  onClose: (pane: StreamPane) => void;
}

export class StreamPane {
  readonly el: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly badge: HTMLElement;
  private readonly transportTag: HTMLElement;
  private readonly reasonEl: HTMLElement;
  private transport: Transport;
  /** Why the pane plays HLS ('' on MSE). */
  private fallbackReason: string;
  /** After an H.265 decode error, ask for H.264. */
  private noH265 = false;
  private player: Player | null = null;
  private grant: StreamGrant | null = null;
  private attempt = 0;
  private visible: boolean | null = null;
  private connecting = false;
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private waitingTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private started = false;
  private readonly offs: Array<() => void> = [];
  private readonly ptzAbort = new AbortController();
  state: PaneState = 'starting';

  constructor(
    readonly camera: PlayableCamera,
    private readonly opts: PaneOptions,
  ) {
    ({ transport: this.transport, reason: this.fallbackReason } = chooseTransport());
    this.video = h('video', { muted: true, autoplay: true, playsinline: true, class: 'pane-video' });
    this.video.muted = true;
    this.badge = h('span', { class: 'pane-state' });
    this.transportTag = h('span', { class: 'pane-transport' });
    this.reasonEl = h('span', { class: 'pane-reason' });
    const close = h(
      'button',
      { class: 'icon-btn pane-close', 'i18n-title': 'wall.close', onclick: () => opts.onClose(this) },
      '×',
    );
    const full = h(
      'button',
      {
        class: 'icon-btn pane-fullscreen',
        'i18n-title': 'wall.paneFullscreen',
        onclick: () => toggleFullscreen(this.el),
      },
      '⛶',
    );
    this.el = h('div', { class: 'pane', 'data-camera-id': camera.id });
    const replay = instantReplay(this.el, () => this.grant?.replay ?? null);
    const overlay = paneOverlay(this.el, this.video, {
      transport: () => this.player?.label() ?? null,
      latency: () => this.player?.latency() ?? null,
    });
    const playback = opts.playback ? new PlaybackPane(this.el, camera.id, opts.playback) : null;
    this.offs.push(replay.close, overlay.close, () => playback?.close());
    // the pane's tools (replay, playback, still, fullscreen), then close
    const tools = h('span', { class: 'pane-tools' }, replay.note, replay.button, ...(playback?.buttons ?? []));
    tools.append(saveStillControl(camera.id), full);
    const head = h('div', { class: 'pane-head' });
    head.append(h('span', { class: 'pane-name', title: camera.name }, camera.name), this.transportTag, this.badge);
    head.append(tools, close);
    this.el.append(head, this.video, overlay.el, h('div', { class: 'pane-foot' }, this.reasonEl));
    fullscreenOnDoubleClick(this.el);
    if (opts.ptz) attachPtz(this.el, camera, this.ptzAbort.signal, opts.realtime);
    this.offs.push(
      opts.realtime.on('stream:state', (e) => {
        if (e.cameraId !== camera.id || e.profile !== opts.profile) return;
        this.onServerState(e.state, e.reason);
      }),
      watchVisibility(this.el, (v) => this.onVisible(v)),
    );
    this.video.addEventListener('waiting', this.onWaiting);
    this.video.addEventListener('playing', this.onVideoPlaying);
    this.setState('starting');
    this.showTransport();
  }

  private setState(state: PaneState, reason = ''): void {
    this.state = state;
    this.el.dataset.state = state;
    label(this.badge, `stream.${state}` as MsgKey);
    this.badge.className = `pane-state state-${state}`;
    this.reasonEl.textContent = reason;
  }

  private showTransport(): void {
    const shown = this.player?.label() ?? (this.transport === 'mse' ? 'MSE' : 'HLS');
    this.el.dataset.transport = shown.toLowerCase();
    this.transportTag.textContent = shown;
    this.transportTag.title = this.fallbackReason ? t('pane.fallback', { reason: this.fallbackReason }) : '';
  }

  private onServerState(state: StreamState, reason?: string): void {
    // a hidden pane runs no transport: what the stream does shows when it plays again
    if (this.state === 'paused') return;
    if (state === 'live' && this.state !== 'live' && this.player && !this.video.paused) this.setState('live');
    else if (state === 'stalled' || state === 'restarting') this.setState('reconnecting', reason ?? '');
    else if (state === 'failed') this.setState('failed', reason ?? t('stream.serverFailed'));
  }

  /** Starts playing once the pane is visible (a hidden pane waits). */
  async start(): Promise<void> {
    this.started = true;
    if (this.visible) await this.connect();
  }

  private onVisible(visible: boolean): void {
    this.visible = visible;
    if (this.closed || !this.started) return;
    if (visible) {
      if (!this.player && !this.connecting && !this.retryTimer && this.state !== 'failed') void this.connect();
      return;
    }
    // hidden: no transport runs (the WebSocket closes, hls.js stops); the grant is renewed on return
    this.stopPlayer();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.state !== 'failed') this.setState('paused');
  }

  /** Asks the gateway for a grant (renewing the session when there is one) and starts the player. */
  private async connect(): Promise<void> {
    if (this.closed || this.connecting) return;
    this.connecting = true;
    try {
      const grant = await requestStream(this.camera.id, this.opts.profile, this.opts.reason, this.grant?.sessionId, {
        ...(this.noH265 ? { h265: false } : {}),
      });
      if (this.closed || !this.visible) return;
      this.grant = grant;
      this.scheduleRenew(grant.expiresAt);
      this.stopPlayer();
      if (this.state !== 'reconnecting' && this.state !== 'starting') this.setState('starting');
      const events = this.playerEvents();
      this.player =
        this.transport === 'mse' ? new LivePlayer(this.video, grant, events) : new HlsPlayer(this.video, grant, events);
      this.showTransport();
    } catch (err) {
      this.retry(err);
    } finally {
      this.connecting = false;
    }
  }

  private playerEvents(): PlayerEvents {
    return {
      playing: () => {
        this.attempt = 0;
        this.setState('live');
        this.showTransport();
      },
      recovering: (reason) => this.setState('reconnecting', reason),
      fallback: (reason) => {
        this.stopPlayer();
        if (/decode/.test(reason) && this.grant?.codec === 'h265') this.noH265 = true;
        this.transport = 'hls';
        this.fallbackReason = reason;
        // not live until HLS plays
        this.setState('starting', t('pane.fallback', { reason }));
        this.showTransport();
        void this.connect();
      },
      dropped: (reason, retry) => {
        this.stopPlayer();
        if (!retry) this.setState('failed', reason);
        else this.retry(new Error(reason), FIRST_RECONNECT_MS);
      },
    };
  }

  private scheduleRenew(expiresAt: string): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    const ms = Math.max(5_000, Date.parse(expiresAt) - Date.now() - RENEW_BEFORE_MS);
    this.renewTimer = setTimeout(() => void this.renew(), ms);
  }

  /** A fresh token for the same session before the old one expires; the player keeps playing. */
  private async renew(): Promise<void> {
    if (this.closed || !this.grant || !this.player) return;
    try {
      const grant = await requestStream(this.camera.id, this.opts.profile, this.opts.reason, this.grant.sessionId, {
        ...(this.noH265 ? { h265: false } : {}),
      });
      if (this.closed) return;
      this.grant = grant;
      this.player?.renew(grant);
      this.scheduleRenew(grant.expiresAt);
    } catch (err) {
      this.retry(err);
    }
  }

  private retry(err: unknown, firstDelayMs?: number): void {
    if (this.closed) return;
    this.attempt++;
    const reason = err instanceof ApiError ? err.describe() : err instanceof Error ? err.message : String(err);
    if (!retryable(err) || this.attempt > MAX_ATTEMPTS) {
      this.stopPlayer();
      this.setState('failed', reason);
      return;
    }
    this.setState('reconnecting', reason);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = this.attempt === 1 && firstDelayMs !== undefined ? firstDelayMs : retryDelayMs(err, this.attempt - 1);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.visible) void this.connect();
    }, delay);
  }

  private readonly onVideoPlaying = (): void => {
    if (this.waitingTimer) clearTimeout(this.waitingTimer);
    this.waitingTimer = null;
  };

  private readonly onWaiting = (): void => {
    if (this.state !== 'live' || this.waitingTimer) return;
    this.waitingTimer = setTimeout(() => {
      this.waitingTimer = null;
      if (this.state === 'live' && this.video.readyState < 3) this.setState('reconnecting', t('stream.buffering'));
    }, WAITING_SHOWN_AFTER_MS);
  };

  private stopPlayer(): void {
    this.player?.destroy();
    this.player = null;
  }

  /** Stops playback and timers; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const tm of [this.renewTimer, this.retryTimer, this.waitingTimer]) if (tm) clearTimeout(tm);
    for (const off of this.offs.splice(0)) off();
    this.ptzAbort.abort();
    if (document.fullscreenElement === this.el) void document.exitFullscreen().catch(() => undefined);
    this.video.removeEventListener('waiting', this.onWaiting);
    this.video.removeEventListener('playing', this.onVideoPlaying);
    this.stopPlayer();
    this.video.removeAttribute('src');
    this.setState('stopped');
    this.el.remove();
  }
}
