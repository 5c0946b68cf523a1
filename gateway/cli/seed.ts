// cloudeye seed demo | bench --cameras N
import { loadConfig } from '../../config/load';
import { CredentialBox, loadMasterKey } from '../auth/secrets';
import { CONFIG_FLAG, intFlag, parseArgs, strFlag, UsageError, type CommandSpec } from './args';
import { withDatabase } from './db-session';
import { DEMO_PASSWORD, seedBench, seedDemo } from '../../sim/seed';
import { demoSimTargets } from './demo-sims';

export const SEED: CommandSpec = {
  name: 'cloudeye seed',
  synopsis: 'demo [--cameras N] | bench --cameras N  [--config FILE]',
  flags: { cameras: { kind: 'value', arg: 'N', about: 'how many cameras (demo: 240, bench: 100000)' }, ...CONFIG_FLAG },
  maxPositional: 1,
};

export async function seedCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, SEED);
  const file = strFlag(args, 'config');
  const config = loadConfig(file ? { file } : {});
  const what = args.positional[0];
  if (what === 'demo') {
    const count = intFlag(args, 'cameras', 240, 1, 5000);
    return withDatabase(config, async (db) => {
      const r = await seedDemo(db, new CredentialBox(loadMasterKey(config.security)), demoSimTargets(), count);
      process.stdout.write(
        r.created
          ? `demo city seeded: ${r.cameras} cameras, users ${r.users.map((u) => u.username).join(', ')} (password ${DEMO_PASSWORD})\n`
          : 'demo city already present; nothing changed\n',
      );
      return 0;
    });
  }
  if (what === 'bench') {
    const n = intFlag(args, 'cameras', 100_000, 1, 5_000_000);
    return withDatabase(config, async (db) => {
      const t0 = performance.now();
      await seedBench(db, n);
      process.stdout.write(`seeded ${n} bench cameras in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
      return 0;
    });
  }
  throw new UsageError('cloudeye seed: say what to seed: demo [--cameras N] | bench --cameras N');
}
