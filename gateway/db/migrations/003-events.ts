// Events by time partition (with plate indexes), event sources, checkpoints/alarm points, idempotency keys.
import type { Knex } from 'knex';
import { partitionDdl } from '../events-repo';

/** Where pg_trgm lives, so its operator class can be named whatever the search path (tests use their own schema). */
async function trigramSchema(knex: Knex): Promise<string> {
  const found = await knex.raw(`SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'pg_trgm'`);
  if (found.rows[0]) return String(found.rows[0].nspname);
  // installed once per database, in public, so dropping a test schema never takes it away
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public');
  return 'public';
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('event_sources', (t) => {
    t.increments('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('RESTRICT');
    t.string('name', 120).notNullable();
    t.string('kind', 16).notNullable(); // webhook | mqtt | onvif
    t.string('format', 32).notNullable().defaultTo('cloudeye');
    // webhook HMAC secret, sealed with the credential box like camera credentials (it must be read back to verify)
    t.text('secret_enc');
    // mqtt: { url, topics, qos, clientId }; onvif: { cameraIds }
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.text('credentials_enc');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['department_id', 'name']);
  });
  await knex.raw(
    "ALTER TABLE event_sources ADD CONSTRAINT event_sources_kind_chk CHECK (kind IN ('webhook','mqtt','onvif'))",
  );
  await knex.schema.createTable('event_points', (t) => {
    t.increments('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('RESTRICT');
    t.string('kind', 16).notNullable(); // checkpoint | alarm-point
    t.string('code', 64).notNullable();
    t.string('name', 120).notNullable();
    t.double('lng').notNullable();
    t.double('lat').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['department_id', 'code']);
  });
  await knex.raw(
    "ALTER TABLE event_points ADD CONSTRAINT event_points_kind_chk CHECK (kind IN ('checkpoint','alarm-point'))",
  );
  const trgm = await trigramSchema(knex);
  await knex.raw('ALTER TABLE events RENAME TO events_legacy');
  await knex.raw('CREATE SEQUENCE event_ids');
  // no foreign keys to cameras/points: an event is a record of what happened where, kept after they go
  await knex.raw(`CREATE TABLE events (
    id bigint NOT NULL DEFAULT nextval('event_ids'),
    at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    kind varchar(16) NOT NULL,
    type varchar(64) NOT NULL,
    source_id integer,
    source varchar(160) NOT NULL,
    camera_id bigint,
    point_id integer,
    department_id integer NOT NULL,
    lng double precision NOT NULL,
    lat double precision NOT NULL,
    plate varchar(32),
    plate_norm varchar(32),
    data jsonb NOT NULL DEFAULT '{}',
    PRIMARY KEY (id, at),
    CONSTRAINT events_kind_chk CHECK (kind IN ('anpr','alarm','camera','custom'))
  ) PARTITION BY RANGE (at)`);
  await knex.raw('ALTER SEQUENCE event_ids OWNED BY events.id');
  await knex.raw('CREATE INDEX events_at_idx ON events (at DESC, id DESC)');
  await knex.raw('CREATE INDEX events_kind_at_idx ON events (kind, at DESC)');
  await knex.raw('CREATE INDEX events_camera_at_idx ON events (camera_id, at DESC) WHERE camera_id IS NOT NULL');
  await knex.raw('CREATE INDEX events_point_at_idx ON events (point_id, at DESC) WHERE point_id IS NOT NULL');
  await knex.raw('CREATE INDEX events_plate_idx ON events (plate_norm, at DESC)');
  await knex.raw(
    `CREATE INDEX events_plate_trgm_idx ON events USING gin (plate_norm "${trgm}".gin_trgm_ops) WHERE plate_norm IS NOT NULL`,
  );
  await knex.raw('CREATE INDEX events_lat_lng_idx ON events (lat, lng)');
  await knex.schema.createTable('event_keys', (t) => {
    t.integer('source_id').notNullable();
    t.string('key', 128).notNullable();
    t.bigInteger('event_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['source_id', 'key']);
    t.index(['created_at']);
  });
  // the per-camera events of before: kept as custom events at their camera's place, in a partition each day
  const span = await knex.raw(`SELECT min(at) AS lo, max(at) AS hi FROM events_legacy`);
  const { lo, hi } = span.rows[0] as { lo: Date | null; hi: Date | null };
  if (lo && hi) {
    for (let d = Date.UTC(lo.getUTCFullYear(), lo.getUTCMonth(), lo.getUTCDate()); d <= hi.getTime(); d += 86_400_000)
      await knex.raw(partitionDdl(d));
    await knex.raw(`INSERT INTO events (at, kind, type, source, camera_id, department_id, lng, lat, data)
      SELECT e.at, 'custom', e.type, e.source, e.camera_id, coalesce(e.department_id, c.department_id), c.lng, c.lat, e.data
      FROM events_legacy e JOIN cameras c ON c.id = e.camera_id`);
  }
  await knex.schema.dropTable('events_legacy');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('event_keys');
  await knex.raw('DROP TABLE IF EXISTS events CASCADE');
  await knex.schema.createTable('events', (t) => {
    t.bigIncrements('id');
    t.bigInteger('camera_id').references('cameras.id').onDelete('CASCADE');
    t.integer('department_id').references('departments.id').onDelete('RESTRICT');
    t.string('type', 64).notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.jsonb('data').notNullable().defaultTo('{}');
    t.string('source', 32).notNullable().defaultTo('api');
    t.index(['camera_id', 'at']);
  });
  await knex.schema.dropTableIfExists('event_points');
  await knex.schema.dropTableIfExists('event_sources');
}
