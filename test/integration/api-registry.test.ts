// OpenAPI completeness, camera import/export round trip, the append-only audit log, migrations down and up.
import assert from 'node:assert/strict';
import { Database } from '../../gateway/db/database';
import { dropSchema, startTestGateway, TEST_DATABASE_URL, type TestGateway } from '../helpers/gateway';
import { expressRoutes } from '../helpers/express-routes';

describe('API: registry, OpenAPI, import/export, audit', function () {
  this.timeout(60000);
  let t: TestGateway;
  let admin: string;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('radmin', 'admin', 'traffic');
    await t.addUser('raudit', 'auditor', null);
    admin = await t.login('radmin');
  });
  after(async () => t?.close());

  it('serves an OpenAPI 3.1 document naming every /api route the server answers', async () => {
    const r = await t.api('GET', '/api/v1/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.1.0');
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(r.body.paths as Record<string, Record<string, unknown>>))
      for (const m of Object.keys(ops)) documented.add(`${m} ${p}`);
    const app = t.gw.app as unknown as { router: { stack: never[] } };
    const served = expressRoutes(app).filter((x) => /^\/(api|hls|live)\//.test(x.path));
    assert.ok(served.length >= 30, `found only ${served.length} routes`);
    const missing = served
      .map((x) => `${x.method} ${x.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`)
      .filter((k) => !documented.has(k));
    assert.deepEqual(missing, []);
    // the WebSocket upgrade is no express route, and is documented all the same
    assert.ok(r.body.paths['/live/{token}/{key}'].get, 'the live WebSocket is documented');
    const login = r.body.paths['/api/v1/auth/login'].post;
    assert.ok(
      login.requestBody.content['application/json'].schema.properties.username,
      'request schemas come from the validators',
    );
  });

  it('serves a local docs page', async () => {
    const r = await t.api('GET', '/api/v1/docs');
    assert.equal(r.status, 200);
    assert.match(r.text, /Cloud Eye/);
    assert.doesNotMatch(r.text, /https?:\/\/(?!cloudeye)/, 'no remote assets');
  });

  const CSV = [
    'name,department,source,main_uri,sub_uri,username,password,lng,lat,bearing,fov,range_m,address,tags,codec',
    '人民路口 1,traffic,rtsp,rtsp://admin:s3cret@10.2.0.1:554/main,rtsp://10.2.0.1:554/sub,,,111.6901,29.0301,90,60,120,"常德市武陵区人民路, 东",road|路口,h264',
    '"=HYPERLINK(""http://evil"")",traffic,rtsp,rtsp://10.2.0.2/main,,op,pw2,111.7001,29.0401,,,,"-2+3",road,h265',
  ].join('\n');

  it('imports CSV in one go, lifts credentials out of URIs, exports CSV and GeoJSON that round-trip', async () => {
    const r = await t.api('POST', '/api/v1/cameras/import', { token: admin, raw: CSV, type: 'text/csv' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.imported, 2);
    const first = await t.api('GET', `/api/v1/cameras/${r.body.ids[0]}`, { token: admin });
    assert.equal(first.body.mainUri, 'rtsp://10.2.0.1:554/main');
    assert.equal(first.body.hasCredentials, true);
    assert.equal(first.body.address, '常德市武陵区人民路, 东');
    assert.doesNotMatch(JSON.stringify(first.body), /s3cret/);
    const rec = await t.gw.repos.cameras.get(r.body.ids[0]);
    assert.deepEqual(t.gw.services.cameras.credentials(rec!), { username: 'admin', password: 's3cret' });
    const dbRow = await t.gw.db.knex('cameras').where({ id: r.body.ids[0] }).first();
    assert.doesNotMatch(JSON.stringify(dbRow), /s3cret/, 'credentials are encrypted at rest');

    const csv = await t.api('GET', '/api/v1/cameras/export.csv', { token: admin });
    assert.equal(csv.status, 200);
    assert.match(csv.text, /'=HYPERLINK\(""http:\/\/evil""\)/, 'formula cells are defused');
    assert.match(csv.text, /"'-2\+3"|'-2\+3/);
    assert.doesNotMatch(csv.text, /s3cret|pw2/);

    const gj = await t.api('GET', '/api/v1/cameras/export.geojson', { token: admin });
    assert.equal(gj.body.features.length, 2);
    // re-import the GeoJSON export: same names, positions and tags
    const again = await t.api('POST', '/api/v1/cameras/import', {
      token: admin,
      raw: gj.text,
      type: 'application/geo+json',
    });
    assert.equal(again.status, 201, again.text);
    const all = await t.api('GET', '/api/v1/cameras?limit=10', { token: admin });
    const byName = (n: string) => all.body.items.filter((c: { name: string }) => c.name === n);
    for (const name of ['人民路口 1', '=HYPERLINK("http://evil")']) {
      const [a, b] = byName(name);
      assert.ok(a && b, name);
      assert.deepEqual(
        [a.lng, a.lat, a.tags, a.bearing, a.address, a.streams],
        [b.lng, b.lat, b.tags, b.bearing, b.address, b.streams],
      );
    }
  });

  it('an import with one bad row imports nothing and names the line and field', async () => {
    const before = (await t.gw.db.knex('cameras').count<{ count: string }[]>('* as count'))[0]!.count;
    const bad = `${CSV}\nbroken,traffic,rtsp,file:///etc/passwd,,,,111.7,95.5,,,,,,\n`;
    const r = await t.api('POST', '/api/v1/cameras/import', { token: admin, raw: bad, type: 'text/csv' });
    assert.equal(r.status, 400);
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    assert.ok(paths.includes('line 4: mainUri'), JSON.stringify(paths));
    assert.ok(paths.includes('line 4: lat'), JSON.stringify(paths));
    assert.equal((await t.gw.db.knex('cameras').count<{ count: string }[]>('* as count'))[0]!.count, before);
  });

  it('an import row for another department is refused for a department admin', async () => {
    const r = await t.api('POST', '/api/v1/cameras/import', {
      token: admin,
      raw: 'name,department,main_uri,lng,lat\nx,police,rtsp://1.2.3.4/a,111,29\n',
      type: 'text/csv',
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].path, 'line 2: department');
  });

  it('audit_log is append-only: UPDATE, DELETE and TRUNCATE are rejected by the database', async () => {
    assert.ok(Number((await t.gw.db.knex('audit_log').count<{ count: string }[]>('* as count'))[0]!.count) > 0);
    await assert.rejects(t.gw.db.knex('audit_log').update({ action: 'forged' }), /append-only/);
    await assert.rejects(t.gw.db.knex('audit_log').delete(), /append-only/);
    await assert.rejects(t.gw.db.knex.raw('TRUNCATE audit_log'), /append-only/);
  });

  it('auditors read the audit log; camera changes and logins are in it', async () => {
    const tok = await t.login('raudit');
    const r = await t.api('GET', '/api/v1/audit?limit=200', { token: tok });
    assert.equal(r.status, 200);
    const actions = new Set(r.body.items.map((e: { action: string }) => e.action));
    for (const a of ['login', 'camera.import']) assert.ok(actions.has(a), `${a} in ${[...actions].join(',')}`);
    assert.equal(
      (await t.api('GET', '/api/v1/cameras', { token: tok })).body.items.length,
      0,
      'auditors see no cameras',
    );
  });

  it('migrations go down and up again', async () => {
    const schema = `mig_${process.pid}`;
    const db = new Database({ url: TEST_DATABASE_URL, schema });
    try {
      await db.ensureSchema();
      assert.deepEqual(await db.migrateUp(), [
        '001-schema',
        '002-recordings',
        '003-events',
        '004-share-grants',
        '005-exports',
        '006-alarms',
        '007-recording-event-index',
        '008-wall',
        '009-ptz',
        '010-wall-tours',
        '011-alarms-open-index',
        '012-wall-alarm-display',
        '013-embed',
        '014-cluster',
        '015-gb28181-cameras',
        '016-cascade',
        '017-realtime-attachments',
        '018-pull-pins',
      ]);
      assert.equal(
        (await db.knex('departments').select('code').orderBy('id')).map((d) => d.code).join(','),
        'police,traffic,urban',
      );
      assert.deepEqual((await db.migrateDown()).sort(), [
        '001-schema',
        '002-recordings',
        '003-events',
        '004-share-grants',
        '005-exports',
        '006-alarms',
        '007-recording-event-index',
        '008-wall',
        '009-ptz',
        '010-wall-tours',
        '011-alarms-open-index',
        '012-wall-alarm-display',
        '013-embed',
        '014-cluster',
        '015-gb28181-cameras',
        '016-cascade',
        '017-realtime-attachments',
        '018-pull-pins',
      ]);
      const left = await db.knex.raw(
        'select count(*)::int as n from information_schema.tables where table_schema = ?' +
          " and table_name <> 'knex_migrations' and table_name <> 'knex_migrations_lock'",
        [schema],
      );
      assert.equal(left.rows[0].n, 0);
      assert.deepEqual(await db.migrateUp(), [
        '001-schema',
        '002-recordings',
        '003-events',
        '004-share-grants',
        '005-exports',
        '006-alarms',
        '007-recording-event-index',
        '008-wall',
        '009-ptz',
        '010-wall-tours',
        '011-alarms-open-index',
        '012-wall-alarm-display',
        '013-embed',
        '014-cluster',
        '015-gb28181-cameras',
        '016-cascade',
        '017-realtime-attachments',
        '018-pull-pins',
      ]);
    } finally {
      await db.close();
      await dropSchema(schema);
    }
  });
});

describe('API: camera list filters and conflicts', function () {
  this.timeout(60000);
  let t: TestGateway;
  let admin: string;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await startTestGateway();
    await t.addUser('fadmin', 'admin', null);
    admin = await t.login('fadmin');
    const net = await t.api('POST', '/api/v1/networks', {
      token: admin,
      body: { name: 'traffic-lan', departmentId: t.departments.traffic, cidrs: ['10.20.0.0/24'] },
    });
    assert.equal(net.status, 201, net.text);
    const mk = async (name: string, body: Record<string, unknown>) => {
      const r = await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: { name, mainUri: 'rtsp://10.20.0.9/m', lng: 111.69, lat: 29.03, ...body },
      });
      assert.equal(r.status, 201, r.text);
      ids[name] = r.body.id;
    };
    await mk('北门 road', {
      departmentId: t.departments.traffic,
      networkId: net.body.id,
      tags: ['road'],
      lng: 111.7,
      lat: 29.04,
    });
    await mk('南门 school', {
      departmentId: t.departments.police,
      tags: ['school'],
      lng: 111.6,
      lat: 28.9,
      address: '学校路 8 号',
    });
    await mk('东门', { departmentId: t.departments.urban, tags: ['road', 'river'], lng: 111.75, lat: 29.05 });
    await t.gw.repos.cameras.setStatuses([{ id: ids['东门']!, status: 'offline', reason: 'test', lastSeen: null }]);
  });
  after(async () => t?.close());

  const names = async (qs: string): Promise<string[]> => {
    const r = await t.api('GET', `/api/v1/cameras?${qs}`, { token: admin });
    assert.equal(r.status, 200, r.text);
    return r.body.items.map((c: { name: string }) => c.name).sort();
  };

  it('filters by department, network, status, tag, bbox and text, and combines them', async () => {
    assert.deepEqual(await names(`department=${t.departments.police}`), ['南门 school']);
    assert.deepEqual(await names(`department=${t.departments.police},${t.departments.urban}`), ['东门', '南门 school']);
    assert.deepEqual(await names(`network=${(await t.gw.repos.org.networkByName('traffic-lan'))!.id}`), ['北门 road']);
    assert.deepEqual(await names('status=offline'), ['东门']);
    assert.deepEqual(await names('tag=road'), ['东门', '北门 road']);
    assert.deepEqual(await names('bbox=111.65,29.0,111.72,29.06'), ['北门 road']);
    assert.deepEqual(await names(`q=${encodeURIComponent('学校路')}`), ['南门 school']);
    assert.deepEqual(await names('tag=road&status=unknown'), ['北门 road']);
  });

  it('400 for malformed filters', async () => {
    for (const qs of ['bbox=1,2,3', 'status=exploded', 'limit=0', 'cursor=%27%3B', 'department=abc']) {
      const r = await t.api('GET', `/api/v1/cameras?${qs}`, { token: admin });
      assert.equal(r.status, 400, `${qs}: ${r.text}`);
    }
  });

  it('409 for a duplicate user name or network name, and nothing changes', async () => {
    const u = await t.api('POST', '/api/v1/users', {
      token: admin,
      body: { username: 'fadmin', password: 'password-1', role: 'viewer', departmentId: t.departments.police },
    });
    assert.equal(u.status, 409, u.text);
    const n = await t.api('POST', '/api/v1/networks', {
      token: admin,
      body: { name: 'traffic-lan', departmentId: t.departments.traffic },
    });
    assert.equal(n.status, 409, n.text);
    assert.equal((await t.gw.db.knex('networks').count<{ c: string }[]>('* as c'))[0]!.c, '1');
  });
});
