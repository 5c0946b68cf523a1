// GB/T 28181 channels as cameras: source 'gb28181' with the device id and channel id (one row per channel).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('cameras', (t) => {
    t.string('gb_device_id', 20);
    t.string('gb_channel_id', 20);
  });
  await knex.raw('ALTER TABLE cameras DROP CONSTRAINT cameras_source_chk');
  await knex.raw("ALTER TABLE cameras ADD CONSTRAINT cameras_source_chk CHECK (source IN ('onvif','rtsp','gb28181'))");
  await knex.raw(
    `ALTER TABLE cameras ADD CONSTRAINT cameras_gb_chk CHECK ((source = 'gb28181') = (gb_device_id IS NOT NULL AND gb_channel_id IS NOT NULL))`,
  );
  await knex.raw(
    'CREATE UNIQUE INDEX cameras_gb_channel_idx ON cameras (gb_device_id, gb_channel_id) WHERE gb_device_id IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex('cameras').where({ source: 'gb28181' }).delete();
  await knex.raw('DROP INDEX IF EXISTS cameras_gb_channel_idx');
  await knex.raw('ALTER TABLE cameras DROP CONSTRAINT cameras_gb_chk');
  await knex.raw('ALTER TABLE cameras DROP CONSTRAINT cameras_source_chk');
  await knex.raw("ALTER TABLE cameras ADD CONSTRAINT cameras_source_chk CHECK (source IN ('onvif','rtsp'))");
  await knex.schema.alterTable('cameras', (t) => {
    t.dropColumn('gb_device_id');
    t.dropColumn('gb_channel_id');
  });
}
