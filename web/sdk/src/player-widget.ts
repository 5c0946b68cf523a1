// The embedded player: the console's live player (fMP4 over WebSocket into MSE), its HLS fallback loaded only when
// needed, playback at a time and PTZ when the token allows them; stream states out to the host page.
import { h } from '../../src/core/dom';
import { LivePlayer } from '../../src/video/live-player';
import { PlaybackPlayer } from '../../src/video/playback-player';
import { ptzPath } from '../../src/video/ptz-api';
import { requestStream, type StreamGrant } from '../../src/video/stream-source';
import { chooseTransport, type Player, type PlayerEvents } from '../../src/video/transport';
import { api, ApiError } from '../../src/core/api';
import { CloudEyeError, type Connection, type EventMap } from './connection';
import { showProblem } from './problem-view';

type HlsModule = typeof import('./hls-lazy');
let hlsModule: Promise<HlsModule> | null = null;

/** The HLS fallback (hls.js), fetched from the gateway the first time a player needs it. */
function loadHls(gateway: string): Promise<HlsModule> {
  const url = `${gateway}/sdk/cloudeye-hls.mjs`;
  hlsModule ??= import(/* @vite-ignore */ url) as Promise<HlsModule>;
  return hlsModule;
}

/** A drop after playing is reconnected this many times in a row before the player gives up. */
const MAX_RETRIES = 5;

export class PlayerWidget {
  readonly el: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly status: HTMLElement;
  private readonly ptz: HTMLElement;
  private player: Player | null = null;
  private playback: PlaybackPlayer | null = null;
  private cameraId: string | null = null;
  /** Bumped by every play/stop: work of an older call stops where it notices. */
  private epoch = 0;
  private retries = 0;
  private closed = false;

  constructor(
    private readonly conn: Connection,
    /** Whether a drop is reconnected (default true). */
    private readonly opts: { reconnect?: boolean } = {},
  ) {
    this.video = h('video', { class: 'ce-video', muted: true, playsinline: true, autoplay: true });
    this.video.muted = true;
    this.status = h('div', { class: 'ce-status', 'data-state': 'idle' });
    this.ptz = h('div', { class: 'ce-ptz', hidden: true });
    this.el = h('div', { class: 'ce-player' }, this.video, this.status, this.ptz);
    this.buildPtz();
  }

  /** The camera playing (or asked for), null when stopped. */
  get camera(): string | null {
    return this.cameraId;
  }

  /** Plays camera `id` live (stopping what played before). */
  async play(id: string): Promise<void> {
    const epoch = this.reset(id);
    if (this.conn.failure) return void showProblem(this.status, this.conn.failure);
    this.state('starting');
    try {
      const grant = await requestStream(id, 'main', undefined, undefined, { auth: this.conn.auth });
      if (epoch !== this.epoch) return;
      const events = this.events(epoch, id);
      const { transport } = chooseTransport();
      this.player = transport === 'mse' ? new LivePlayer(this.video, grant, events) : await this.hls(grant, events);
    } catch (err) {
      if (epoch === this.epoch) this.failed(err);
    }
  }

  /** Plays camera `id`'s recorded footage from wall-clock `at` (the token must allow playback). */
  async playAt(id: string, at: Date | number): Promise<void> {
    const epoch = this.reset(id);
    if (!this.conn.allows('playback')) {
      return this.failed(new Error('this token does not allow playback'), 'forbidden');
    }
    this.state('starting');
    const p = new PlaybackPlayer(
      this.video,
      id,
      {
        playing: () => epoch === this.epoch && this.state('playing', 'playback'),
        failed: (reason) => epoch === this.epoch && this.failed(new Error(reason), 'forbidden'),
      },
      this.conn.auth,
    );
    this.playback = p;
    try {
      await p.seek(typeof at === 'number' ? at : at.getTime());
    } catch (err) {
      if (epoch === this.epoch) this.failed(err);
    }
  }

  /** The token's actions are known (its session was read after playing began): PTZ shown when allowed. */
  actionsKnown(): void {
    this.ptz.hidden = !(this.cameraId && this.conn.allows('ptz'));
  }

