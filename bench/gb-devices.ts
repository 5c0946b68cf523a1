// bench gb_devices_held: simulated devices (a light simulator in a child process, each device its own loopback address) register
// with digest and keep alive against the gateway's SIP server; how many stay registered and on line over the keepalive check.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Gb28181Server } from '../gateway/gb28181/index';
import type { SwarmStats } from '../sim/gb28181/swarm';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SERVER_ID = '34020000002000000001';
const REALM = '3402000000';

export interface DevicesHeldOptions {
  devices: number;
  /** Keepalive interval of the devices and the server, s (scaled down from 60 s to keep the run short). */
  keepaliveS: number;
  misses: number;
  /** How long every device is held after the last one registered, s (longer than keepaliveS × misses). */
  holdS: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function devicesHeld(log: (l: string) => void, o: DevicesHeldOptions): Promise<void> {
  // the server as the gateway's wiring makes it (gateway/wiring/gb28181.ts), its channel sync left out
  const server = new Gb28181Server({
    id: SERVER_ID,
    realm: REALM,
    host: '127.0.0.1',
    udpPort: 0,
    password: 'bench-pass',
    keepaliveIntervalS: o.keepaliveS,
    keepaliveMisses: o.misses,
  });
  const offline = new Set<string>();
  const dropped: Record<string, number> = {};
  server.on('offline', (d: { id: string }) => offline.add(d.id));
  server.on('unregistered', (d: { id: string }) => offline.add(d.id));
  server.on('dropped', (d: { reason: string }) => {
    const k = d.reason.replace(/\d+/g, 'N').slice(0, 80);
    dropped[k] = (dropped[k] ?? 0) + 1;
  });
  await server.start();
  const opts = {
    count: o.devices,
    server: { host: '127.0.0.1', port: server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
    password: 'bench-pass',
    keepaliveS: o.keepaliveS,
    registerPerSecond: 1000,
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(HERE, 'gb-swarm-child.ts'), JSON.stringify(opts)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let stats: SwarmStats | null = null;
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    buf += c;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith('STATS ')) stats = JSON.parse(line.slice(6)) as SwarmStats;
    }
  });
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const online = (): number => server.devices().filter((d) => d.online).length;
  try {
    const t0 = Date.now();
    const limit = t0 + (o.devices / 1000 + 60) * 1000;
    while (server.devices().length < o.devices && Date.now() < limit && child.exitCode === null) await sleep(200);
    const registeredMs = Date.now() - t0;
    log(
      `# ${server.devices().length} of ${o.devices} devices registered in ${registeredMs} ms (digest, 1000 started a second)`,
    );
    const cpu0 = process.cpuUsage();
    const h0 = Date.now();
    const seen: number[] = [];
    while (Date.now() - h0 < o.holdS * 1000) {
      await sleep(1000);
      seen.push(online());
    }
    const cpu = process.cpuUsage(cpu0);
    const heldMs = Date.now() - h0;
    const held = server.devices().filter((d) => d.online && !offline.has(d.id)).length;
    global.gc?.();
    const mem = process.memoryUsage();
    const s = stats as SwarmStats | null;
    log(
      `# held ${(heldMs / 1000).toFixed(0)} s (keepalive every ${o.keepaliveS} s, offline after ${o.misses} missed = ` +
        `${o.keepaliveS * o.misses} s; ${(o.devices / o.keepaliveS) | 0} keepalives/s, ${60 / o.keepaliveS}× the load of ` +
        `a 60 s interval): fewest on line ${Math.min(...seen)}, ${offline.size} marked offline or expired`,
    );
    log(
      `# devices: ${s?.keepalivesSent ?? '?'} keepalives sent, ${s?.keepalivesAcked ?? '?'} answered 200, ` +
        `${s?.keepalivesFailed ?? '?'} failed, ${s?.retransmissions ?? '?'} retransmissions, refused ${JSON.stringify(s?.refused ?? {})}`,
    );
    log(
      `# server: ${(((cpu.user + cpu.system) / 1000 / heldMs) * 100).toFixed(1)}% of a core while holding, ` +
        `heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB, rss ${(mem.rss / 2 ** 20).toFixed(0)} MiB; dropped ${JSON.stringify(dropped)}`,
    );
    log(`bench gb_devices_held ${held} devices`);
  } finally {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (child.exitCode === null) child.kill('SIGKILL');
    await server.close();
  }
}
