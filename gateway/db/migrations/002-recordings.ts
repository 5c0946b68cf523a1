// Migration 002: recording segments (the index), recording plans (camera, tag, department defaults) and evidence holds.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('evidence_holds', (t) => {
    t.bigIncrements('id');
    // no foreign key: footage of a deleted camera stays held until the hold is released
    t.bigInteger('camera_id').notNullable();
    t.timestamp('start_at', { useTz: true, precision: 3 }).notNullable();
    t.timestamp('end_at', { useTz: true, precision: 3 }).notNullable();
    t.string('reason', 400).notNullable();
    t.string('created_by', 64).notNullable(); // actor id (user id, api key id, 'system')
    t.string('created_by_name', 120).notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('released_at', { useTz: true });
    t.string('released_by', 64);
    t.index(['camera_id', 'start_at']);
  });
  await knex.raw('ALTER TABLE evidence_holds ADD CONSTRAINT evidence_holds_range_chk CHECK (end_at > start_at)');

  await knex.schema.createTable('recording_segments', (t) => {
    t.bigIncrements('id');
    // no foreign key: a deleted camera's footage is kept until retention removes it
    t.bigInteger('camera_id').notNullable();
    t.integer('department_id'); // the camera's department when recorded (retention by department after deletion)
    t.string('profile', 8).notNullable();
    t.timestamp('start_at', { useTz: true, precision: 3 }).notNullable();
    t.timestamp('end_at', { useTz: true, precision: 3 }).notNullable();
    t.bigInteger('bytes').notNullable();
    t.string('volume', 400).notNullable(); // the recording root the path is relative to
    t.string('path', 200).notNullable(); // <camera>/<YYYY-MM-DD>/<profile>-<startMs>.mp4
    t.string('kind', 16).notNullable().defaultTo('continuous');
    t.specificType('event_ids', 'bigint[]').notNullable().defaultTo('{}');
    // set by an evidence hold covering the segment; retention never deletes a held segment
    t.bigInteger('hold_id').references('evidence_holds.id').onDelete('SET NULL');
    t.boolean('missing').notNullable().defaultTo(false);
    t.integer('generation').notNullable().defaultTo(0);
    // ms from the end of the camera's previous present segment (same profile) to this start; null: none before.
    // Spans start where it is null or over the span gap (see recording-spans.ts).
    t.bigInteger('prev_gap_ms');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['volume', 'path']);
    t.index(['camera_id', 'start_at']);
    t.index(['volume', 'kind', 'start_at']);
  });
  await knex.raw(
    "ALTER TABLE recording_segments ADD CONSTRAINT recording_segments_kind_chk CHECK (kind IN ('continuous','event'))",
  );
  // span starts: few rows per camera, whatever the number of segments (span gaps of at least 1 s; recording-spans.ts)
  await knex.raw(`CREATE INDEX recording_segments_span_starts ON recording_segments (camera_id, profile, start_at)
    WHERE NOT missing AND (prev_gap_ms IS NULL OR prev_gap_ms > 1000)`);
  await knex.raw(
    "ALTER TABLE recording_segments ADD CONSTRAINT recording_segments_profile_chk CHECK (profile IN ('main','sub'))",
  );
  await knex.raw(
    'ALTER TABLE recording_segments ADD CONSTRAINT recording_segments_range_chk CHECK (end_at >= start_at)',
  );

  await knex.schema.createTable('recording_plans', (t) => {
    t.increments('id');
    t.string('scope', 16).notNullable(); // camera | tag | department
    t.bigInteger('camera_id').references('cameras.id').onDelete('CASCADE');
    t.string('tag', 64);
    t.integer('department_id').references('departments.id').onDelete('CASCADE');
    t.string('mode', 16).notNullable(); // off | continuous | scheduled | event
    t.string('profile', 8).notNullable().defaultTo('main');
    // scheduled: [{ days: [0..6] (0 = Sunday), start: 'HH:MM', end: 'HH:MM' }] in time_zone
    t.jsonb('windows').notNullable().defaultTo('[]');
    t.string('time_zone', 64).notNullable().defaultTo('UTC');
    t.integer('pre_roll_s').notNullable().defaultTo(5);
    t.integer('post_roll_s').notNullable().defaultTo(10);
    t.integer('retention_days'); // null: the configured default
    t.integer('event_retention_days'); // null: the configured default
    t.string('updated_by', 64).notNullable().defaultTo('system');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE recording_plans ADD CONSTRAINT recording_plans_scope_chk CHECK (
    (scope = 'camera' AND camera_id IS NOT NULL AND tag IS NULL AND department_id IS NULL) OR
    (scope = 'tag' AND tag IS NOT NULL AND camera_id IS NULL) OR
    (scope = 'department' AND department_id IS NOT NULL AND camera_id IS NULL AND tag IS NULL))`);
  await knex.raw(
    "ALTER TABLE recording_plans ADD CONSTRAINT recording_plans_mode_chk CHECK (mode IN ('off','continuous','scheduled','event'))",
  );
  // one camera plan per camera, one tag plan per (tag, department or all), one department plan per department
  await knex.raw("CREATE UNIQUE INDEX recording_plans_camera_uq ON recording_plans (camera_id) WHERE scope = 'camera'");
  await knex.raw(
    "CREATE UNIQUE INDEX recording_plans_tag_uq ON recording_plans (tag, COALESCE(department_id, 0)) WHERE scope = 'tag'",
  );
  await knex.raw(
    "CREATE UNIQUE INDEX recording_plans_department_uq ON recording_plans (department_id) WHERE scope = 'department'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('recording_plans');
  await knex.schema.dropTableIfExists('recording_segments');
  await knex.schema.dropTableIfExists('evidence_holds');
}
