// Wiring of the storage: the database (embedded PostgreSQL when no URL is configured), its migrations, the repositories.
import type { Config } from '../../config/load';
import { Database } from '../db/database';
import { EmbeddedDatabase } from '../db/embedded';
import { CamerasRepo } from '../db/cameras-repo';
import { OrgRepo } from '../db/org-repo';
import { AccountsRepo } from '../db/accounts-repo';
import { AuditRepo } from '../db/audit-repo';
import type { Closers, Log } from './lifecycle';

export interface Repositories {
  cameras: CamerasRepo;
  org: OrgRepo;
  accounts: AccountsRepo;
  audit: AuditRepo;
}

/**
 * Connects to `config.database.url`, or starts the embedded PostgreSQL when it is empty, then migrates.
 * `schema` isolates a gateway in its own schema (tests); default public. Returns the URL connected to.
 */
export async function buildDatabase(
  config: Config,
  schema: string | undefined,
  closers: Closers,
  log: Log,
): Promise<{ db: Database; url: string }> {
  let url = config.database.url;
  if (!url) {
    const embedded = new EmbeddedDatabase({
      dataDir: config.database.embedded.dataDir,
      port: config.database.embedded.port,
      onWarn: (m) => log('warn', m),
    });
    closers.add(() => embedded.close());
    url = await embedded.start();
    log(
      'info',
      `embedded PostgreSQL on 127.0.0.1:${config.database.embedded.port} (${config.database.embedded.dataDir})`,
    );
  }
  const db = new Database({
    url,
    poolMin: config.database.poolMin,
    poolMax: config.database.poolMax,
    ...(schema ? { schema } : {}),
    log,
  });
  closers.add(() => db.close());
  if (schema) await db.ensureSchema();
  await db.migrateUp();
  return { db, url };
}

export function buildRepositories(db: Database): Repositories {
  return {
    cameras: new CamerasRepo(db.knex),
    org: new OrgRepo(db.knex),
    accounts: new AccountsRepo(db.knex),
    audit: new AuditRepo(db.knex),
  };
}
