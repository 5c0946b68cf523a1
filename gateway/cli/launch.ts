// The node process of the long-running commands (serve, demo, bench): started with the gateway's
// V8 heap settings, which node reads only at start-up, so bin.mjs runs such a command in a child
// node that has them and passes signals and the exit status through.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const osSignals = constants.signals as Record<string, number>;

/**
 * V8 flags of the gateway's process. A 64 MB semi-space (node 20's default is 16 MB) makes the young
 * generation's collections rarer: a busy API allocates ~25 KB per request, and each collection
 * stops the event loop for 2-4 ms whatever its size. Measured on GET /gis/nearby over 1M cameras
 * (50 clients, 2 cores): +14 % requests/s, p90 7.3 → 4.7 ms, p99 10 → 8.6 ms; 32 and 128 MB
 * did less. The heap may grow by up to ~150 MB for it.
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

const LONG_RUNNING = new Set(['serve', 'demo', 'bench']);
const flagName = (f: string): string => f.split('=')[0]!;

/**
 * The node arguments to run `argv` with in a child process, or null to run it here: commands other
 * than serve, demo and bench run here; so does a process that already has every flag, one under an
 * inspector (its port is taken by this process) and any with CE_NO_RELAUNCH=1.
 */
export function relaunchArgs(
  argv: readonly string[],
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
): string[] | null {
  if (!LONG_RUNNING.has(argv[0] ?? '') || env.CE_NO_RELAUNCH === '1') return null;
  if (execArgv.some((a) => a.startsWith('--inspect'))) return null;
  const have = new Set(execArgv.map(flagName));
  const missing = GATEWAY_NODE_FLAGS.filter((f) => !have.has(flagName(f)));
  return missing.length > 0 ? [...missing, ...execArgv] : null;
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Set in the relaunched child's environment: the launcher's pid (see watchLauncher). */
export const LAUNCHER_ENV = 'CE_LAUNCHER_PID';

/**
 * In a relaunched child: when its launcher is gone without passing a signal on (SIGKILL, OOM
 * killer), the child sends itself SIGTERM, so the command stops as it does on one (serve and demo
 * close the gateway, its embedded PostgreSQL and ffmpeg workers) instead of running on as an
 * orphan. Node has no parent-death signal; the parent pid is checked every `everyMs`. Returns the
 * stop function, or null when this process was not started by a launcher.
 */
export function watchLauncher(env: NodeJS.ProcessEnv = process.env, everyMs = 500): (() => void) | null {
  const launcher = Number(env[LAUNCHER_ENV]);
  delete env[LAUNCHER_ENV]; // not for the processes this one starts
  if (!Number.isInteger(launcher) || launcher <= 1) return null;
  // a parent pid other than the launcher's already means it is gone (died before this line ran)
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Runs `script argv` in a child node with `nodeArgs`, stdio shared, that watches for this process
 * to vanish (watchLauncher). SIGINT, SIGTERM and SIGHUP sent
 * to this process go to the child (a terminal's Ctrl-C reaches both: the commands stop once on any
 * number of signals). A child still running `killAfterMs` after the first signal is killed. Resolves with
 * the child's exit code; a child killed by a signal is reported as 128 + its number, as a shell does.
 */
export function runRelaunched(
  nodeArgs: readonly string[],
  script: string,
  argv: readonly string[],
  killAfterMs = 9000,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, [LAUNCHER_ENV]: String(process.pid) },
    });
    let killTimer: NodeJS.Timeout | undefined;
    const running = (): boolean => child.exitCode === null && child.signalCode === null;
    const forward = (sig: NodeJS.Signals): void => {
      if (!running()) return;
      child.kill(sig);
      // the child stops within its own deadline (stop-signals.ts); should it hang anyway, it goes,
      // and the kernel's parent-death signals take its PostgreSQL, ffmpeg and simulators with it
      killTimer ??= setTimeout(() => running() && child.kill('SIGKILL'), killAfterMs);
    };
    for (const sig of FORWARDED) process.on(sig, forward);
    const done = (): void => {
      for (const sig of FORWARDED) process.off(sig, forward);
      clearTimeout(killTimer);
    };
    child.once('error', (err) => (done(), reject(err)));
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (osSignals[signal] ?? 0) : 0));
    });
  });
}
