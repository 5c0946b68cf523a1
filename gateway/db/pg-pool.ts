// A plain pg pool on one schema, for libraries that take a pg Pool (the socket.io PostgreSQL adapter of a cluster).
import pg from 'pg';

/**
 * A pool of at most `max` connections whose search_path is `schema`. Errors of idle and of checked-out clients
 * (a held LISTEN connection when the server restarts) go to `onError` instead of ending the process.
 */
export function schemaPool(url: string, schema: string, max: number, onError: (err: Error) => void): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, options: `-c search_path="${schema.replace(/"/g, '""')}"` });
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}
