// API keys' embed offer (camera scope, actions, origins) and the embed tokens they issue (hashed, revocable, short-lived).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    // { departments?, tags?, cameraIds?, area? }: narrows the key itself and every token it issues
    t.jsonb('camera_scope').notNullable().defaultTo('{}');
    // live | playback | ptz: what its embed tokens may be given
    t.specificType('embed_actions', 'text[]').notNullable().defaultTo('{}');
    // browser origins its embed tokens may be used from (none: it issues no tokens)
    t.specificType('origins', 'text[]').notNullable().defaultTo('{}');
  });
  await knex.schema.createTable('embed_tokens', (t) => {
    t.increments('id');
    t.integer('api_key_id').notNullable().references('api_keys.id').onDelete('CASCADE');
    t.string('prefix', 16).notNullable().unique();
    t.text('token_hash').notNullable();
    // the end user the integrator names, for the audit log
    t.string('label', 200).notNullable();
    t.jsonb('camera_scope').notNullable().defaultTo('{}');
    t.specificType('actions', 'text[]').notNullable();
    t.specificType('origins', 'text[]').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['api_key_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('embed_tokens');
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('camera_scope');
    t.dropColumn('embed_actions');
    t.dropColumn('origins');
  });
}
