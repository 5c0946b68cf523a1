// The live CPU phase in a process of its own, so the gateway measured is a fresh process like a real one (not the bench's, which holds browsers' clients and earlier rigs).
import { measureCpu } from './live-load';

const o = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof measureCpu>[1];
measureCpu((line) => process.stdout.write(`${line}\n`), o).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench live cpu: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
