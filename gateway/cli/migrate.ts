// cloudeye migrate [up|down|status]
import { loadConfig } from '../../config/load';
import { CONFIG_FLAG, parseArgs, strFlag, UsageError, type CommandSpec } from './args';
import { withDatabase } from './db-session';

export const MIGRATE: CommandSpec = {
  name: 'cloudeye migrate',
  synopsis: '[up | down | status] [--config FILE]',
  flags: { ...CONFIG_FLAG },
  maxPositional: 1,
};

export async function migrateCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, MIGRATE);
  const file = strFlag(args, 'config');
  const config = loadConfig(file ? { file } : {});
  const verb = args.positional[0] ?? 'up';
  if (!['up', 'down', 'status'].includes(verb))
    throw new UsageError(`cloudeye migrate: unknown action '${verb}' (up | down | status)`);
  return withDatabase(
    config,
    async (db) => {
      if (verb === 'up')
        process.stdout.write(`applied: ${(await db.migrateUp()).join(', ') || 'nothing (up to date)'}\n`);
      else if (verb === 'down')
        process.stdout.write(`rolled back: ${(await db.migrateDown()).join(', ') || 'nothing'}\n`);
      else {
        const s = await db.migrationStatus();
        process.stdout.write(`done: ${s.done.join(', ') || '-'}\npending: ${s.pending.join(', ') || '-'}\n`);
      }
      return 0;
    },
    { migrate: false },
  );
}
