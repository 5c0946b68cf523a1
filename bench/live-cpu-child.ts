// The live CPU phase in a process of its own: the gateway measured is a fresh process, as a real one is (not the bench's, with its browser clients).
import { measureCpu } from './live-load';

const o = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof measureCpu>[1];
measureCpu((line) => process.stdout.write(`${line}\n`), o).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench live cpu: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
