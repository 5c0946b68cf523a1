// /readyz, /livez, the scrape credential and request ids on a real gateway whose PostgreSQL connection can be cut.
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestGateway, TEST_DATABASE_URL, type TestGateway } from '../helpers/gateway';
import { TcpRelay } from '../helpers/tcp-relay';
import { freePortRange } from '../helpers/ports';
import { waitFor } from '../helpers/wait-for';
import { parseExposition, valueOf } from '../helpers/prom-text';

const TOKEN = 'probe-test-token-0123456789';
const LOGIN = { body: { username: 'probe', password: 'pw-probe' } };

describe('operations: readiness, liveness, scrape credentials, request ids', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let relay: TcpRelay;
  const logs: Array<{ level: string; msg: string; fields?: Record<string, unknown> }> = [];
  const get = async (path: string, headers: Record<string, string> = {}) => {
    const r = await fetch(t.base + path, { headers });
    const text = await r.text();
    return { status: r.status, text, headers: r.headers, body: text.startsWith('{') ? JSON.parse(text) : undefined };
  };

  before(async () => {
    const pgPort = Number(new URL(TEST_DATABASE_URL).port || 5432);
    relay = new TcpRelay(pgPort, new URL(TEST_DATABASE_URL).hostname);
    await relay.open();
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(relay.port);
    t = await startTestGateway(
      {
        database: { url: url.toString() },
        metrics: { auth: 'bearer', token: TOKEN },
        probes: { databaseTimeoutMs: 1000, maxLoopLagMs: 800, livenessWindowS: 2 },
        log: { requests: true },
        transcoder: { backoffInitialMs: 100, backoffMaxMs: 500, stallTimeoutS: 3 },
      },
      { onLog: (level, msg, fields) => logs.push({ level, msg, ...(fields ? { fields } : {}) }) },
    );
    await t.addUser('probe', 'viewer', 'police');
  });
  after(async () => {
    await relay?.open().catch(() => undefined);
    await t?.close();
    await relay?.close();
  });

  it('is ready with the database reachable and every migration applied', async () => {
    const r = await get('/readyz');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, {
      ready: true,
      checks: { database: { ok: true }, migrations: { ok: true }, draining: false },
    });
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  it('goes 503 while PostgreSQL is unreachable and ready again once it is back; /metrics still answers meanwhile', async () => {
    await relay.cut();
    const t0 = Date.now();
    const down = await get('/readyz');
    assert.equal(down.status, 503, down.text);
    assert.ok(Date.now() - t0 < 3000, `answered in ${Date.now() - t0} ms`);
    assert.equal(down.body.ready, false);
    assert.equal(down.body.checks.database.ok, false);
    // the answer names the failed check only; the log has the reason
    assert.equal(down.body.checks.database.detail, 'unreachable or refused');
    assert.ok(logs.some((l) => l.level === 'warn' && /^readiness: not ready: database: .*ECONNREFUSED/.test(l.msg)));
    // the live side does not depend on the database: a load balancer keeps the node, the supervisor does not restart it
    assert.equal((await get('/livez')).status, 200);
    const m = await get('/metrics', { authorization: `Bearer ${TOKEN}` });
    assert.equal(m.status, 200);
    const samples = parseExposition(m.text);
    assert.equal(
      valueOf(samples, 'cloudeye_alarms_open'),
      undefined,
      'alarm counts left out while the database is down',
    );
    assert.ok(valueOf(samples, 'cloudeye_db_pool_max')! > 0);
    await relay.open();
    await waitFor(async () => (await get('/readyz')).status === 200, { timeoutMs: 10_000, what: 'ready again' });
    // the pool recovered too: the API answers from the database again
    await waitFor(async () => (await t.api('GET', '/api/v1/openapi.json')).status === 200, {
      timeoutMs: 10_000,
      what: 'the API',
    });
  });

  it('goes 503 within its time limit while PostgreSQL accepts connections but does not answer', async () => {
    relay.hang();
    try {
      const t0 = Date.now();
      const r = await get('/readyz');
      const ms = Date.now() - t0;
      assert.equal(r.status, 503, r.text);
      assert.equal(r.body.checks.database.detail, 'no answer in time');
      assert.ok(ms >= 900 && ms < 3000, `answered after ${ms} ms (limit 1000)`);
    } finally {
      relay.resume();
    }
    await waitFor(async () => (await get('/readyz')).status === 200, { timeoutMs: 10_000, what: 'ready again' });
  });

  it('goes 503 while a migration the gateway knows is missing from the database', async () => {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    try {
      const table = `"${t.schema}".knex_migrations`;
      const row = (await c.query(`DELETE FROM ${table} WHERE name = '011-alarms-open-index' RETURNING *`)).rows[0];
      assert.ok(row, 'the migration row');
      const r = await get('/readyz');
      assert.equal(r.status, 503);
      assert.deepEqual(r.body.checks.migrations, { ok: false, pending: ['011-alarms-open-index'] });
      assert.equal(r.body.checks.database.ok, true);
      await c.query(`INSERT INTO ${table} (name, batch, migration_time) VALUES ($1, $2, $3)`, [
        row.name,
        row.batch,
        row.migration_time,
      ]);
      assert.equal((await get('/readyz')).status, 200);
    } finally {
      await c.end();
    }
  });

  it('liveness goes 503 after the event loop was blocked past the limit, and 200 once the window passed', async () => {
    assert.equal((await get('/livez')).status, 200);
    const pending = get('/livez');
    const until = performance.now() + 1200;
    while (performance.now() < until); // blocks this process's loop, the gateway's too
    const r = await pending;
    assert.equal(r.status, 503, r.text);
    assert.equal(r.body.live, false);
    assert.ok(r.body.lagMs >= 800, `lag ${r.body.lagMs} ms`);
    await waitFor(async () => (await get('/livez')).status === 200, { timeoutMs: 6000, what: 'live again' });
  });

  it('bad input: scrapes without the configured bearer token are refused with 401, and say why', async () => {
    const cases: Array<[string, Record<string, string>, RegExp]> = [
      ['no credentials', {}, /credentials required \(Authorization: Bearer\)/],
      ['a wrong token', { authorization: 'Bearer not-the-token-0123456789' }, /does not match/],
      ['the token with one character more', { authorization: `Bearer ${TOKEN}x` }, /does not match/],
      [
        'the token as basic auth',
        { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` },
        /does not match/,
      ],
      ['a scheme without a token', { authorization: 'Bearer' }, /does not match/],
      ['a very long header', { authorization: `Bearer ${'a'.repeat(6000)}` }, /does not match/],
      ['a user access token', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' }, /does not match/],
    ];
    for (const [name, headers, re] of cases) {
      const r = await get('/metrics', headers);
      assert.equal(r.status, 401, name);
      assert.match(r.body.detail, re, name);
      assert.ok(r.headers.get('www-authenticate'), name);
      assert.ok(!r.text.includes('cloudeye_'), `${name}: no metric leaked`);
    }
    assert.equal((await get('/metrics', { authorization: `bearer  ${TOKEN}` })).status, 200, 'scheme case-insensitive');
  });

  it('asks the policy (AccessControl.scrape) about each scrape: a right token is refused when it says no', async () => {
    const access = t.gw.services.access as unknown as { scrape: (...a: unknown[]) => unknown };
    const real = access.scrape.bind(access);
    const asked: unknown[][] = [];
    access.scrape = (...a: unknown[]) => (asked.push(a), { allowed: false, reason: 'metrics: refused by the policy' });
    try {
      const r = await get('/metrics', { authorization: `Bearer ${TOKEN}` });
      assert.equal(r.status, 401);
      assert.equal(r.body.detail, 'metrics: refused by the policy');
      assert.deepEqual(asked, [['bearer', 'scraper']]);
    } finally {
      access.scrape = real;
    }
    assert.equal((await get('/metrics', { authorization: `Bearer ${TOKEN}` })).status, 200);
  });

  it('echoes a well-formed X-Request-Id, replaces a malformed one, and logs it with the request', async () => {
    const given = 'req-7f3a:2026.12.06_a';
    const ok = await get('/livez', { 'x-request-id': given });
    assert.equal(ok.headers.get('x-request-id'), given);
    for (const bad of ['has space', 'x'.repeat(129), 'semi;colon', '']) {
      const r = await get('/livez', { 'x-request-id': bad });
      const id = r.headers.get('x-request-id') ?? '';
      assert.notEqual(id, bad);
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    const plain = await get('/api/v1/openapi.json');
    const id = plain.headers.get('x-request-id')!;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const line = await waitFor(() => logs.find((l) => l.fields?.requestId === id), { what: 'the request line' });
    assert.equal(line.level, 'info');
    assert.deepEqual(
      { route: line.fields!.route, status: line.fields!.status, method: line.fields!.method },
      { route: '/api/v1/openapi.json', status: 200, method: 'GET' },
    );
    assert.ok(logs.some((l) => l.fields?.requestId === given && l.fields.route === '/livez'));
  });

  it("a failure's log line carries the request id its answer echoed", async () => {
    await t.addUser('probe-admin', 'admin', 'police');
    const admin = await t.login('probe-admin');
    const closed = await freePortRange(1);
    const cam = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: 'dark',
        mainUri: `rtsp://127.0.0.1:${closed}/none`,
        lng: 111.69,
        lat: 29.03,
        streams: { main: { codec: 'h264' } },
      },
    });
    assert.equal(cam.status, 201, cam.text);
    const r = await t.api('POST', `/api/v1/cameras/${cam.body.id}/streams`, {
      token: admin,
      body: { profile: 'main' },
      headers: { 'x-request-id': 'open-dark-camera-1' },
    });
    assert.equal(r.status, 503, r.text);
    assert.equal(r.headers.get('x-request-id'), 'open-dark-camera-1');
    const line = logs.find((l) => l.level === 'warn' && l.fields?.requestId === 'open-dark-camera-1');
    assert.ok(line, 'a warning line with the request id');
    assert.match(line.msg, /did not deliver video|failing|refused/);
  });

  it('drain: readiness answers 503 from then on while the node still serves', async () => {
    t.gw.drain();
    const r = await get('/readyz');
    assert.equal(r.status, 503);
    assert.equal(r.body.checks.draining, true);
    assert.equal(r.body.checks.database.ok, true);
    assert.equal((await t.api('GET', '/api/v1/openapi.json')).status, 200);
  });
});
