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
export function relaunchArgs(argv: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv): string[] | null {
  if (!LONG_RUNNING.has(argv[0] ?? '') || env.CE_NO_RELAUNCH === '1') return null;
  if (execArgv.some((a) => a.startsWith('--inspect'))) return null;
  const have = new Set(execArgv.map(flagName));
  const missing = GATEWAY_NODE_FLAGS.filter((f) => !have.has(flagName(f)));
  return missing.length > 0 ? [...missing, ...execArgv] : null;
}

const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `script argv` in a child node with `nodeArgs`, stdio shared. SIGINT, SIGTERM and SIGHUP sent
 * to this process go to the child (a terminal's Ctrl-C reaches both: the commands stop once on any
 * number of signals). Resolves with the child's exit code; a child killed by a signal is reported as
 * 128 + its number, as a shell does.
 */
export function runRelaunched(nodeArgs: readonly string[], script: string, argv: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, script, ...argv], { stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals): void => void (child.exitCode === null && child.signalCode === null && child.kill(sig));
    for (const sig of FORWARDED) process.on(sig, forward);
    const done = (): void => {
      for (const sig of FORWARDED) process.off(sig, forward);
    };
    child.once('error', (err) => (done(), reject(err)));
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? (osSignals[signal] ?? 0) : 0));
    });
  });
}
