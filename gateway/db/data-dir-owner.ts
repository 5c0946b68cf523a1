// Who runs the embedded database's data directory: the server on it (postmaster.pid) and the gateway that started it.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A process as /proc shows it, or null when there is none with this pid. */
interface ProcInfo {
  /** Kernel start time in clock ticks after boot (with the pid, names one process even after pid reuse). */
  start: string;
  cmdline: string[];
}

function proc(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name in parentheses may hold spaces and parentheses: fields follow the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return null; // exited, waiting to be reaped
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { start: fields[19] ?? '', cmdline };
  } catch {
    return null;
  }
}

/**
 * The pid of the PostgreSQL server running on `clusterDir`, from its postmaster.pid, verified in
 * /proc (a postgres process with `-D clusterDir`); null when none runs. A lock file naming a pid that
 * now belongs to another program is removed: PostgreSQL would refuse to start, taking it for a live
 * server.
 */
export function serverOnDataDir(clusterDir: string): number | null {
  const lock = path.join(clusterDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number(readFileSync(lock, 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1) return null;
  const p = proc(pid);
  if (!p) return null; // PostgreSQL itself clears a lock file whose process is gone
  const d = p.cmdline.indexOf('-D');
  const isOurs =
    d >= 0 &&
    path.basename(p.cmdline[0] ?? '') === 'postgres' &&
    path.resolve(p.cmdline[d + 1] ?? '') === path.resolve(clusterDir);
  if (isOurs) return pid;
  rmSync(lock, { force: true });
  return null;
}

/** The gateway process recorded as owner of a data directory. */
export interface DataDirOwner {
  pid: number;
  start: string;
}

const ownerFile = (dataDir: string): string => path.join(dataDir, 'gateway.pid');

/** Records this process as the one running the server on `dataDir` (file `gateway.pid`). */
export function claimDataDir(dataDir: string): void {
  writeFileSync(ownerFile(dataDir), `${process.pid} ${proc(process.pid)?.start ?? ''}\n`, { mode: 0o644 });
}

/** Forgets the owner of `dataDir` if it is this process. */
export function releaseDataDir(dataDir: string): void {
  if (ownerOf(dataDir)?.pid === process.pid) rmSync(ownerFile(dataDir), { force: true });
}

/** The live process recorded as owner of `dataDir`, or null when there is none or it is gone (the pid reused or free). */
export function ownerOf(dataDir: string): DataDirOwner | null {
  let text: string;
  try {
    text = readFileSync(ownerFile(dataDir), 'utf8');
  } catch {
    return null;
  }
  const [pidText, start = ''] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 1) return null;
  const p = proc(pid);
  return p && p.start === start ? { pid, start } : null;
}
