// Cluster: the node that alone can pull a source's cameras (where a GB/T 28181 device registered, where a lower
// platform's link arrived); their pulls are placed there.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('pull_pins', (t) => {
    // 'gb28181:<device id>' or 'cascade:<peer>'
    t.string('source', 200).primary();
    t.string('node', 64).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('pull_pins');
}
