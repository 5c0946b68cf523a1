// /proc inspection for the transcoder bench and tests: ffmpeg children, CPU seconds, RSS, open fds.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Fields of /proc/<pid>/stat we use; null when the process is gone. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** utime + stime, seconds. */
  cpuS: number;
}

const CLK_TCK = 100; // Linux USER_HZ on every mainstream kernel

/** Parses /proc/<pid>/stat (comm may contain spaces and parentheses). */
export function procStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  // f[0] = state (field 3), f[1] = ppid (4), f[11] = utime (14), f[12] = stime (15)
  return { pid, comm, state: f[0] ?? '?', ppid: Number(f[1]), cpuS: (Number(f[11]) + Number(f[12])) / CLK_TCK };
}

/** Resident set size of a process, kilobytes (VmRSS), or null when gone. */
export function rssKb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Every live (not zombie) process named `comm` (default ffmpeg), optionally only children of `ppid`. */
export function processesNamed(comm = 'ffmpeg', ppid?: number): ProcStat[] {
  const out: ProcStat[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const s = procStat(Number(d));
    if (s && s.comm === comm && s.state !== 'Z' && (ppid === undefined || s.ppid === ppid)) out.push(s);
  }
  return out;
}

/** ffmpeg processes whose parent is this process. */
export function ffmpegChildren(ppid = process.pid): number[] {
  return processesNamed('ffmpeg', ppid).map((s) => s.pid);
}

/** True when `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  const s = procStat(pid);
  return s !== null && s.state !== 'Z';
}

/** Open file descriptors of this process, as "fd → target" strings. */
export function openFds(): string[] {
  const out: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      out.push(`${fd} -> ${readlinkSync(`/proc/self/fd/${fd}`)}`);
    } catch {
      // the fd of the readdir itself is gone by now
    }
  }
  return out;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `cond` every `everyMs` until true (resolves the elapsed ms) or `timeoutMs` (rejects naming `what`). */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    if (await cond()) return performance.now() - t0;
    if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** CPU seconds of `pids` over windowS; a pid gone by the end counts as lost. */
export async function cpuOver(pids: number[], windowS: number): Promise<{ cpuS: number; lost: number }> {
  const before = new Map(pids.map((p) => [p, procStat(p)?.cpuS ?? 0]));
  await sleep(windowS * 1000);
  let cpuS = 0;
  let lost = 0;
  for (const [p, c0] of before) {
    const s = procStat(p);
    if (!s) lost++;
    else cpuS += s.cpuS - c0;
  }
  return { cpuS, lost };
}
