// The HLS player (no MSE over WebSocket, integrators): hls.js in low-latency mode, LL-HLS when the playlist has parts; native HLS elsewhere.
import Hls from 'hls.js';
import type { Latency, Player, PlayerEvents, TransportLabel } from './transport';
import { tokenRewrites, type StreamGrant } from './stream-source';

export class HlsPlayer implements Player {
  readonly transport = 'hls' as const;
  private hls: Hls | null = null;
  private url: string;
  private rewrites: Array<[string, string]> = [];
  private parts = false;
  private recovered = false;
  private ended = false;

  constructor(
    private readonly video: HTMLVideoElement,
    grant: StreamGrant,
    private readonly events: PlayerEvents,
  ) {
    this.url = grant.url;
    video.addEventListener('playing', this.onPlaying);
    if (!Hls.isSupported()) {
      // Safari plays HLS natively
      video.src = grant.url;
      void video.play().catch(() => undefined);
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
    hls.on(Hls.Events.MANIFEST_PARSED, () => void video.play().catch(() => undefined));
    hls.on(Hls.Events.LEVEL_LOADED, (_e, data) => {
      // a playlist with EXT-X-PART: the gateway serves LL-HLS
      this.parts = (data.details.partList?.length ?? 0) > 0;
    });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal || this.ended) return;
      if (data.type === Hls.ErrorTypes.MEDIA_ERROR && !this.recovered) {
        this.recovered = true;
        hls.recoverMediaError();
        return;
      }
      const code = data.response?.code;
      this.stop();
      this.events.dropped(`${data.details}${code ? ` (HTTP ${code})` : ''}`, true);
    });
    hls.loadSource(grant.url);
    hls.attachMedia(video);
  }

  label(): TransportLabel {
    return this.parts ? 'LL-HLS' : 'HLS';
  }

  latency(): Latency | null {
    const l = this.hls?.latency;
    return l !== undefined && Number.isFinite(l) && l > 0 ? { behindEdgeS: l, edgeAgeS: null } : null;
  }

  /** Same stream, fresh token: rewrites the token in the URLs hls.js already knows. */
  renew(grant: StreamGrant): void {
    const pairs = tokenRewrites(this.url, grant.url);
    this.rewrites = this.rewrites
      .map(([o, n]): [string, string] => [o, pairs.find((p) => p[0] === n)?.[1] ?? n])
      .concat(pairs);
    this.url = grant.url;
  }

  private readonly onPlaying = (): void => {
    if (this.ended) return;
    this.recovered = false;
    this.events.playing();
  };

  private stop(): void {
    this.ended = true;
    this.video.removeEventListener('playing', this.onPlaying);
    this.hls?.destroy();
    this.hls = null;
  }

  destroy(): void {
    this.stop();
    this.video.removeAttribute('src');
    this.video.load();
  }
}
