// Linkage rules per department (event kinds, area, weekly windows, severity → cameras, rolls) and the alarms they raise.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('alarm_rules', (t) => {
    t.increments('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('CASCADE');
    t.string('name', 120).notNullable();
    t.boolean('enabled').notNullable().defaultTo(true);
    t.specificType('kinds', 'varchar(16)[]').notNullable();
    // GeoJSON Polygon or MultiPolygon (WGS-84); null: anywhere
    t.jsonb('area');
    // [{ days: [0..6], start: 'HH:MM', end: 'HH:MM' }] in time_zone; empty: always
    t.jsonb('windows').notNullable().defaultTo('[]');
    t.string('time_zone', 64).notNullable().defaultTo('UTC');
    t.smallint('min_severity').notNullable().defaultTo(1);
    t.smallint('camera_count').notNullable().defaultTo(4);
    t.integer('radius_m').notNullable().defaultTo(300);
    t.integer('pre_roll_s').notNullable().defaultTo(10);
    t.integer('post_roll_s').notNullable().defaultTo(20);
    t.integer('ack_timeout_s').notNullable().defaultTo(120);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['department_id', 'name']);
  });
  await knex.schema.createTable('alarms', (t) => {
    t.bigIncrements('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('CASCADE');
    // the rule may go later; the alarm keeps what it was raised by in rule_name
    t.integer('rule_id').references('alarm_rules.id').onDelete('SET NULL');
    t.string('rule_name', 120).notNullable();
    // events are partitioned by time (primary key id, at): no foreign key, the pair names the row
    t.bigInteger('event_id').notNullable();
    t.timestamp('event_at', { useTz: true }).notNullable();
    t.string('kind', 16).notNullable();
    t.string('type', 64).notNullable();
    t.smallint('severity').notNullable();
    t.double('lng').notNullable();
    t.double('lat').notNullable();
    t.string('state', 16).notNullable().defaultTo('new');
    t.boolean('escalated').notNullable().defaultTo(false);
    t.timestamp('ack_due_at', { useTz: true }).notNullable();
    t.integer('ack_timeout_s').notNullable();
    t.integer('assignee_id').references('users.id').onDelete('SET NULL');
    // [{ id, distanceM, covering, recording }] nearest first; selection: covering | nearest | none
    t.jsonb('cameras').notNullable().defaultTo('[]');
    t.string('selection', 16).notNullable();
    t.integer('pre_roll_s').notNullable();
    t.integer('post_roll_s').notNullable();
    // append-only: [{ at, userId, userName, text }]
    t.jsonb('notes').notNullable().defaultTo('[]');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['rule_id', 'event_id']);
    t.index(['department_id', 'created_at']);
  });
  await knex.raw(
    "ALTER TABLE alarms ADD CONSTRAINT alarms_state_chk CHECK (state IN ('new','acknowledged','handled','closed'))",
  );
  await knex.raw("CREATE INDEX alarms_unacked_idx ON alarms (ack_due_at) WHERE state = 'new' AND NOT escalated");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('alarms');
  await knex.schema.dropTableIfExists('alarm_rules');
}
