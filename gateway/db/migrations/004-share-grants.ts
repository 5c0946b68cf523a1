// Migration 004: what a share grants — live viewing only ('live', the default) or live and recorded footage ('live+playback').
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('shares', (t) => {
    t.string('grants', 16).notNullable().defaultTo('live');
  });
  await knex.raw("ALTER TABLE shares ADD CONSTRAINT shares_grants_chk CHECK (grants IN ('live','live+playback'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE shares DROP CONSTRAINT IF EXISTS shares_grants_chk');
  await knex.schema.alterTable('shares', (t) => {
    t.dropColumn('grants');
  });
}
