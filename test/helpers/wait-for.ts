// Waits for a condition instead of a fixed time: polls until it holds, or fails with what was last seen.

export interface WaitForOptions {
  /** What is awaited, for the failure message (e.g. "the grid assignment"). */
  what?: string;
  /** Give up after this many milliseconds. Default 10000. */
  timeoutMs?: number;
  /** Milliseconds between two polls. Default 25. */
  intervalMs?: number;
}

/** T without its falsy members: what a probe resolves with once it holds. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | '' | 0n>;

const show = (v: unknown): string => {
  if (v instanceof Error) return `${v.name}: ${v.message}`;
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 300 ? `${s.slice(0, 297)}...` : s;
  } catch {
    return String(v);
  }
};

/**
 * Polls `probe` until it returns a truthy value, and resolves with that value. A probe that throws
 * counts as not yet. After `timeoutMs` it rejects, naming `what` and the last value or error seen.
 */
export async function waitFor<T>(probe: () => T | Promise<T>, opts: WaitForOptions = {}): Promise<Truthy<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = performance.now() + timeoutMs;
  let last: unknown = undefined;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as Truthy<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (performance.now() >= deadline)
      throw new Error(
        `waitFor: ${opts.what ?? 'the condition'} did not hold within ${timeoutMs} ms (last seen: ${show(last)})`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
