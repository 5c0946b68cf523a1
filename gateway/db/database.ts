// Database handle: a knex pool over PostgreSQL, migrations up/down, orderly close.
import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations/index';

export type { Knex } from 'knex';

/** The part of knex's pool (tarn) the statistics read. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

export interface DatabaseOptions {
  /** postgres:// URL of a PostgreSQL ≥ 15. */
  url: string;
  poolMin?: number;
  poolMax?: number;
  /** Schema to work in (tests isolate themselves in a throw-away schema). Default: public. */
  schema?: string;
  /** Where knex's own warnings go (a connection lost, an acquire failing); default: knex's, the console. */
  log?: (level: 'warn' | 'error', msg: string) => void;
}

/** knex's logger over a log sink: its debug output is dropped, deprecations are warnings. */
function knexLog(log: (level: 'warn' | 'error', msg: string) => void): Knex.Logger {
  const text = (m: unknown): string => `database: ${typeof m === 'string' ? m : JSON.stringify(m)}`;
  return {
    warn: (m) => log('warn', text(m)),
    error: (m) => log('error', text(m)),
    deprecate: (method, alternative) => log('warn', text(`${method} is deprecated, use ${alternative}`)),
    debug: () => undefined,
  };
}

export class Database {
  readonly knex: Knex;
  readonly schema: string;
  /** The URL it connects to (a connection of one's own, e.g. a LISTEN, goes there too). */
  readonly url: string;
  private closed = false;

  constructor(opts: DatabaseOptions) {
    this.schema = opts.schema ?? 'public';
    this.url = opts.url;
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
      ...(opts.log ? { log: knexLog(opts.log) } : {}),
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

  /**
   * The connection pool now: connections lent out (used), open and free (idle), requests waiting for one
   * (waiting), and the most it opens (max). Zeros once closed.
   */
  poolStats(): { used: number; idle: number; waiting: number; max: number } {
    const pool = (this.knex.client as { pool?: TarnPool }).pool;
    if (!pool || this.closed) return { used: 0, idle: 0, waiting: 0, max: 0 };
    return { used: pool.numUsed(), idle: pool.numFree(), waiting: pool.numPendingAcquires(), max: pool.max };
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
