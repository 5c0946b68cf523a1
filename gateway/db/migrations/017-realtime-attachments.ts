// Realtime across nodes: where the socket.io PostgreSQL adapter keeps a message too large for one NOTIFY (8,000 bytes).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // the table @socket.io/postgres-adapter writes and reads (its documented shape); rows older than 30 s are swept
  await knex.raw(`
    CREATE TABLE socket_io_attachments (
      id bigserial UNIQUE,
      created_at timestamptz DEFAULT now(),
      payload bytea
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS socket_io_attachments');
}
