// Wall tours (a list of cameras or saved views with a dwell time each), the tour running on a screen and its position
// (resumed after a gateway restart), and linkage rules that put their alarm's cameras on a screen.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('wall_tours', (t) => {
    t.increments('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('CASCADE');
    t.integer('owner_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 120).notNullable();
    // [{ cameraId: '<id>', dwellS } | { viewId: <id>, dwellS }]
    t.jsonb('steps').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['department_id', 'name']);
  });
  await knex.schema.alterTable('wall_screens', (t) => {
    // the tour running on the screen (null: none) and the step it shows
    t.integer('tour_id').references('wall_tours.id').onDelete('SET NULL');
    t.integer('tour_step').notNullable().defaultTo(0);
    t.string('tour_started_by', 200);
  });
  await knex.schema.alterTable('alarm_rules', (t) => {
    // a screen the rule's alarms are shown on (null: none)
    t.integer('screen_id').references('wall_screens.id').onDelete('SET NULL');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('alarm_rules', (t) => t.dropColumn('screen_id'));
  await knex.schema.alterTable('wall_screens', (t) => {
    t.dropColumn('tour_id');
    t.dropColumn('tour_step');
    t.dropColumn('tour_started_by');
  });
  await knex.schema.dropTable('wall_tours');
}
