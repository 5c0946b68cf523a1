// One live stream in a video-wall pane: hls.js tuned for low latency, visible state, automatic re-request on expiry or failure.
import Hls from 'hls.js';
import type { PlayableCamera } from '../core/context';
import { h, label } from '../core/dom';
import { t, type MsgKey } from '../core/i18n';
import { ApiError } from '../core/api';
import type { Realtime, StreamState } from '../core/realtime';
import { requestStream, retryable, retryDelayMs, tokenRewrites } from './stream-source';
import { attachPtz } from './ptz-controls';
import { fullscreenOnDoubleClick, toggleFullscreen } from './fullscreen';
import { saveStillControl } from './save-still';

export type PaneState = 'starting' | 'live' | 'reconnecting' | 'failed' | 'stopped';
const MAX_ATTEMPTS = 6;
/** Renew the stream URL this long before its token expires. */
const RENEW_BEFORE_MS = 20_000;

export interface PaneOptions {
  profile: 'main' | 'sub';
  realtime: Realtime;
  ptz: boolean;
  reason?: string;
  onClose: (pane: StreamPane) => void;
}

export class StreamPane {
  readonly el: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly badge: HTMLElement;
  private readonly reasonEl: HTMLElement;
  private hls: Hls | null = null;
  private url = '';
  private sessionId: string | undefined;
  private rewrites: Array<[string, string]> = [];
  private attempt = 0;
  private renewTimer: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly offs: Array<() => void> = [];
  private readonly ptzAbort = new AbortController();
  state: PaneState = 'starting';

  constructor(
    readonly camera: PlayableCamera,
    private readonly opts: PaneOptions,
  ) {
    this.video = h('video', { muted: true, autoplay: true, playsinline: true, class: 'pane-video' });
    this.video.muted = true;
    this.badge = h('span', { class: 'pane-state' });
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
    // the pane's tools (fullscreen; room for more beside it), then close
    const tools = h('span', { class: 'pane-tools' }, saveStillControl(camera.id), full);
    this.el = h(
      'div',
      { class: 'pane', 'data-camera-id': camera.id },
      h(
        'div',
        { class: 'pane-head' },
        h('span', { class: 'pane-name', title: camera.name }, camera.name),
        this.badge,
        tools,
        close,
      ),
      this.video,
      h('div', { class: 'pane-foot' }, this.reasonEl),
    );
    fullscreenOnDoubleClick(this.el);
    if (opts.ptz) attachPtz(this.el, camera, this.ptzAbort.signal);
    this.offs.push(
      opts.realtime.on('stream:state', (e) => {
        if (e.cameraId !== camera.id || e.profile !== opts.profile) return;
        this.onServerState(e.state, e.reason);
      }),
    );
    this.setState('starting');
  }

  private setState(state: PaneState, reason = ''): void {
    this.state = state;
    this.el.dataset.state = state;
    label(this.badge, `stream.${state}` as MsgKey);
    this.badge.className = `pane-state state-${state}`;
    this.reasonEl.textContent = reason;
  }

  private onServerState(state: StreamState, reason?: string): void {
    if (state === 'live' && this.state !== 'live' && !this.video.paused) this.setState('live');
    else if (state === 'stalled' || state === 'restarting') this.setState('reconnecting', reason ?? '');
    else if (state === 'failed') this.setState('failed', reason ?? t('stream.serverFailed'));
  }

  async start(): Promise<void> {
    if (this.closed) return;
    try {
      const renewing = Boolean(this.hls && this.url);
      const grant = await requestStream(
        this.camera.id,
        this.opts.profile,
        this.opts.reason,
        renewing ? this.sessionId : undefined,
      );
      if (this.closed) return;
      this.sessionId = grant.sessionId;
      this.attempt = 0;
      this.scheduleRenew(grant.expiresAt);
      if (this.hls && this.url) {
        // same stream, fresh token: rewrite the token in the URLs hls.js already knows
        const pairs = tokenRewrites(this.url, grant.url);
        this.rewrites = this.rewrites
          .map(([o, n]): [string, string] => [o, pairs.find((p) => p[0] === n)?.[1] ?? n])
          .concat(pairs);
        this.url = grant.url;
        return;
      }
      this.url = grant.url;
      this.attach(grant.url);
    } catch (err) {
      this.retry(err);
    }
  }

  private scheduleRenew(expiresAt: string): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    const ms = Math.max(5_000, Date.parse(expiresAt) - Date.now() - RENEW_BEFORE_MS);
    this.renewTimer = setTimeout(() => void this.start(), ms);
  }

  private retry(err: unknown): void {
    if (this.closed) return;
    this.attempt++;
    const reason = err instanceof ApiError ? err.describe() : err instanceof Error ? err.message : String(err);
    if (!retryable(err) || this.attempt > MAX_ATTEMPTS) {
      this.setState('failed', reason);
      return;
    }
    this.setState('reconnecting', reason);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(
      () => {
        this.teardown();
        void this.start();
      },
      retryDelayMs(err, this.attempt - 1),
    );
  }

  private attach(url: string): void {
    if (!Hls.isSupported()) {
      // Safari plays HLS natively
      this.video.src = url;
      void this.video.play().catch(() => undefined);
      return;
    }
    const hls = new Hls({
      lowLatencyMode: true,
      liveSyncDuration: 1.5,
      liveMaxLatencyDuration: 5,
      maxLiveSyncPlaybackRate: 1.5,
      maxBufferLength: 4,
      maxMaxBufferLength: 8,
      backBufferLength: 10,
      enableWorker: false,
      manifestLoadingMaxRetry: 2,
      fragLoadingMaxRetry: 3,
      xhrSetup: (xhr, reqUrl) => {
        let u = reqUrl;
        for (const [from, to] of this.rewrites) u = u.split(from).join(to);
        if (u !== reqUrl) xhr.open('GET', u, true);
      },
    });
    this.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => void this.video.play().catch(() => undefined));
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && this.attempt === 0) {
        this.attempt++;
        hls.recoverMediaError();
        return;
      }
      const code = data.response?.code;
      this.retry(new Error(`${data.details}${code ? ` (HTTP ${code})` : ''}`));
    });
    this.video.addEventListener('playing', this.onPlaying);
    this.video.addEventListener('waiting', this.onWaiting);
    hls.loadSource(url);
    hls.attachMedia(this.video);
  }

  private readonly onPlaying = (): void => {
    this.attempt = 0;
    this.setState('live');
  };

  private readonly onWaiting = (): void => {
    if (this.state === 'live') this.setState('reconnecting', t('stream.buffering'));
  };

  private teardown(): void {
    this.video.removeEventListener('playing', this.onPlaying);
    this.video.removeEventListener('waiting', this.onWaiting);
    this.hls?.destroy();
    this.hls = null;
    this.url = '';
    this.rewrites = [];
  }

  /** Stops playback and timers; idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const off of this.offs.splice(0)) off();
    this.ptzAbort.abort();
    if (document.fullscreenElement === this.el) void document.exitFullscreen().catch(() => undefined);
    this.teardown();
    this.video.removeAttribute('src');
    this.setState('stopped');
    this.el.remove();
  }
}
