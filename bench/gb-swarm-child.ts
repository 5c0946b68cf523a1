// The GB/T 28181 devices-held bench's simulated devices, in a process of their own (the server under test has the other core):
// `STATS <json>` every second; stops on SIGTERM or when stdin closes.
import { GbSwarm, type SwarmOptions } from '../sim/gb28181/swarm';

const opts = JSON.parse(process.argv[2] ?? '{}') as SwarmOptions;
const swarm = new GbSwarm(opts);
const report = (): void => void process.stdout.write(`STATS ${JSON.stringify(swarm.stats)}\n`);
let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  report();
  await swarm.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.resume();
process.stdin.on('end', () => void stop());
await swarm.start();
process.stdout.write('STARTED\n');
setInterval(report, 1000);
