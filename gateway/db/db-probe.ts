// Readiness of the database: a fresh connection (not the pool's) asks which migrations are applied, within a time limit.
import pg from 'pg';
import { MIGRATION_NAMES } from './migrations/index';

export interface DatabaseProbe {
  /** Migrations this gateway knows that the database has not applied (empty: current). */
  pending: string[];
  /** Milliseconds the probe took. */
  ms: number;
}

/** Why the database could not be probed: unreachable, refused the login, or did not answer in time. */
export class DatabaseProbeError extends Error {
  override name = 'DatabaseProbeError';
  constructor(
    message: string,
    /** True when the database did not answer within the time limit (rather than failing). */
    readonly timeout = false,
  ) {
    super(message);
  }
}

/**
 * Connects to `url` on a connection of its own (a full pool or a pool waiting to reconnect does not delay the answer),
 * reads `schema`.knex_migrations and closes. Rejects with DatabaseProbeError after `timeoutMs` or on any failure.
 */
export async function probeDatabase(url: string, schema: string, timeoutMs: number): Promise<DatabaseProbe> {
  const t0 = performance.now();
  const client = new pg.Client({
    connectionString: url,
    // backstops behind the probe's own limit below (which answers first, as a timeout): nothing lingers after it
    connectionTimeoutMillis: timeoutMs + 1000,
    query_timeout: timeoutMs + 1000,
    statement_timeout: timeoutMs,
  });
  // a connection that dies after the probe's own error handling must not become an uncaught 'error'
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | null = null;
  try {
    const work = (async () => {
      await client.connect();
      const r = await client.query<{ name: string }>(
        `SELECT name FROM "${schema.replace(/"/g, '""')}".knex_migrations`,
      );
      return new Set(r.rows.map((row) => row.name));
    })();
    // lost to the time limit: its late failure is not an unhandled rejection
    work.catch(() => undefined);
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DatabaseProbeError(`database: no answer within ${timeoutMs} ms`, true)),
        timeoutMs,
      );
    });
    const done = await Promise.race([work, limit]);
    return { pending: MIGRATION_NAMES.filter((n) => !done.has(n)), ms: performance.now() - t0 };
  } catch (err) {
    if (err instanceof DatabaseProbeError) throw err;
    throw new DatabaseProbeError(`database: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    if (timer) clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}
