// cloudeye discover --network NAME | --cidr CIDR [--ports 80,8080] [--interface ADDR]: scan with a progress bar.
import { loadConfig } from '../../config/load';
import { probeMulticast, sweepUnicast, type DiscoveredDevice } from '../onvif/index';
import { OrgRepo } from '../db/org-repo';
import { CONFIG_FLAG, intFlag, parseArgs, strFlag, UsageError, type CommandSpec } from './args';
import { withDatabase } from './db-session';

function bar(done: number, total: number, found: number): string {
  const width = 30;
  const f = total > 0 ? Math.min(1, done / total) : 0;
  return `\r[${'#'.repeat(Math.round(f * width)).padEnd(width, '.')}] ${done}/${total} hosts, ${found} found `;
}

export const DISCOVER: CommandSpec = {
  name: 'cloudeye discover',
  synopsis: '--network NAME | --cidr CIDR [--ports 80,8080] [--interface ADDR] [--concurrency N] [--config FILE]',
  flags: {
    network: { kind: 'value', arg: 'NAME', about: 'a registered camera network: its CIDRs, hosts and interface' },
    cidr: { kind: 'value', arg: 'CIDR', about: 'address range(s) to sweep, comma-separated' },
    ports: { kind: 'value', arg: 'LIST', about: 'HTTP ports probed per host (default 80)' },
    interface: { kind: 'value', arg: 'ADDR', about: 'local address for the WS-Discovery multicast probe' },
    concurrency: { kind: 'value', arg: 'N', about: 'probes in flight (default: discovery.sweepConcurrency)' },
    ...CONFIG_FLAG,
  },
};

export async function discoverCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, DISCOVER);
  const file = strFlag(args, 'config');
  const config = loadConfig(file ? { file } : {});
  let targets: string[] = [];
  let iface = strFlag(args, 'interface');
  const name = strFlag(args, 'network');
  const cidr = strFlag(args, 'cidr');
  if (!name && !cidr)
    throw new UsageError(
      'cloudeye discover: give --network NAME or --cidr CIDR (and optionally --interface ADDR for multicast)',
    );
  if (name) {
    const net = await withDatabase(config, (db) => new OrgRepo(db.knex).networkByName(name));
    if (!net) throw new UsageError(`cloudeye discover: no network named ${name}`);
    targets = [...net.cidrs, ...net.hosts];
    iface ??= net.interface || undefined;
  }
  if (cidr) targets.push(...cidr.split(','));
  const ports = (strFlag(args, 'ports', '80') ?? '80').split(',').map(Number);
  const ac = new AbortController();
  process.once('SIGINT', () => ac.abort());
  const found = new Map<string, DiscoveredDevice>();
  if (iface) {
    process.stderr.write(`multicast probe on ${iface} …\n`);
    const m = await probeMulticast({
      interfaceAddress: iface,
      repeats: config.discovery.probeRepeats,
      waitMs: config.discovery.probeWaitMs,
      signal: ac.signal,
    });
    for (const d of m.devices) found.set(d.endpoint, d);
  }
  if (targets.length) {
    const r = await sweepUnicast({
      hosts: targets,
      ports,
      concurrency: intFlag(args, 'concurrency', config.discovery.sweepConcurrency, 1, 4096),
      timeoutMs: config.discovery.requestTimeoutMs,
      maxSweepPrefix: config.discovery.maxSweepPrefix,
      signal: ac.signal,
      onProgress: (p) => process.stderr.write(bar(p.probed, p.total, found.size + p.found)),
    });
    process.stderr.write('\n');
    for (const d of r.devices) if (!found.has(d.endpoint)) found.set(d.endpoint, d);
    for (const f of r.failures) process.stderr.write(`  ${f.target}: ${f.error.message}\n`);
  }
  for (const d of found.values())
    process.stdout.write(`${d.xaddrs[0] ?? '-'}\t${d.name ?? ''}\t${d.hardware ?? ''}\t${d.via}\n`);
  process.stderr.write(`${found.size} device(s)${ac.signal.aborted ? ' (cancelled)' : ''}\n`);
  return 0;
}
