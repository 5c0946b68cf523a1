// Wall screens per department (position in the wall, layout, pairing secret, screen token), their panes, saved views.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('wall_screens', (t) => {
    t.increments('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('CASCADE');
    t.string('name', 120).notNullable();
    // the screen's place in the department's wall (0-based column and row)
    t.smallint('wall_col').notNullable().defaultTo(0);
    t.smallint('wall_row').notNullable().defaultTo(0);
    // gis/wall-layout.ts: '1' | '4' | '6' | '8' | '9' | '16' | 'L<grid>-<span>'
    t.string('layout', 16).notNullable().defaultTo('4');
    // sha-256 of the one-time pairing secret (null once used), and of the long-lived screen token
    t.string('pairing_hash', 64);
    t.timestamp('pairing_expires_at', { useTz: true });
    t.string('token_hash', 64);
    t.timestamp('paired_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['department_id', 'name']);
  });
  await knex.schema.createTable('wall_panes', (t) => {
    t.integer('screen_id').notNullable().references('wall_screens.id').onDelete('CASCADE');
    t.smallint('pane').notNullable();
    // a removed camera empties its panes
    t.bigInteger('camera_id').notNullable().references('cameras.id').onDelete('CASCADE');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['screen_id', 'pane']);
  });
  await knex.schema.createTable('wall_views', (t) => {
    t.increments('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('CASCADE');
    t.integer('owner_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('name', 120).notNullable();
    t.string('layout', 16).notNullable();
    // camera ids by pane (null: empty pane)
    t.jsonb('cameras').notNullable().defaultTo('[]');
    t.boolean('shared').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['owner_id', 'name']);
    t.index(['department_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('wall_views');
  await knex.schema.dropTableIfExists('wall_panes');
  await knex.schema.dropTableIfExists('wall_screens');
}
