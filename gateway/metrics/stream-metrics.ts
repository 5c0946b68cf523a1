// Stream metrics from the supervisor: outputs by state, pulls by engine, pull starts and restarts, first frame, fragment lag.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { StreamState, StreamStateEvent, Supervisor } from '../../transcoder/index';
import { FragmentLagTap } from './fragment-lag';

/** What the collector reads of the supervisor: its state events, its outputs, and a pull's hub (for the lag tap). */
export type StreamSource = Pick<Supervisor, 'on' | 'off' | 'list' | 'hub' | 'get'>;

/** The states an output is listed in ('stopped' ones are gone from the supervisor's list). */
const STATES: readonly StreamState[] = ['starting', 'live', 'stalled', 'restarting', 'failed'];

/** Seconds from a pull's first request to its first keyframe: ~0.3 s native, ~1.2 s ffmpeg, a GOP more on a cold camera. */
export const FIRST_FRAME_BUCKETS = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 8, 13, 20];
export const LAG_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Why a pull restarts, from the state it left: a stall, a failed run (exit, garbled output), or a switch (codec redo). */
function causeOf(previous: StreamState | null): 'stall' | 'failure' | 'switch' {
  return previous === 'stalled' ? 'stall' : previous === 'failed' ? 'failure' : 'switch';
}

/** Registers the stream metrics and follows the supervisor until `close()`. */
export class StreamMetrics {
  private readonly starts: Counter;
  private readonly restarts: Counter<'cause'>;
  private readonly firstFrame: Histogram<'engine'>;
  private readonly lag: Histogram;
  /** Pulls waiting for their first keyframe: when their first run began (performance.now()). */
  private readonly waiting = new Map<string, number>();
  /** The lag tap on each live pull's hub. */
  private readonly taps = new Map<string, { hub: unknown; remove: () => void }>();
  private readonly onState = (e: StreamStateEvent): void => this.state(e);

  constructor(
    registry: Registry,
    private readonly source: StreamSource,
  ) {
    const list = (): ReturnType<StreamSource['list']> => source.list();
    new Gauge({
      name: 'cloudeye_streams',
      help: 'Outputs of the transcoder by state: camera pulls (kind pull) and H.264 transcoded from H.265 pulls (kind derived)',
      labelNames: ['state', 'kind'],
      registers: [registry],
      collect() {
        for (const kind of ['pull', 'derived']) for (const state of STATES) this.set({ state, kind }, 0);
        for (const s of list())
          if (s.state !== 'stopped') this.inc({ state: s.state, kind: s.derived ? 'derived' : 'pull' });
      },
    });
    new Gauge({
      name: 'cloudeye_pulls',
      help: 'Camera pulls running on this node (one per camera and profile) by what pulls: the native RTSP client or ffmpeg',
      labelNames: ['engine'],
      registers: [registry],
      collect() {
        this.set({ engine: 'native' }, 0);
        this.set({ engine: 'ffmpeg' }, 0);
        for (const s of list()) if (!s.derived && s.state !== 'stopped') this.inc({ engine: s.engine });
      },
    });
    new Gauge({
      name: 'cloudeye_pulls_failing',
      help: 'Camera pulls whose runs keep failing (retried at the longest backoff only)',
      registers: [registry],
      collect() {
        this.set(list().filter((s) => !s.derived && s.failing).length);
      },
    });
    this.starts = new Counter({
      name: 'cloudeye_pulls_started_total',
      help: 'Camera pulls started (a first viewer or recorder asked for a camera and profile nobody pulled)',
      registers: [registry],
    });
    this.restarts = new Counter({
      name: 'cloudeye_pull_restarts_total',
      help: 'Restarts of camera pulls by cause: stall (no fragment in time), failure (the run ended), switch (codec redo)',
      labelNames: ['cause'],
      registers: [registry],
    });
    for (const cause of ['stall', 'failure', 'switch']) this.restarts.inc({ cause }, 0);
    this.firstFrame = new Histogram({
      name: 'cloudeye_stream_first_frame_seconds',
      help: "Seconds from a pull's start (its first viewer's or recorder's request) to its first keyframe fragment",
      labelNames: ['engine'],
      buckets: FIRST_FRAME_BUCKETS,
      registers: [registry],
    });
    this.lag = new Histogram({
      name: 'cloudeye_fragment_lag_seconds',
      help: 'How much later than the least delayed fragment of its run each fragment of a live pull arrived, in seconds',
      buckets: LAG_BUCKETS,
      registers: [registry],
    });
    source.on('state', this.onState);
  }

  close(): void {
    this.source.off('state', this.onState);
    for (const t of this.taps.values()) t.remove();
    this.taps.clear();
    this.waiting.clear();
  }

  private state(e: StreamStateEvent): void {
    if (e.derived) return;
    if (e.state === 'starting' && e.previous === null) {
      this.starts.inc();
      this.waiting.set(e.key, performance.now());
    } else if (e.state === 'restarting') this.restarts.inc({ cause: causeOf(e.previous) });
    else if (e.state === 'live') {
      const t0 = this.waiting.get(e.key);
      if (t0 !== undefined) {
        this.waiting.delete(e.key);
        const engine = this.source.get(e.key)?.engine ?? 'ffmpeg';
        this.firstFrame.observe({ engine }, (performance.now() - t0) / 1000);
      }
      this.tap(e.key);
    } else if (e.state === 'stopped') {
      this.waiting.delete(e.key);
      this.taps.get(e.key)?.remove();
      this.taps.delete(e.key);
    }
  }

  /** Puts the lag tap on the pull's hub unless it is already there (a restarted run keeps its hub). */
  private tap(key: string): void {
    const hub = this.source.hub(key);
    if (!hub || this.taps.get(key)?.hub === hub) return;
    this.taps.get(key)?.remove();
    const remove = hub.addTap(new FragmentLagTap((s) => this.lag.observe(s)));
    this.taps.set(key, { hub, remove });
  }
}
