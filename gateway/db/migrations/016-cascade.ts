// Cameras of a lower Cloud Eye platform (cascade): source 'cascade' with the peer's name and the camera's id there.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cameras', (t) => {
    t.string('cascade_peer', 64);
    t.string('cascade_camera_id', 64);
  });
  await knex.raw('ALTER TABLE cameras DROP CONSTRAINT cameras_source_chk');
  await knex.raw(
    "ALTER TABLE cameras ADD CONSTRAINT cameras_source_chk CHECK (source IN ('onvif','rtsp','gb28181','cascade'))",
  );
  await knex.raw(
    `ALTER TABLE cameras ADD CONSTRAINT cameras_cascade_chk CHECK ((source = 'cascade') = (cascade_peer IS NOT NULL AND cascade_camera_id IS NOT NULL))`,
  );
  await knex.raw(
    'CREATE UNIQUE INDEX cameras_cascade_idx ON cameras (cascade_peer, cascade_camera_id) WHERE cascade_peer IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex('cameras').where({ source: 'cascade' }).delete();
  await knex.raw('DROP INDEX IF EXISTS cameras_cascade_idx');
  await knex.raw('ALTER TABLE cameras DROP CONSTRAINT cameras_cascade_chk');
  await knex.raw('ALTER TABLE cameras DROP CONSTRAINT cameras_source_chk');
  await knex.raw("ALTER TABLE cameras ADD CONSTRAINT cameras_source_chk CHECK (source IN ('onvif','rtsp','gb28181'))");
  await knex.schema.alterTable('cameras', (t) => {
    t.dropColumn('cascade_peer');
    t.dropColumn('cascade_camera_id');
  });
}
