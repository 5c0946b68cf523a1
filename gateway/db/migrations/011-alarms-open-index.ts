// Open alarms counted by state (the alarms_open metric, every scrape) without reading the closed ones.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw("CREATE INDEX alarms_open_idx ON alarms (state) WHERE state <> 'closed'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS alarms_open_idx');
}
