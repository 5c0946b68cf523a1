// Event footage of a camera found by an index of its own: the timeline's event times no longer scan the volume's index.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // event segments only: a lookup follows a camera's event footage, not the volume's segments (30 days of 100
  // cameras are 26 M rows, nearly all continuous)
  await knex.raw(`CREATE INDEX recording_segments_event_starts ON recording_segments (camera_id, profile, start_at)
    WHERE kind = 'event'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS recording_segments_event_starts');
}
