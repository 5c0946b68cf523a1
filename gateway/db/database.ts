// Database handle: a knex pool over PostgreSQL, migrations up/down, orderly close.
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations/index';

export type { Knex } from 'knex';

export interface DatabaseOptions {
  /** postgres:// URL of a PostgreSQL ≥ 15. */
  url: string;
  poolMin?: number;
  poolMax?: number;
  /** Schema to work in (tests isolate themselves in a throw-away schema). Default: public. */
  schema?: string;
}

export class Database {
  readonly knex: Knex;
  readonly schema: string;
  private closed = false;

  constructor(opts: DatabaseOptions) {
    this.schema = opts.schema ?? 'public';
    this.knex = knexFactory({
      client: 'pg',
      connection: opts.url,
      searchPath: [this.schema],
      pool: {
        min: opts.poolMin ?? 0,
        max: opts.poolMax ?? 10,
        // every connection sets the search path and keeps UTC so timestamps round-trip
        afterCreate: (
          conn: { query: (sql: string, cb: (err: Error | null) => void) => void },
          done: (err: Error | null, conn: unknown) => void,
        ) => {
          conn.query(`SET search_path TO "${this.schema.replace(/"/g, '""')}"; SET TIME ZONE 'UTC'`, (err) =>
            done(err, conn),
          );
        },
      },
      migrations: { migrationSource, schemaName: this.schema, tableName: 'knex_migrations' },
    });
  }

  /** Runs every pending migration. */
  async migrateUp(): Promise<string[]> {
    const [, names] = (await this.knex.migrate.latest()) as [number, string[]];
    return names;
  }

  /** Rolls back every migration (all batches). */
  async migrateDown(): Promise<string[]> {
    const [, names] = (await this.knex.migrate.rollback(undefined, true)) as [number, string[]];
    return names;
  }

  async migrationStatus(): Promise<{ done: string[]; pending: string[] }> {
    const [done, pending] = (await this.knex.migrate.list()) as [
      Array<{ name: string }>,
      Array<string | { file: string }>,
    ];
    return { done: done.map((d) => d.name), pending: pending.map((p) => (typeof p === 'string' ? p : p.file)) };
  }

  /** Creates the schema when it does not exist (public always does). */
  async ensureSchema(): Promise<void> {
    await this.knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [this.schema]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.knex.destroy();
  }
}
