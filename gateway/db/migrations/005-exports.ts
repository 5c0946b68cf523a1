// Migration 005: clip exports — who exported which cameras over which range and why, their files, holds and expiry.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('recording_exports', (t) => {
    t.bigIncrements('id');
    t.string('status', 16).notNullable().defaultTo('pending'); // pending | running | done | failed | expired
    t.specificType('camera_ids', 'bigint[]').notNullable();
    t.timestamp('from_at', { useTz: true, precision: 3 }).notNullable();
    t.timestamp('to_at', { useTz: true, precision: 3 }).notNullable();
    t.string('reason', 400).notNullable();
    t.string('actor_type', 16).notNullable(); // user | apikey
    t.string('actor_id', 64).notNullable();
    t.string('actor_name', 120).notNullable().defaultTo('');
    t.integer('department_id'); // the exporter's department (null: city-wide)
    t.string('volume', 400).notNullable(); // files under <volume>/exports/<id>/
    // [{ name, cameraId, bytes, sha256 }] once done
    t.jsonb('files').notNullable().defaultTo('[]');
    // the evidence holds keeping the exported footage from retention while the export exists
    t.specificType('hold_ids', 'bigint[]').notNullable().defaultTo('{}');
    t.string('error', 1000);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['status', 'expires_at']);
  });
  await knex.raw(`ALTER TABLE recording_exports ADD CONSTRAINT recording_exports_status_chk
    CHECK (status IN ('pending','running','done','failed','expired'))`);
  await knex.raw('ALTER TABLE recording_exports ADD CONSTRAINT recording_exports_range_chk CHECK (to_at > from_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('recording_exports');
}
