// Restart delay policy: exponential from backoffInitialMs, ±20 % jitter, capped at backoffMaxMs.

/** The options backoffDelayMs reads. */
export interface BackoffOptions {
  backoffInitialMs: number;
  backoffMaxMs: number;
  failuresBeforeOffline: number;
}

/**
 * Delay before the next attempt after `failures` consecutive failures (≥ 1), in milliseconds.
 * Below failuresBeforeOffline: initial·2^(failures-1) ±20 %, never above the ceiling. From
 * failuresBeforeOffline on (the camera is failing): the ceiling minus up to 10 %, so a failing
 * camera is retried only at the ceiling. `random` in [0, 1) is injectable for tests.
 */
export function backoffDelayMs(failures: number, o: BackoffOptions, random: () => number = Math.random): number {
  const r = random();
  if (failures >= o.failuresBeforeOffline) return Math.round(o.backoffMaxMs * (0.9 + 0.1 * r));
  const base = o.backoffInitialMs * 2 ** Math.max(0, failures - 1);
  return Math.round(Math.min(o.backoffMaxMs, base * (0.8 + 0.4 * r)));
}
