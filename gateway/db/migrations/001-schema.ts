// Migration 001: the whole domain schema of DESIGN.md (departments … audit_log).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('departments', (t) => {
    t.increments('id');
    t.string('code', 32).notNullable().unique();
    t.string('name', 120).notNullable();
    t.string('name_en', 120).notNullable().defaultTo('');
    // { requireStreamReason: boolean }
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('networks', (t) => {
    t.increments('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('RESTRICT');
    t.string('name', 120).notNullable().unique();
    // local address of the interface facing this network (multicast probes leave from it)
    t.string('interface', 64).notNullable().defaultTo('');
    t.specificType('cidrs', 'text[]').notNullable().defaultTo('{}');
    // extra unicast targets: "host" or "host:port"
    t.specificType('hosts', 'text[]').notNullable().defaultTo('{}');
    t.text('default_credentials_enc');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('grids', (t) => {
    t.increments('id');
    t.string('name', 200).notNullable();
    t.string('kind', 32).notNullable(); // district | grid | place
    t.jsonb('geometry').notNullable(); // GeoJSON Polygon / MultiPolygon, WGS-84
    t.jsonb('properties').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['kind', 'name']);
  });

  await knex.schema.createTable('cameras', (t) => {
    t.bigIncrements('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('RESTRICT');
    t.integer('network_id').references('networks.id').onDelete('SET NULL');
    t.string('name', 200).notNullable();
    t.string('source', 8).notNullable(); // onvif | rtsp
    t.text('xaddr');
    t.text('main_uri');
    t.text('sub_uri');
    t.text('snapshot_uri');
    t.text('credentials_enc'); // AES-256-GCM of {"username","password"}
    t.jsonb('streams').notNullable().defaultTo('{}'); // { main: {codec,width,height,fps}, sub: {...} }
    t.double('lng').notNullable();
    t.double('lat').notNullable();
    t.float('bearing');
    t.float('fov');
    t.float('range_m');
    t.string('address', 400).notNullable().defaultTo('');
    t.specificType('tags', 'text[]').notNullable().defaultTo('{}');
    t.string('status', 16).notNullable().defaultTo('unknown');
    t.string('status_reason', 400).notNullable().defaultTo('');
    t.timestamp('last_seen', { useTz: true });
    t.jsonb('capabilities').notNullable().defaultTo('{}');
    t.integer('grid_id').references('grids.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['department_id']);
    t.index(['network_id']);
    t.index(['status']);
  });
  await knex.raw('CREATE INDEX cameras_tags_gin ON cameras USING gin (tags)');
  await knex.raw("ALTER TABLE cameras ADD CONSTRAINT cameras_source_chk CHECK (source IN ('onvif','rtsp'))");
  await knex.raw(
    'ALTER TABLE cameras ADD CONSTRAINT cameras_lnglat_chk CHECK (lng BETWEEN -180 AND 180 AND lat BETWEEN -90 AND 90)',
  );

  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('username', 64).notNullable().unique();
    t.string('display_name', 120).notNullable().defaultTo('');
    t.text('password_hash').notNullable();
    t.string('role', 16).notNullable();
    t.integer('department_id').references('departments.id').onDelete('RESTRICT');
    t.integer('area_grid_id').references('grids.id').onDelete('SET NULL');
    t.string('locale', 8).notNullable().defaultTo('zh-CN');
    t.boolean('disabled').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "ALTER TABLE users ADD CONSTRAINT users_role_chk CHECK (role IN ('admin','operator','viewer','auditor','integrator'))",
  );

  await knex.schema.createTable('sessions', (t) => {
    t.uuid('id').primary();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('refresh_hash').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.increments('id');
    t.integer('department_id').notNullable().references('departments.id').onDelete('RESTRICT');
    t.string('name', 120).notNullable();
    t.string('prefix', 16).notNullable().unique();
    t.text('key_hash').notNullable();
    t.specificType('scopes', 'text[]').notNullable().defaultTo('{}');
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
    t.timestamp('last_used_at', { useTz: true });
  });

  await knex.schema.createTable('shares', (t) => {
    t.increments('id');
    t.integer('from_department_id').notNullable().references('departments.id').onDelete('RESTRICT');
    t.integer('to_department_id').notNullable().references('departments.id').onDelete('RESTRICT');
    t.string('kind', 16).notNullable(); // all | tags | cameras | polygon
    t.specificType('tags', 'text[]').notNullable().defaultTo('{}');
    t.specificType('camera_ids', 'bigint[]').notNullable().defaultTo('{}');
    t.jsonb('polygon');
    t.string('note', 400).notNullable().defaultTo('');
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "ALTER TABLE shares ADD CONSTRAINT shares_kind_chk CHECK (kind IN ('all','tags','cameras','polygon'))",
  );
  await knex.raw(
    'ALTER TABLE shares ADD CONSTRAINT shares_not_self_chk CHECK (from_department_id <> to_department_id)',
  );

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

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.string('actor_type', 16).notNullable(); // user | apikey | system | anonymous
    t.string('actor_id', 64);
    t.string('actor_name', 120).notNullable().defaultTo('');
    t.integer('department_id');
    t.string('action', 64).notNullable();
    t.string('target_type', 32);
    t.string('target_id', 64);
    t.string('outcome', 16).notNullable().defaultTo('ok');
    t.string('ip', 64);
    t.jsonb('detail').notNullable().defaultTo('{}');
    t.index(['at']);
    t.index(['action', 'at']);
    t.index(['target_type', 'target_id']);
  });
  await knex.raw(`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_log is append-only: % rejected', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await knex.raw(`CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`);
  await knex.raw(`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`);

  await knex('departments').insert([
    { code: 'police', name: '公安', name_en: 'Police', settings: { requireStreamReason: false } },
    { code: 'traffic', name: '交通', name_en: 'Traffic', settings: {} },
    { code: 'urban', name: '城管', name_en: 'City management', settings: {} },
  ]);
}

export async function down(knex: Knex): Promise<void> {
  // dropping the table is the one deletion the trigger cannot and should not block
  for (const table of [
    'audit_log',
    'events',
    'shares',
    'api_keys',
    'sessions',
    'users',
    'cameras',
    'grids',
    'networks',
    'departments',
  ])
    await knex.schema.dropTableIfExists(table);
  await knex.raw('DROP FUNCTION IF EXISTS audit_log_append_only()');
}
