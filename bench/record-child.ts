// The record bench's recording phases in a process of their own: the gateway measured is a fresh process, as a real one is.
import { measureRecording } from './record-streams';

const o = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof measureRecording>[1];
measureRecording((line) => process.stdout.write(`${line}\n`), o).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench record: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
