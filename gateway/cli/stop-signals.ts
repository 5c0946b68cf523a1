// How serve, demo and simcam stop: the first signal stops in order within a deadline; a later second one stops at once.
import { setTimeout as sleep } from 'node:timers/promises';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Options of waitForStop. */
export interface StopOptions {
  /**
   * Signals within this many ms of the first are the same request (default 1000): a terminal's
   * Ctrl-C reaches every process of its group, and the cloudeye launcher passes its copy on too.
   */
  sameRequestMs?: number;
  /** The orderly stop may take this long before the process exits anyway (default 7000 ms). */
  deadlineMs?: number;
  /** Ends the process (default process.exit); tests replace it. */
  exit?: (code: number) => void;
  /** Where the one-line notices go (default stderr). */
  write?: (line: string) => void;
}

/** A stop request being waited for or being carried out. */
export interface StopWatch {
  /** Resolves with the first signal. */
  readonly requested: Promise<NodeJS.Signals>;
  /** The orderly stop is over: the handlers and the deadline go. */
  done(): void;
}

/**
 * Waits for SIGINT, SIGTERM or SIGHUP. After the first, the caller closes what it runs and calls
 * done(); should that take longer than deadlineMs, or another signal arrive later than
 * sameRequestMs after the first (a second Ctrl-C), the process exits at once with 128 + the signal's
 * number — the child processes it started (ffmpeg, PostgreSQL, simulated cameras) have parent-death
 * signals, so none outlives it.
 */
export function waitForStop(opts: StopOptions = {}): StopWatch {
  const sameMs = opts.sameRequestMs ?? 1000;
  const deadlineMs = opts.deadlineMs ?? 7000;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const write = opts.write ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let first: { signal: NodeJS.Signals; at: number } | null = null;
  let ac: AbortController | null = null;
  let resolve!: (s: NodeJS.Signals) => void;
  const requested = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const codeOf = (s: NodeJS.Signals): number =>
    128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[s]!;
  const done = (): void => {
    for (const s of STOP_SIGNALS) process.off(s, onSignal);
    ac?.abort();
  };
  function onSignal(signal: NodeJS.Signals): void {
    if (!first) {
      first = { signal, at: Date.now() };
      ac = new AbortController();
      // the deadline must not keep a process alive that has nothing else left to do
      sleep(deadlineMs, undefined, { signal: ac.signal, ref: false }).then(
        () => {
          write(`cloudeye: stopping took over ${deadlineMs / 1000} s; exiting now`);
          done();
          exit(codeOf(first!.signal));
        },
        () => undefined,
      );
      resolve(signal);
      return;
    }
    if (Date.now() - first.at < sameMs) return;
    write('cloudeye: second stop signal; exiting now');
    done();
    exit(codeOf(signal));
  }
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  return { requested, done };
}
