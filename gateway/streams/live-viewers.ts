// The WebSocket viewers of every stream: admission into a session, once-a-second re-check and clock, state taps, close.
import type { Tap } from '../../transcoder/fanout/types';
import type { LiveHub } from './stream-backend';
import type { StreamGrant, StreamService, StreamSession } from './stream-service';
import { LiveViewer, type LiveSocket, type StreamEdge } from './live-viewer';
import { LIVE_CLOSE } from './live-protocol';

/** The viewers of one hub and a tap that follows its edge and its runs (never keeps it alive by itself). */
interface Watch {
  key: string;
  viewers: Set<LiveViewer>;
  edge: StreamEdge | null;
  ended: boolean;
  removeTap: () => void;
}

export interface LiveViewersOptions {
  /** Period of the visibility re-check and the clock messages, ms. Default 1000. */
  tickMs?: number;
  /** Where a failed tick is reported. Default stderr. */
  log?: (msg: string) => void;
}

export class LiveViewers {
  private readonly watches = new Map<LiveHub, Watch>();
  private ticker: NodeJS.Timeout | null = null;
  private ticking = false;
  private closed = false;

  constructor(
    private readonly streams: StreamService,
    private readonly opts: LiveViewersOptions = {},
  ) {}

  start(): void {
    this.ticker = setInterval(() => void this.tick(), this.opts.tickMs ?? 1000);
    this.ticker.unref();
  }

  /**
   * Admits an upgraded socket for a granted request: the viewer joins its session (which then never
   * idles out) and the hub (init + current GOP at once). A session closed meanwhile closes it (4403).
   */
  admit(grant: StreamGrant, hub: LiveHub, socket: LiveSocket): LiveViewer | null {
    if (this.closed) {
      socket.close(LIVE_CLOSE.goingAway, 'gateway stopping');
      return null;
    }
    let watch: Watch;
    try {
      watch = this.watch(grant.key, hub);
    } catch (err) {
      // the hub closed between the check and the upgrade (the stream was stopped)
      socket.close(LIVE_CLOSE.streamStopped, `stream stopped: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
    const viewer = new LiveViewer(grant.key, hub, socket, (v, reason) => this.gone(v, hub, grant.session, reason));
    watch.viewers.add(viewer);
    if (!this.streams.join(grant.session, viewer)) {
      viewer.end(LIVE_CLOSE.accessWithdrawn, 'stream session closed');
      return null;
    }
    viewer.start();
    return viewer;
  }

  /** Open viewers, the hubs they watch, and the bytes queued in their sockets (all of them). */
  stats(): { viewers: number; streams: number; bufferedBytes: number } {
    let viewers = 0;
    let bufferedBytes = 0;
    for (const w of this.watches.values()) {
      viewers += w.viewers.size;
      for (const v of w.viewers) bufferedBytes += v.bufferedBytes();
    }
    return { viewers, streams: this.watches.size, bufferedBytes };
  }

  /** Closes every viewer (1001), waits for nothing else: the sessions' audit follows in StreamService. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.ticker) clearInterval(this.ticker);
    for (const w of [...this.watches.values()])
      for (const v of [...w.viewers]) v.end(LIVE_CLOSE.goingAway, 'gateway stopping');
  }

  private watch(key: string, hub: LiveHub): Watch {
    const known = this.watches.get(hub);
    if (known) return known;
    const w: Watch = { key, viewers: new Set(), edge: null, ended: false, removeTap: () => undefined };
    const tap: Tap = {
      init: () => {
        if (!w.ended) return;
        w.ended = false;
        for (const v of w.viewers) v.setState('live', 'stream resumed');
      },
      fragment: (f) => {
        w.edge = { receivedAt: f.receivedAt, edgeS: f.startS + f.durationS, generation: f.generation };
      },
      end: (reason) => {
        w.ended = true;
        for (const v of w.viewers) v.setState('reconnecting', reason);
      },
    };
    this.watches.set(hub, w);
    w.removeTap = hub.addTap(tap, { keepAlive: false });
    return w;
  }

  private gone(v: LiveViewer, hub: LiveHub, session: StreamSession, reason: string): void {
    const w = this.watches.get(hub);
    if (w?.viewers.delete(v) && w.viewers.size === 0) {
      this.watches.delete(hub);
      w.removeTap();
    }
    void this.streams.leave(session, v, reason);
  }

  /** Re-checks the sessions that have viewers (closing withdrawn ones: 4403), then sends the clocks. */
  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.streams.recheck('live');
      for (const w of this.watches.values()) {
        this.streams.backend.touch(w.key);
        for (const v of w.viewers) v.clock(w.edge);
      }
    } catch (err) {
      const msg = `live: the viewers' re-check failed: ${err instanceof Error ? err.message : String(err)}`;
      if (this.opts.log) this.opts.log(msg);
      else process.stderr.write(`[error] ${msg}\n`);
    } finally {
      this.ticking = false;
    }
  }
}
