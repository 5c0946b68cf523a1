// Realtime across the nodes of a cluster: the official socket.io adapter on PostgreSQL (LISTEN/NOTIFY), on the schema's channel.
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool } from 'pg';
import type { ServerOptions } from 'socket.io';

/**
 * The adapter over `pool` (a pool of the cluster's PostgreSQL on `schema`). Its channel carries the schema's name —
 * NOTIFY is database-wide — and a message over 8,000 bytes goes through the table socket_io_attachments (016).
 * The adapter re-connects its LISTEN client on its own after the connection is lost.
 */
export function postgresAdapter(pool: Pool, schema: string, onError: (err: Error) => void): ServerOptions['adapter'] {
  return createAdapter(pool, {
    channelPrefix: `ce.${schema}.sio`,
    tableName: 'socket_io_attachments',
    errorHandler: onError,
    heartbeatInterval: 2000,
    heartbeatTimeout: 6000,
  }) as ServerOptions['adapter'];
}
