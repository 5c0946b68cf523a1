// cloudeye bench NAME: runs a benchmark of scripts/bench/ and prints its "bench <name> <value> <unit>" lines.
import v8 from 'node:v8';
import vm from 'node:vm';
import { UsageError } from './args';

/** Benchmarks collect garbage between phases (memory figures, steady state): expose gc() unless node already did. */
export function exposeGc(): void {
  const g = globalThis as { gc?: () => void };
  if (typeof g.gc === 'function') return;
  v8.setFlagsFromString('--expose-gc');
  g.gc = vm.runInNewContext('gc') as () => void;
}

const BENCHES: Record<string, () => Promise<{ run(opts: { log: (line: string) => void }): Promise<void> }>> = {
  health: () => import('../../scripts/bench/health'),
  transcoder: () => import('../../scripts/bench/transcoder'),
  gis: () => import('../../scripts/bench/gis'),
  console: () => import('../../scripts/bench/console'),
};

export async function benchCommand(argv: string[]): Promise<number> {
  const names = argv.filter((a) => !a.startsWith('--'));
  if (names.length === 0) throw new UsageError(`cloudeye bench: name one of ${Object.keys(BENCHES).join(', ')} (or all)`);
  const list = names[0] === 'all' ? Object.keys(BENCHES) : names;
  exposeGc();
  for (const name of list) {
    const load = BENCHES[name];
    if (!load) throw new UsageError(`cloudeye bench: unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
    const mod = await load();
    await mod.run({ log: (line) => process.stdout.write(`${line}\n`) });
  }
  return 0;
}
