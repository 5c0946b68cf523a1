// Simulated ANPR checkpoint cameras: each posts its plate reads to its webhook source, signed, at a road's rate.
import { signWebhook, WEBHOOK_HEADERS } from '../../gateway/events/webhook-signature';
import { rng } from '../random';
import type { DemoCheckpoint } from './demo-points';
import { hikvisionPlatesXml } from './payloads';
import type { PlateFleet } from './plates';

export interface CheckpointTarget {
  checkpoint: DemoCheckpoint;
  /** The webhook source the camera posts to, and its secret. */
  sourceId: number;
  secret: string;
}

export interface CheckpointSimOptions {
  /** Gateway base URL (http://host:port). */
  base: string;
  targets: CheckpointTarget[];
  fleet: PlateFleet;
  /** Multiplies every checkpoint's rate (default 1: a read every few seconds per checkpoint). */
  rate?: number;
  seed?: number;
  log(level: 'info' | 'warn', msg: string): void;
}

/** Exponential gaps: vehicles arrive as a Poisson stream (mean `meanS`), at least 0.2 s apart. */
const gapMs = (r: () => number, meanS: number): number => Math.max(200, -Math.log(1 - r()) * meanS * 1000);

export class CheckpointSims {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<void>>();
  private readonly r: () => number;
  private closed = false;
  private seq = 0;
  readonly stats = { posted: 0, accepted: 0, failed: 0 };

  constructor(private readonly o: CheckpointSimOptions) {
    this.r = rng(o.seed ?? 20261206);
  }

  start(): void {
    const rate = this.o.rate ?? 1;
    for (const t of this.o.targets) {
      const mean = t.checkpoint.meanGapS / rate;
      const tick = (): void => {
        if (this.closed) return;
        this.track(this.post(t));
        this.schedule(tick, gapMs(this.r, mean));
      };
      // the first reads come within a couple of seconds, so a fresh demo shows traffic at once
      this.schedule(tick, this.r() * Math.min(2000, mean * 1000));
    }
  }

  private schedule(fn: () => void, ms: number): void {
    const timer = setTimeout(() => (this.timers.delete(timer), fn()), ms);
    this.timers.add(timer);
  }

  private track(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p));
  }

  private async post(t: CheckpointTarget): Promise<void> {
    const v = this.o.fleet.next();
    const at = new Date();
    const cp = t.checkpoint;
    const picName = `${at.getTime()}${cp.code.replace(/\D/g, '')}${String(this.seq++ % 1000).padStart(3, '0')}`;
    const body = hikvisionPlatesXml([
      {
        at,
        plate: v.plate,
        picName,
        lane: 1 + Math.floor(this.r() * cp.lanes),
        direction: this.r() < 0.5 ? 'forward' : 'reverse',
      },
    ]);
    const ts = Math.floor(Date.now() / 1000);
    this.stats.posted++;
    try {
      const res = await fetch(`${this.o.base}/api/v1/events/webhook/${t.sourceId}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/xml',
          [WEBHOOK_HEADERS.timestamp]: String(ts),
          [WEBHOOK_HEADERS.signature]: signWebhook(t.secret, ts, body),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await res.text();
      if (res.ok) this.stats.accepted++;
      else this.fail(`checkpoint ${cp.code}: HTTP ${res.status} ${text.slice(0, 200)}`);
    } catch (err) {
      if (!this.closed) this.fail(`checkpoint ${cp.code}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private fail(msg: string): void {
    // a gateway that is away fails every post: the first few are said, then every 100th
    if (this.stats.failed++ < 5 || this.stats.failed % 100 === 0) this.o.log('warn', `demo events: ${msg}`);
  }

  /** Stops posting and waits for the posts under way. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.inflight]);
  }
}
