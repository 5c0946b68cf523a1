// The acquire() calls waiting for an output to go live: resolved at its first keyframe, rejected after failed runs.
import { TranscoderStartError } from '../errors';

type Waiter = { resolve: () => void; reject: (e: Error) => void; failedRuns: number };

/**
 * Runs an acquire() sits through before it is rejected: one quick retry absorbs a transient
 * refusal (measured: ~7 % of immediate reconnects to the simulated cameras time out once).
 */
export const RUNS_PER_ACQUIRE = 2;

/** The pending waitLive() promises of one output (key: for the errors' messages). */
export class LiveWaiters {
  private readonly waiters = new Set<Waiter>();

  constructor(private readonly key: string) {}

  get size(): number {
    return this.waiters.size;
  }

  add(): Promise<void> {
    return new Promise((resolve, reject) => this.waiters.add({ resolve, reject, failedRuns: 0 }));
  }

  /** The output is live: every waiter resolves. */
  resolveAll(): void {
    for (const w of this.waiters) w.resolve();
    this.waiters.clear();
  }

  /** A run failed before going live: counted for each waiter; those that sat through RUNS_PER_ACQUIRE are rejected. */
  runFailed(reason: string): void {
    for (const w of this.waiters) w.failedRuns += 1;
    this.reject(`transcoder: stream ${this.key} failed to start: ${reason}`, null, RUNS_PER_ACQUIRE);
  }

  /** Rejects (TranscoderStartError) the waiters that sat through at least `minFailedRuns` failed runs (default: all). */
  reject(message: string, retryAfterS: number | null, minFailedRuns = 0): void {
    for (const w of this.waiters) {
      if (w.failedRuns < minFailedRuns) continue;
      w.reject(new TranscoderStartError(message, this.key, retryAfterS));
      this.waiters.delete(w);
    }
  }
}
