// The embedded database's PostgreSQL server process: started so it dies with the gateway, time-limited, stopped in order.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

/** A server that would not start, or would not stop; the message says why and what to do. */
export class PostmasterError extends Error {
  override name = 'PostmasterError';
}

/** Options of startPostmaster. */
export interface PostmasterOptions {
  /** The postgres executable. */
  binary: string;
  /** The cluster directory (postgres -D). */
  dataDir: string;
  /** Port on the addresses given in `flags`. */
  port: number;
  /** Further postgres arguments (`-c key=value`, …). */
  flags: readonly string[];
  /** Run as this user and group (root runs PostgreSQL as the "postgres" user). Default: ours. */
  uid?: number;
  gid?: number;
  /** Give up (and stop the server) when it is not ready after this many ms. Default 60000. */
  startTimeoutMs?: number;
  /** The server's log lines. Default: dropped. */
  onLog?: (line: string) => void;
  /** setpriv, for the parent-death signal; null runs postgres directly. Default /usr/bin/setpriv when present. */
  setprivPath?: string | null;
}

const DEFAULT_SETPRIV = '/usr/bin/setpriv';

/** Waits until `pid` is gone (polled, 50 ms) or `ms` passed; true when gone. */
export async function waitGone(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Stops the PostgreSQL server `pid` as its documentation orders: SIGINT (fast shutdown: open
 * transactions roll back, clients are disconnected, a checkpoint is written), then SIGQUIT
 * (immediate: crash recovery at the next start) after `fastMs`, then SIGKILL after 3 s more.
 * Resolves once the process is gone; PostmasterError when it cannot be signalled (EPERM).
 */
export async function stopServer(
  pid: number,
  fastMs = 10000,
  isGone: (ms: number) => Promise<boolean> = (ms) => waitGone(pid, ms),
): Promise<void> {
  for (const [sig, ms] of [
    ['SIGINT', fastMs],
    ['SIGQUIT', 3000],
    ['SIGKILL', 3000],
  ] as const) {
    try {
      process.kill(pid, sig);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') return;
      throw new PostmasterError(
        `db: cannot stop the PostgreSQL server ${pid} (${code}); stop it as its owner: kill -INT ${pid}`,
      );
    }
    if (await isGone(ms)) return;
  }
  throw new PostmasterError(`db: the PostgreSQL server ${pid} did not exit after SIGKILL`);
}

/** A running server started by startPostmaster. */
export interface Postmaster {
  readonly pid: number;
  /** Fast shutdown, escalating (stopServer); idempotent; resolves once the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `postgres -D dataDir -p port …` in a process group of its own (a terminal's Ctrl-C is the
 * gateway's to handle: it closes its connections first, then stops the server) and, through setpriv,
 * with SIGINT as parent-death signal: when the gateway dies, even by SIGKILL, the kernel tells the
 * server to shut down, so no server outlives it. Resolves when the server accepts connections;
 * rejects with a PostmasterError carrying the server's last log lines when it exits first or is not
 * ready within startTimeoutMs (the server is stopped then).
 */
export function startPostmaster(o: PostmasterOptions): Promise<Postmaster> {
  const setpriv = o.setprivPath === undefined ? (existsSync(DEFAULT_SETPRIV) ? DEFAULT_SETPRIV : null) : o.setprivPath;
  const pgArgs = ['-D', o.dataDir, '-p', String(o.port), ...o.flags];
  // the parent-death signal survives exec but is cleared by a change of user: node switches user
  // before it runs setpriv, which sets the signal and then runs postgres
  const [file, args] = setpriv ? [setpriv, ['--pdeathsig', 'SIGINT', '--', o.binary, ...pgArgs]] : [o.binary, pgArgs];
  const child: ChildProcess = spawn(file, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(o.uid !== undefined ? { uid: o.uid } : {}),
    ...(o.gid !== undefined ? { gid: o.gid } : {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let tail: string[] = [];
  const timeoutMs = o.startTimeoutMs ?? 60000;
  return new Promise<Postmaster>((resolve, reject) => {
    let ready = false;
    let failed = false;
    let stopping: Promise<void> | null = null;
    // gone when the exit event came, or false after ms (that timer must not outlive the wait)
    const isGone = (ms: number): Promise<boolean> => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
      return Promise.race([exited.then(() => true), late]).finally(() => clearTimeout(timer));
    };
    const over = (): boolean => child.exitCode !== null || child.signalCode !== null || !child.pid;
    const stop = (): Promise<void> => (stopping ??= over() ? Promise.resolve() : stopServer(child.pid!, 10000, isGone));
    const fail = (why: string): void => {
      if (failed) return;
      failed = true;
      clearTimeout(timer);
      const log = tail.join('\n').trim();
      void stop().finally(() =>
        reject(
          new PostmasterError(
            `db: PostgreSQL in ${o.dataDir} on port ${o.port} ${why}${log ? `; its log:\n${log}` : ''}`,
          ),
        ),
      );
    };
    const timer = setTimeout(() => fail(`was not ready within ${timeoutMs / 1000} s (stopped it)`), timeoutMs);
    let recent = ''; // the line may arrive in two chunks
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      o.onLog?.(text);
      if (ready) return;
      tail = [...tail, ...text.split('\n').filter(Boolean)].slice(-12);
      recent = (recent + text).slice(-4096);
      if (!failed && recent.includes('database system is ready to accept connections')) {
        ready = true;
        clearTimeout(timer);
        resolve({ pid: child.pid!, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (err) => fail(`could not be started: ${err.message}`));
    child.once('exit', (code, signal) => {
      if (!ready) fail(`exited (${signal ?? `code ${code}`}) before it was ready`);
    });
  });
}