  /** Stops playing: the stream's WebSocket (or hls.js, or the playback session) is closed now. */
  stop(): void {
    const had = this.cameraId;
    this.reset(null);
    if (had) this.emit({ cameraId: had, state: 'stopped' });
    this.status.dataset.state = 'idle';
    this.status.textContent = '';
  }

  /** Stops and lets go of everything. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.stop();
    this.closed = true;
    this.el.remove();
  }

  private reset(id: string | null): number {
    this.player?.destroy();
    this.player = null;
    this.playback?.close();
    this.playback = null;
    this.video.removeAttribute('src');
    this.cameraId = id;
    this.retries = 0;
    this.ptz.hidden = !(id && this.conn.allows('ptz'));
    return ++this.epoch;
  }

  private async hls(grant: StreamGrant, events: PlayerEvents): Promise<Player> {
    const { HlsPlayer } = await loadHls(this.conn.gateway);
    return new HlsPlayer(this.video, grant, events);
  }

  private events(epoch: number, id: string): PlayerEvents {
    const live = (): boolean => epoch === this.epoch && !this.closed;
    return {
      playing: () => {
        if (!live()) return;
        this.retries = 0;
        this.state('playing', this.player?.label());
      },
      recovering: (reason) => live() && this.state('reconnecting', undefined, reason),
      fallback: (reason) => {
        if (!live()) return;
        this.player?.destroy();
        void requestStream(id, 'main', undefined, undefined, { h265: false, auth: this.conn.auth })
          .then(async (g) => {
            if (live()) this.player = await this.hls(g, this.events(epoch, id));
          })
          .catch((err: unknown) => live() && this.failed(err));
        this.state('starting', 'HLS', reason);
      },
      dropped: (reason, retry) => {
        if (!live()) return;
        if (!retry || this.opts.reconnect === false || ++this.retries > MAX_RETRIES)
          return this.failed(new Error(reason), retry ? 'network' : 'forbidden');
        this.state('reconnecting', undefined, reason);
        setTimeout(() => live() && void this.play(id), 1000 * this.retries);
      },
    };
  }

  private state(state: EventMap['stream-state']['state'], transport?: string, reason?: string): void {
    this.status.dataset.state = state;
    this.status.textContent = '';
    if (this.cameraId)
      this.emit({ cameraId: this.cameraId, state, ...(transport ? { transport } : {}), ...(reason ? { reason } : {}) });
  }

  private failed(err: unknown, reason?: 'forbidden' | 'network'): void {
    const plain = reason && !(err instanceof ApiError);
    const e = this.conn.fail(
      plain ? new CloudEyeError(err instanceof Error ? err.message : String(err), reason) : err,
      this,
    );
    showProblem(this.status, e);
    this.status.dataset.state = 'failed';
    if (this.cameraId) this.emit({ cameraId: this.cameraId, state: 'failed', reason: e.message });
  }

  private emit(d: EventMap['stream-state']): void {
    this.conn.emit('stream-state', d, this);
  }

  /** A PTZ call on the camera playing, with this widget's token. */
  private ptzCall(what: 'move' | 'stop', v?: { pan?: number; tilt?: number; zoom?: number }): Promise<void> {
    const body = v ?? {};
    return api<void>('POST', ptzPath(this.cameraId!, what), { body, auth: this.conn.auth });
  }

  /** Pan/tilt/zoom buttons: pressed moves, released stops (shown when the token allows PTZ). */
  private buildPtz(): void {
    const dirs: Array<[string, string, { pan?: number; tilt?: number; zoom?: number }]> = [
      ['up', '▲', { tilt: 0.5 }],
      ['down', '▼', { tilt: -0.5 }],
      ['left', '◀', { pan: -0.5 }],
      ['right', '▶', { pan: 0.5 }],
      ['zoom-in', '+', { zoom: 0.5 }],
      ['zoom-out', '−', { zoom: -0.5 }],
    ];
    for (const [name, text, v] of dirs) {
      const b = h('button', { type: 'button', class: `ce-ptz-${name}`, title: name }, text);
      b.addEventListener(
        'pointerdown',
        () => this.cameraId && void this.ptzCall('move', v).catch((e: unknown) => this.conn.fail(e, this)),
      );
      b.addEventListener('pointerup', () => this.cameraId && void this.ptzCall('stop').catch(() => undefined));
      this.ptz.append(b);
    }
  }
}
