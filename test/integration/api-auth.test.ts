// Authentication, tokens, API keys and the bad-input cases of the foundation, against a real gateway.
import assert from 'node:assert/strict';
import http from 'node:http';
import jwt from 'jsonwebtoken';
import { deriveKey } from '../../gateway/auth/secrets';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: authentication and bad input', function () {
  this.timeout(60000);
  let t: TestGateway;
  let adminToken: string;
  let viewerToken: string;
  const cam = { name: '测试摄像机', mainUri: 'rtsp://10.1.2.3/stream1', lng: 111.69, lat: 29.03 };

  before(async () => {
    t = await startTestGateway({
      security: { loginMaxPerUser: 3, loginSlowPerUser: 4, loginSlowDelayMs: 600, loginWindowS: 60 },
    });
    await t.addUser('padmin', 'admin', 'police');
    await t.addUser('tviewer', 'viewer', 'traffic');
    adminToken = await t.login('padmin');
    viewerToken = await t.login('tviewer');
  });
  after(async () => t?.close());

  it('logs in and tells who is calling', async () => {
    const r = await t.api('GET', '/api/v1/auth/me', { token: adminToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.name, 'padmin');
    assert.equal(r.body.role, 'admin');
    assert.equal(r.body.departmentId, t.departments.police);
  });

  it('401 without credentials, with a WWW-Authenticate header and a problem document', async () => {
    const r = await t.api('GET', '/api/v1/cameras');
    assert.equal(r.status, 401);
    assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
    assert.equal(r.body.status, 401);
    assert.ok(r.headers.get('www-authenticate'));
  });

  it('401 for a wrong password, and the failure is audited', async () => {
    const r = await t.api('POST', '/api/v1/auth/login', { body: { username: 'tviewer', password: 'nope' } });
    assert.equal(r.status, 401);
    const rows = await t.gw.db.knex('audit_log').where({ action: 'login', outcome: 'failed', actor_name: 'tviewer' });
    assert.equal(rows.length, 1);
  });

  /** POST /auth/login from a given loopback source address; status, Retry-After and milliseconds taken. */
  const loginFrom = (
    from: string,
    username: string,
    password: string,
  ): Promise<{ status: number; retryAfter: number; ms: number }> => {
    const t0 = performance.now();
    const body = JSON.stringify({ username, password });
    return new Promise((resolve, reject) => {
      const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
      const req = http.request(
        `${t.base}/api/v1/auth/login`,
        { method: 'POST', localAddress: from, headers },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              retryAfter: Number(res.headers['retry-after'] ?? 0),
              ms: performance.now() - t0,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };

  it('the attacker: 429 with Retry-After after loginMaxPerUser wrong passwords from one address', async () => {
    await t.addUser('victim', 'viewer', 'urban');
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) codes.push((await loginFrom('127.0.0.9', 'victim', 'bad')).status);
    assert.deepEqual(codes, [401, 401, 401, 429]);
    const again = await loginFrom('127.0.0.9', 'victim', 'pw-victim');
    assert.equal(again.status, 429, 'the guessing address stays refused, even with the right password');
    assert.ok(again.retryAfter > 0);
    const denied = await t.gw.db
      .knex('audit_log')
      .where({ action: 'login', outcome: 'denied', actor_name: 'victim', ip: '127.0.0.9' });
    assert.equal(denied.length, 2);
  });

  it('the real user: logs in from another address at once while the attacker is refused', async () => {
    const r = await loginFrom('127.0.0.1', 'victim', 'pw-victim');
    assert.equal(r.status, 200);
  });

  it('many addresses guessing one account: attempts are delayed (never 429), and the real user still gets in', async () => {
    await t.addUser('target', 'viewer', 'urban');
    const delay = t.gw.config.security.loginSlowDelayMs;
    // loginSlowPerUser (4 here) wrong passwords, one or two per address: no address reaches its own limit
    const attackers = ['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4'];
    for (const a of attackers) assert.equal((await loginFrom(a, 'target', 'guess')).status, 401);
    const next = await loginFrom('127.0.1.1', 'target', 'guess-2');
    assert.equal(next.status, 401, 'slowed, not locked');
    assert.ok(next.ms >= delay, `the attacker waits ${delay} ms per attempt: ${Math.round(next.ms)} ms`);
    const real = await loginFrom('127.0.0.1', 'target', 'pw-target');
    assert.equal(real.status, 200, 'the real user is never locked out');
    assert.ok(real.ms >= delay, `the delay does not tell right from wrong: ${Math.round(real.ms)} ms`);
    const slowed = await t.gw.db
      .knex('audit_log')
      .where({ action: 'login', outcome: 'failed', actor_name: 'target' })
      .whereRaw("detail->>'slowed' = 'true'");
    assert.equal(slowed.length, 1);
  });

  const key = (t: TestGateway) => deriveKey(Buffer.from(t.gw.config.security.secretKey, 'hex'), 'jwt-access');
  const forged: Array<[string, (t: TestGateway, good: string) => string, RegExp]> = [
    [
      'expired',
      (t) =>
        jwt.sign({ sid: '00000000-0000-0000-0000-000000000000', role: 'admin', dept: null }, key(t), {
          algorithm: 'HS256',
          subject: '1',
          issuer: 'cloudeye',
          audience: 'cloudeye-api',
          expiresIn: -60,
        }),
      /expired/,
    ],
    [
      'tampered payload',
      (_t, good) => {
        const [h, p, s] = good.split('.');
        const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
        claims.role = 'admin';
        claims.dept = null;
        return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
      },
      /invalid signature|rejected/,
    ],
    [
      'alg none',
      (_t, good) => {
        const p = good.split('.')[1];
        return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
      },
      /rejected/,
    ],
    [
      'signed with another key',
      () =>
        jwt.sign({ sid: 'x', role: 'admin', dept: null }, 'attacker-secret', {
          algorithm: 'HS256',
          subject: '1',
          issuer: 'cloudeye',
          audience: 'cloudeye-api',
        }),
      /invalid signature|rejected/,
    ],
    [
      'wrong issuer',
      (t) =>
        jwt.sign({ sid: 'x', role: 'admin', dept: null }, key(t), {
          algorithm: 'HS256',
          subject: '1',
          issuer: 'evil',
          audience: 'cloudeye-api',
        }),
      /rejected/,
    ],
    ['garbage', () => 'not.a.jwt', /rejected/],
    // the gateway's own key, a real user, valid claims — but a session id no login ever opened
    [
      'correctly signed JWT of an unknown session',
      (t, good) => {
        const claims = JSON.parse(Buffer.from(good.split('.')[1]!, 'base64url').toString()) as {
          sub: string;
          role: string;
          dept: number | null;
        };
        const opts = {
          algorithm: 'HS256',
          subject: claims.sub,
          issuer: 'cloudeye',
          audience: 'cloudeye-api',
          expiresIn: 300,
        } as const;
        return jwt.sign(
          { sid: '7d0c1f7e-5b7a-4c55-9a0e-2f6d3e4b5a69', role: claims.role, dept: claims.dept },
          key(t),
          opts,
        );
      },
      /session .* is unknown or has ended/,
    ],
    [
      "correctly signed JWT naming another user's session",
      (t, good) => {
        const sid = (JSON.parse(Buffer.from(good.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
        return jwt.sign({ sid, role: 'admin', dept: null }, key(t), {
          algorithm: 'HS256',
          subject: '1',
          issuer: 'cloudeye',
          audience: 'cloudeye-api',
        });
      },
      /session .* is unknown or has ended/,
    ],
  ];
  for (const [name, make, re] of forged) {
    it(`401 for a ${name} JWT`, async () => {
      const r = await t.api('GET', '/api/v1/cameras', { token: make(t, viewerToken) });
      assert.equal(r.status, 401);
      assert.match(r.body.detail, re);
    });
  }

  it('logout revokes the session: the same token is then refused', async () => {
    await t.addUser('leaver', 'viewer', 'police');
    const tok = await t.login('leaver');
    assert.equal((await t.api('GET', '/api/v1/auth/me', { token: tok })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/auth/logout', { token: tok })).status, 204);
    const r = await t.api('GET', '/api/v1/auth/me', { token: tok });
    assert.equal(r.status, 401);
    assert.match(r.body.detail, /logged out/);
  });

  it('refresh rotates: a used refresh token stops working', async () => {
    const login = await t.api('POST', '/api/v1/auth/login', { body: { username: 'padmin', password: 'pw-padmin' } });
    const first = login.body.refreshToken as string;
    const r1 = await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: first } });
    assert.equal(r1.status, 200);
    assert.notEqual(r1.body.refreshToken, first);
    assert.equal((await t.api('GET', '/api/v1/auth/me', { token: r1.body.accessToken })).status, 200);
    assert.equal((await t.api('POST', '/api/v1/auth/refresh', { body: { refreshToken: first } })).status, 401);
  });

  it('API keys: a valid key works, a revoked or unknown key gets 401', async () => {
    const made = await t.api('POST', '/api/v1/api-keys', { token: adminToken, body: { name: 'integrator-1' } });
    assert.equal(made.status, 201);
    const k = made.body.key as string;
    assert.equal((await t.api('GET', '/api/v1/cameras', { apiKey: k })).status, 200);
    const unknown = `${k.slice(0, -4)}AAAA`;
    assert.equal((await t.api('GET', '/api/v1/cameras', { apiKey: unknown })).status, 401);
    assert.equal((await t.api('GET', '/api/v1/cameras', { apiKey: 'ce_bogus' })).status, 401);
    assert.equal((await t.api('DELETE', `/api/v1/api-keys/${made.body.id}`, { token: adminToken })).status, 200);
    const r = await t.api('GET', '/api/v1/cameras', { apiKey: k });
    assert.equal(r.status, 401);
    assert.match(r.body.detail, /revoked/);
  });

  it('403 when a viewer calls an admin route', async () => {
    const r = await t.api('POST', '/api/v1/users', {
      token: viewerToken,
      body: { username: 'x1', password: 'password1', role: 'viewer' },
    });
    assert.equal(r.status, 403);
    assert.equal((await t.api('GET', '/api/v1/audit', { token: viewerToken })).status, 403);
  });

  it('400 for malformed JSON, and nothing is stored', async () => {
    const before = await t.gw.db.knex('cameras').count<{ count: string }[]>('* as count');
    const r = await t.api('POST', '/api/v1/cameras', { token: adminToken, raw: '{"name": "x", ' });
    assert.equal(r.status, 400);
    assert.match(r.body.detail, /malformed JSON/);
    const after = await t.gw.db.knex('cameras').count<{ count: string }[]>('* as count');
    assert.deepEqual(after, before);
  });

  it('413 for an oversized body', async () => {
    const r = await t.api('POST', '/api/v1/cameras', {
      token: adminToken,
      raw: JSON.stringify({ ...cam, address: 'x'.repeat(2_000_000) }),
    });
    assert.equal(r.status, 413);
  });

  it('415 for a wrong content type', async () => {
    const r = await t.api('POST', '/api/v1/cameras', {
      token: adminToken,
      raw: JSON.stringify(cam),
      type: 'text/plain',
    });
    assert.equal(r.status, 415);
  });

  it('400 naming the field for unknown and mistyped fields', async () => {
    const r1 = await t.api('POST', '/api/v1/cameras', { token: adminToken, body: { ...cam, colour: 'red' } });
    assert.equal(r1.status, 400);
    assert.ok(
      r1.body.errors.some((e: { path: string; message: string }) => e.path === 'body' && /colour/.test(e.message)),
    );
    const r2 = await t.api('POST', '/api/v1/cameras', {
      token: adminToken,
      body: { ...cam, lat: 'north', tags: ['ok', 5] },
    });
    assert.equal(r2.status, 400);
    const paths = r2.body.errors.map((e: { path: string }) => e.path);
    assert.ok(paths.includes('body.lat'), JSON.stringify(paths));
    assert.ok(paths.includes('body.tags[1]'), JSON.stringify(paths));
  });

  it('stores SQL metacharacters and Chinese text verbatim', async () => {
    const name = `Robert'); DROP TABLE cameras;-- 南门广场 "东" \\ %_`;
    const r = await t.api('POST', '/api/v1/cameras', {
      token: adminToken,
      body: { ...cam, name, address: '常德市武陵区朗州路1号', tags: ["o'neil", '路口'] },
    });
    assert.equal(r.status, 201);
    const back = await t.api('GET', `/api/v1/cameras/${r.body.id}`, { token: adminToken });
    assert.equal(back.body.name, name);
    assert.equal(back.body.address, '常德市武陵区朗州路1号');
    assert.deepEqual(back.body.tags, ["o'neil", '路口']);
    const search = await t.api('GET', `/api/v1/cameras?q=${encodeURIComponent("'); DROP")}`, { token: adminToken });
    assert.deepEqual(
      search.body.items.map((c: { id: string }) => c.id),
      [r.body.id],
    );
  });

  it('a share pointing at a missing department is refused and nothing is stored', async () => {
    const r = await t.api('POST', '/api/v1/shares', { token: adminToken, body: { toDepartmentId: 9999, kind: 'all' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].path, 'body.toDepartmentId');
    assert.equal((await t.gw.db.knex('shares').count<{ count: string }[]>('* as count'))[0]!.count, '0');
  });

  it('never leaks a stack trace or SQL text', async () => {
    const r = await t.api('GET', '/api/v1/cameras/99999999999999999999', { token: adminToken });
    assert.equal(r.status, 400);
    assert.doesNotMatch(r.text, /at .*\.ts:\d+|SELECT|select \*/);
  });

  it('404 problem for unknown API routes', async () => {
    const r = await t.api('GET', '/api/v1/nope', { token: adminToken });
    assert.equal(r.status, 404);
    assert.equal(r.body.title, 'Not Found');
  });
});
