// cloudeye bench NAME: runs a benchmark of scripts/bench/ and prints its "bench <name> <value> <unit>" lines.
import { UsageError } from './args';

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
  for (const name of list) {
    const load = BENCHES[name];
    if (!load) throw new UsageError(`cloudeye bench: unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
    const mod = await load();
    await mod.run({ log: (line) => process.stdout.write(`${line}\n`) });
  }
  return 0;
}
