// The alarm a wall screen shows and what the screen showed before it (layout, cameras, the tour and its markers), so
// the previous content comes back when the alarm is closed, across a gateway restart too.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('wall_screens', (t) => {
    // null: no alarm shown
    t.bigInteger('alarm_id').references('alarms.id').onDelete('SET NULL');
    // { layout, cameras: [id|null by pane], overlay: { tour, skipped: [[pane, [{ cameraId, cameraName }]]], alarm } }
    t.jsonb('alarm_before');
    // whether the screen's tour was paused for the alarm (it goes on when the alarm is closed)
    t.boolean('alarm_tour_paused').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('wall_screens', (t) => {
    t.dropColumn('alarm_id');
    t.dropColumn('alarm_before');
    t.dropColumn('alarm_tour_paused');
  });
}
