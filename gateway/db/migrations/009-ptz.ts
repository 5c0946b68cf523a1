// PTZ: a per-user control priority override, and patrols (named preset tours with dwell times) per camera.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    // null: the role's priority (config ptz.priorities)
    t.integer('ptz_priority');
  });
  await knex.raw('ALTER TABLE users ADD CONSTRAINT users_ptz_priority_range CHECK (ptz_priority BETWEEN 0 AND 32000)');
  await knex.schema.createTable('ptz_patrols', (t) => {
    t.increments('id');
    t.bigInteger('camera_id').notNullable().references('cameras.id').onDelete('CASCADE');
    t.string('name', 64).notNullable();
    // [{ preset: '<ONVIF token>', dwellS: 5..3600 }]
    t.jsonb('steps').notNullable();
    // running since; null when stopped (a running patrol resumes after a gateway restart)
    t.timestamp('running_since', { useTz: true });
    t.string('started_by', 200);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['camera_id', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ptz_patrols');
  await knex.schema.alterTable('users', (t) => t.dropColumn('ptz_priority'));
}
