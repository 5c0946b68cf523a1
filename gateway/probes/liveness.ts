// Liveness of a node: whether its event loop keeps turning (a timer's lateness), for a load balancer or supervisor.

export interface LivenessOptions {
  /** Lateness of the loop above which the node is not live, in milliseconds. */
  maxLagMs: number;
  /** A lateness counts for this long after it was seen, in milliseconds. */
  windowMs: number;
  /** Interval of the timer, in milliseconds. Default 250. */
  everyMs?: number;
}

export interface LivenessReport {
  live: boolean;
  /** The largest lateness of the loop seen within the window (including the one running now), in milliseconds. */
  lagMs: number;
}

/**
 * A timer that notes how late it fires. `check()` reports the worst lateness within the window, counting the wait
 * since the last firing too (a check answered right after a long block sees it even before the timer has run).
 * Lifecycle: `start()`, then `close()`.
 */
export class Liveness {
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  /** [when seen, lateness] of latenesses above zero, oldest first, within the window. */
  private lags: Array<[number, number]> = [];
  private readonly everyMs: number;

  constructor(private readonly o: LivenessOptions) {
    this.everyMs = o.everyMs ?? 250;
  }

  start(): void {
    if (this.timer) return;
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      const lag = now - this.last - this.everyMs;
      this.last = now;
      if (lag > 1) this.lags.push([now, lag]);
      this.forget(now);
    }, this.everyMs);
    this.timer.unref();
  }

  check(now = performance.now()): LivenessReport {
    this.forget(now);
    let lagMs = Math.max(0, now - this.last - this.everyMs);
    for (const [, lag] of this.lags) lagMs = Math.max(lagMs, lag);
    return { live: lagMs <= this.o.maxLagMs, lagMs: Math.round(lagMs) };
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private forget(now: number): void {
    while (this.lags.length && now - this.lags[0]![0] > this.o.windowMs) this.lags.shift();
  }
}
