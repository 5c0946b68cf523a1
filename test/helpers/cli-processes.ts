// Running the cloudeye command in tests: its environment on a throw-away embedded database, its output, and the processes and ports it leaves.
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The node processes started by `parent` (pgrep -P) and their command lines. */
export function childrenOf(parent: number): Array<{ pid: number; cmdline: string[] }> {
  const pids = spawnSync('pgrep', ['-P', String(parent)], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')
    .filter(Boolean)
    .map(Number);
  return pids.flatMap((pid) => {
    try {
      return [{ pid, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean) }];
    } catch {
      return [];
    }
  });
}

/** Whether `pid` runs (a zombie, exited but not yet reaped by whoever adopted it, does not). */
export const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

/** Live processes whose command line contains `text` (pgrep -f), as "pid command line". */
export function processesMatching(text: string): string[] {
  const out = spawnSync('pgrep', ['-af', '--', text], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  return out.filter((line) => alive(Number(line.split(' ')[0])) && Number(line.split(' ')[0]) !== process.pid);
}

/** Pids of the live processes named `name` (comm) whose parent is one of `parents`. */
export function childrenNamed(parents: number[], name: string): number[] {
  const ps = spawnSync('ps', ['-e', '-o', 'pid=,ppid=,comm='], { encoding: 'utf8' }).stdout.trim().split('\n');
  return ps
    .map((l) => l.trim().split(/\s+/))
    .filter(([, ppid, comm]) => comm === name && parents.includes(Number(ppid)))
    .map(([pid]) => Number(pid))
    .filter(alive);
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/** A new directory the postgres user can traverse (mkdtemp makes 0700). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Environment of a gateway on its own embedded database under `dir` (PostgreSQL on `pgPort`). */
export const embeddedEnv = (dir: string, pgPort: number): NodeJS.ProcessEnv => ({
  ...process.env,
  CLOUDEYE_DATABASE__URL: '',
  DATABASE_URL: '',
  CLOUDEYE_DATABASE__EMBEDDED__DATA_DIR: path.join(dir, 'pg'),
  CLOUDEYE_DATABASE__EMBEDDED__PORT: String(pgPort),
  CLOUDEYE_SECURITY__SECRET_KEY_FILE: path.join(dir, 'secret.key'),
  CLOUDEYE_TRANSCODER__HLS_DIR: path.join(dir, 'hls'),
});

/** A started command with its collected stdout + stderr. */
export interface Running {
  child: ChildProcess;
  out: () => string;
  /** Resolves with the exit code (128 + n for a signal) once it exits. */
  exited: Promise<number>;
}

/** Spawns `file args` with stdout and stderr collected. */
export function run(file: string, args: string[], opts: SpawnOptions): Running {
  const child = spawn(file, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const signo = (sig: NodeJS.Signals | null): number => (sig === 'SIGKILL' ? 9 : sig === 'SIGTERM' ? 15 : 2);
  const exited = new Promise<number>((resolve) => child.once('exit', (code, sig) => resolve(code ?? 128 + signo(sig))));
  return { child, out: () => out, exited };
}

/** Resolves with the console URL once the output shows it; rejects when the process exits first or after `ms`. */
export function consoleUrl(r: Running, ms = 90000): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const t0 = Date.now();
    const t = setInterval(() => {
      const m = /Cloud Eye console: (\S+)/.exec(r.out());
      if (m) (clearInterval(t), resolve(m[1]!));
      else if (Date.now() - t0 > ms)
        (clearInterval(t), reject(new Error(`no console URL within ${ms} ms: ${r.out()}`)));
    }, 100);
    void r.exited.then((code) => (clearInterval(t), reject(new Error(`exited ${code}: ${r.out()}`))));
  });
}

/** Polls `check` every 100 ms until it is true or `ms` passed; returns its last answer. */
export async function within(ms: number, check: () => boolean | Promise<boolean>): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
