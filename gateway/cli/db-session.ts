// Opens the configured database for a CLI command (starting the embedded one when no URL is set), migrated.
import type { Config } from '../../config/load';
import { Database } from '../db/database';
import { EmbeddedDatabase } from '../db/embedded';

export async function withDatabase<T>(
  config: Config,
  fn: (db: Database) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.database.url;
  if (!url) {
    const { dataDir, port } = config.database.embedded;
    embedded = new EmbeddedDatabase({ dataDir, port, onWarn: (m) => process.stderr.write(`${m}\n`) });
    url = await embedded.start();
  }
  const db = new Database({ url, poolMin: 0, poolMax: 4 });
  try {
    if (opts.migrate !== false) await db.migrateUp();
    return await fn(db);
  } finally {
    await db.close();
    await embedded?.close();
  }
}
