// Cluster state: the registry of gateway nodes (heartbeats) and the lease of each (camera, profile) pull.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // every time is PostgreSQL's now(): no two machines' clocks are ever compared
  await knex.raw(`
    CREATE TABLE cluster_nodes (
      name text PRIMARY KEY,
      address text NOT NULL,
      boot_id uuid NOT NULL,
      load integer NOT NULL DEFAULT 0 CHECK (load >= 0),
      started_at timestamptz NOT NULL DEFAULT now(),
      heartbeat_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    )`);
  await knex.raw(`
    CREATE TABLE stream_leases (
      camera_id text NOT NULL,
      profile text NOT NULL,
      node text NOT NULL,
      boot_id uuid NOT NULL,
      acquired_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (camera_id, profile)
    )`);
  await knex.raw('CREATE INDEX stream_leases_node_idx ON stream_leases (node, boot_id)');
  await knex.raw('CREATE INDEX stream_leases_expiry_idx ON stream_leases (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS stream_leases');
  await knex.raw('DROP TABLE IF EXISTS cluster_nodes');
}
