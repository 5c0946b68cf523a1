// CLI: run one discovery from wherever this process lives (e.g. inside a network namespace); prints JSON.
// npx tsx sim/cameras/discover-cli.ts multicast 10.201.1.1 [waitMs]
// npx tsx sim/cameras/discover-cli.ts sweep 10.201.2.0/27 [ports=8000,8001 ('' = WS-Discovery only)] [timeoutMs]
import { probeMulticast, sweepUnicast } from '../../gateway/onvif/index';

const [mode, arg, extra, extra2] = process.argv.slice(2);
if (mode === 'multicast' && arg) {
  const r = await probeMulticast({ interfaceAddress: arg, waitMs: Number(extra ?? 2000), repeats: 3 });
  process.stdout.write(`${JSON.stringify({ devices: r.devices, stats: r.stats })}\n`);
} else if (mode === 'sweep' && arg) {
  // ports '' = WS-Discovery datagrams only
  const ports = (extra ?? '80').split(',').filter(Boolean).map(Number);
  const r = await sweepUnicast({
    hosts: arg,
    ...(ports.length ? { ports } : { methods: ['ws-discovery' as const] }),
    timeoutMs: Number(extra2 ?? 1000),
    concurrency: 128,
  });
  process.stdout.write(
    `${JSON.stringify({ devices: r.devices, stats: r.stats, failures: r.failures.map((f) => `${f.target}: ${f.error.message}`) })}\n`,
  );
} else {
  process.stderr.write('usage: discover-cli.ts multicast <ifaceAddr> [waitMs] | sweep <targets> [ports] [timeoutMs]\n');
  process.exit(2);
}
