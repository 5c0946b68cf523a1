// Test helper: two department networks behind a router, built from network namespaces and veth pairs.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `ip …` (throws with stderr on failure). */
export async function ip(...args: string[]): Promise<string> {
  return (await run('ip', args)).stdout;
}

/** True when this process may create network namespaces (root + iproute2). */
export async function netnsAvailable(): Promise<boolean> {
  const probe = `ce-${process.pid}-probe`;
  try {
    await ip('netns', 'add', probe);
    await ip('netns', 'del', probe);
    return true;
  } catch {
    return false;
  }
}

/** One department: its namespace, gateway-side address and camera addresses. */
export interface Department {
  ns: string;
  /** Address of the "gateway leg" inside the department (probes are sent from here). */
  gateway: string;
  /** Extra addresses carrying simulated cameras. */
  cameraHosts: string[];
  subnet: string;
}

export interface Topology {
  a: Department;
  b: Department;
  router: string;
  /** Runs a command inside a namespace and returns stdout. */
  exec(ns: string, cmd: string[], timeoutMs?: number): Promise<string>;
  /** Spawns a long-lived command inside a namespace (killed by close()). */
  spawn(ns: string, cmd: string[]): ChildProcess;
  /** Kills spawned children and deletes the namespaces (idempotent). */
  close(): Promise<void>;
}

/**
 * A (10.201.1.0/24) ⟷ router ⟷ B (10.201.2.0/24). Routing between A and B, no multicast routing,
 * so a multicast Probe in A stays in A. Names start with `ce-<pid>-` so parallel runs never clash.
 */
export async function departmentTopology(camerasPerDept = 5): Promise<Topology> {
  const p = `ce-${process.pid}-`;
  const ns = { a: `${p}a`, b: `${p}b`, r: `${p}r` };
  const short = `ce${process.pid % 1_000_000}`; // interface names are limited to 15 characters
  const children = new Set<ChildProcess>();
  const inNs = (n: string, ...args: string[]): Promise<string> => ip('netns', 'exec', n, ...args);
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      await Promise.all(
        [...children].map(
          (c) =>
            new Promise<void>((r) => {
              if (c.exitCode !== null || c.signalCode !== null) return r();
              c.once('exit', () => r());
              c.stdin?.end();
              setTimeout(() => c.kill('SIGKILL'), 3000).unref();
            }),
        ),
      );
      for (const n of Object.values(ns)) await ip('netns', 'del', n).catch(() => undefined); // deleting a namespace removes its veths
    })());
  try {
    for (const n of Object.values(ns)) await ip('netns', 'add', n);
    const dept = async (key: 'a' | 'b', octet: number): Promise<Department> => {
      const inside = `${short}${key}0`;
      const outside = `${short}r${key}`;
      await ip('link', 'add', inside, 'netns', ns[key], 'type', 'veth', 'peer', 'name', outside, 'netns', ns.r);
      const gateway = `10.201.${octet}.1`;
      const cameraHosts = Array.from({ length: camerasPerDept }, (_, i) => `10.201.${octet}.${10 + i}`);
      for (const addr of [gateway, ...cameraHosts])
        await inNs(ns[key], 'ip', 'addr', 'add', `${addr}/24`, 'dev', inside);
      await inNs(ns[key], 'ip', 'link', 'set', 'lo', 'up');
      await inNs(ns[key], 'ip', 'link', 'set', inside, 'up');
      await inNs(ns.r, 'ip', 'addr', 'add', `10.201.${octet}.254/24`, 'dev', outside);
      await inNs(ns.r, 'ip', 'link', 'set', outside, 'up');
      await inNs(ns[key], 'ip', 'route', 'add', 'default', 'via', `10.201.${octet}.254`);
      return { ns: ns[key], gateway, cameraHosts, subnet: `10.201.${octet}.0/24` };
    };
    const a = await dept('a', 1);
    const b = await dept('b', 2);
    await inNs(ns.r, 'ip', 'link', 'set', 'lo', 'up');
    await inNs(ns.r, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
    return {
      a,
      b,
      router: ns.r,
      close,
      exec: async (n, cmd, timeoutMs = 30_000) =>
        (await run('ip', ['netns', 'exec', n, ...cmd], { timeout: timeoutMs, maxBuffer: 16 << 20 })).stdout,
      spawn: (n, cmd) => {
        const c = spawn('ip', ['netns', 'exec', n, ...cmd], { stdio: ['pipe', 'pipe', 'inherit'] });
        children.add(c);
        c.once('exit', () => children.delete(c));
        return c;
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
