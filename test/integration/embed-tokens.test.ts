// Embed tokens over HTTP: keys stored hashed with their scope, the exchange (never from a browser), narrowing, forged,
// expired and revoked tokens, origins, CORS and frame-ancestors, the OpenAPI document.
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const HOST = 'http://host.example:5000';
const OTHER = 'http://other.example:5000';

describe('embed tokens: exchange, refusal and revocation', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let admin: string;
  let key: string;
  let keyId: number;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('padmin', 'admin', 'police');
    admin = await t.login('padmin');
    const r = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: {
        name: 'grid-platform',
        cameraScope: { tags: ['road', 'school'] },
        embedActions: ['live', 'playback'],
        origins: [HOST, OTHER],
      },
    });
    assert.equal(r.status, 201, r.text);
    key = r.body.key;
    keyId = r.body.id;
  });
  after(async () => t?.close());

  const issue = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.api('POST', '/api/v1/embed/tokens', { apiKey: key, body, headers });
  const session = (token: string, origin?: string) =>
    t.api('GET', '/api/v1/embed/session', { token, headers: origin ? { origin } : {} });

  it('stores the key hashed, with its camera scope, embed actions and origins', async () => {
    const [row] = await t.gw.db.knex('api_keys').where({ id: keyId });
    assert.notEqual(row.key_hash, key);
    assert.ok(!JSON.stringify(row).includes(key.split('_')[2]!), 'no part of the secret is stored');
    assert.deepEqual(row.camera_scope, { tags: ['road', 'school'] });
    const list = await t.api('GET', '/api/v1/api-keys', { token: admin });
    const k = list.body.find((x: { id: number }) => x.id === keyId);
    assert.deepEqual(k.embedActions, ['live', 'playback']);
    assert.deepEqual(k.origins, [HOST, OTHER]);
    assert.equal(k.key, undefined);
  });

  it('refuses bad key input with the field named', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['origin with a path', { name: 'x', origins: ['https://a.example/app'] }, /body\.origins\[0\]/],
      ['unknown action', { name: 'x', embedActions: ['export'] }, /body\.embedActions\[0\]/],
      ['unknown scope field', { name: 'x', cameraScope: { everything: true } }, /body\.cameraScope/],
    ];
    for (const [name, body, path] of cases) {
      const r = await t.api('POST', '/api/v1/api-keys', { token: admin, body });
      assert.equal(r.status, 400, name);
      assert.match(JSON.stringify(r.body.errors), path, name);
    }
  });

  it('exchanges the key for a token, and refuses the exchange from a browser (any Origin header)', async () => {
    const ok = await issue({ label: '网格员 王五', ttlS: 600 });
    assert.equal(ok.status, 201, ok.text);
    assert.match(ok.body.token, /^cee_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(ok.body.actions, ['live']);
    assert.deepEqual(ok.body.origins, [HOST, OTHER]);
    const [row] = await t.gw.db.knex('embed_tokens').where({ id: ok.body.id });
    assert.notEqual(row.token_hash, ok.body.token);
    const fromBrowser = await issue({ label: 'x' }, { origin: HOST });
    assert.equal(fromBrowser.status, 403);
    assert.match(fromBrowser.body.detail, /never sent from a browser/);
    // a user, even an admin, does not issue tokens; nor does an embed token
    const asUser = await t.api('POST', '/api/v1/embed/tokens', { token: admin, body: { label: 'x' } });
    assert.equal(asUser.status, 403);
    const asEmbed = await t.api('POST', '/api/v1/embed/tokens', { token: ok.body.token, body: { label: 'x' } });
    assert.equal(asEmbed.status, 403);
  });

  it('refuses a token wider than its key, or malformed, naming why', async () => {
    const cases: Array<[string, Record<string, unknown>, number, RegExp]> = [
      ['ptz not allowed', { label: 'a', actions: ['live', 'ptz'] }, 403, /action .*ptz/],
      ['foreign origin', { label: 'a', origins: ['https://evil.example'] }, 403, /evil\.example/],
      ['no label', { ttlS: 60 }, 400, /body\.label/],
      ['blank label', { label: '   ' }, 400, /body\.label/],
      ['ttl too long', { label: 'a', ttlS: 999_999 }, 400, /body\.ttlS/],
      ['ttl too short', { label: 'a', ttlS: 1 }, 400, /body\.ttlS/],
      ['no actions', { label: 'a', actions: [] }, 400, /body\.actions/],
    ];
    for (const [name, body, status, why] of cases) {
      const r = await issue(body);
      assert.equal(r.status, status, `${name}: ${r.text}`);
      assert.match(JSON.stringify(r.body), why, name);
    }
    const noOrigins = await t.api('POST', '/api/v1/api-keys', { token: admin, body: { name: 'server-only' } });
    const r = await t.api('POST', '/api/v1/embed/tokens', { apiKey: noOrigins.body.key, body: { label: 'a' } });
    assert.equal(r.status, 403);
    assert.match(r.body.detail, /allows no origins/);
  });

  it('answers a token from its origins with CORS and frame-ancestors for exactly those origins', async () => {
    const { body } = await issue({ label: 'officer', origins: [HOST] });
    const ok = await session(body.token, HOST);
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.label, 'officer');
    assert.equal(ok.headers.get('access-control-allow-origin'), HOST);
    assert.equal(ok.headers.get('content-security-policy'), `frame-ancestors 'self' ${HOST}`);
    // no Origin (a server) and the gateway's own origin are let through
    assert.equal((await session(body.token)).status, 200);
    assert.equal((await session(body.token, t.base)).status, 200);
    // another origin, even one the key allows, is refused for this token
    const other = await session(body.token, OTHER);
    assert.equal(other.status, 403);
    assert.equal(other.body.reason, 'origin');
    // an origin no key allows gets no CORS header at all: the browser keeps the answer from the page
    const evil = await session(body.token, 'https://evil.example');
    assert.equal(evil.status, 403);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });

  it('answers the preflight of allowed origins only', async () => {
    const pre = (origin: string) =>
      fetch(`${t.base}/api/v1/cameras`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
    const ok = await pre(HOST);
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), HOST);
    assert.match(ok.headers.get('access-control-allow-headers') ?? '', /Authorization/);
    const evil = await pre('https://evil.example');
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });

  it('refuses forged, malformed and unknown tokens with 401 and the reason', async () => {
    const { body } = await issue({ label: 'x' });
    const [, prefix] = body.token.split('_');
    const forged = `cee_${prefix}_${'A'.repeat(43)}`;
    const cases: Array<[string, string, string]> = [
      ['forged secret', forged, 'unknown'],
      ['unknown prefix', `cee_${'Z'.repeat(12)}_${'A'.repeat(43)}`, 'unknown'],
      ['truncated', body.token.slice(0, -1), 'malformed'],
      ['bad characters', `cee_${prefix}_${'!'.repeat(43)}`, 'malformed'],
    ];
    for (const [name, token, reason] of cases) {
      const r = await session(token, HOST);
      assert.equal(r.status, 401, name);
      assert.equal(r.body.reason, reason, name);
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/, name);
    }
  });

  it('refuses an expired token, saying so', async () => {
    const { body } = await issue({ label: 'x', ttlS: 30 });
    assert.equal((await session(body.token, HOST)).status, 200);
    await t.gw.db
      .knex('embed_tokens')
      .where({ id: body.id })
      .update({ expires_at: new Date(Date.now() - 1000) });
    // the cached principal lives 2 s at most
    await new Promise((r) => setTimeout(r, 2100));
    const r = await session(body.token, HOST);
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'expired');
    assert.equal(r.headers.get('access-control-allow-origin'), HOST, 'the widget can read why');
  });

  it("changes a key's embed settings (PATCH): its tokens are narrowed at once; bad input named", async () => {
    const made = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: { name: 'traffic-portal', embedActions: ['live', 'ptz'], origins: [HOST, OTHER] },
    });
    assert.equal(made.status, 201, made.text);
    const k2 = made.body as { id: number; key: string };
    const tok = await t.api('POST', '/api/v1/embed/tokens', {
      apiKey: k2.key,
      body: { label: 'p', actions: ['live', 'ptz'], origins: [HOST, OTHER] },
    });
    assert.equal(tok.status, 201, tok.text);
    assert.deepEqual((await session(tok.body.token, OTHER)).body.actions, ['live', 'ptz']);
    const patch = (body: unknown, id = k2.id) => t.api('PATCH', `/api/v1/api-keys/${id}`, { token: admin, body });
    const bad: Array<[string, unknown, number, RegExp]> = [
      ['nothing to change', {}, 400, /cameraScope, embedActions or origins/],
      ['origin with a path', { origins: ['https://a.example/app'] }, 400, /body\.origins\[0\]/],
      ['unknown action', { embedActions: ['export'] }, 400, /body\.embedActions\[0\]/],
      ['unknown field', { name: 'renamed' }, 400, /name/],
    ];
    for (const [name, body, status, why] of bad) {
      const r = await patch(body);
      assert.equal(r.status, status, `${name}: ${r.text}`);
      assert.match(r.text, why, name);
    }
    assert.equal((await patch({ origins: [HOST] }, 999_999)).status, 404);
    // another department's admin does not see the key
    await t.addUser('tadmin2', 'admin', 'traffic');
    const foreign = await t.api('PATCH', `/api/v1/api-keys/${k2.id}`, {
      token: await t.login('tadmin2'),
      body: { origins: [] },
    });
    assert.equal(foreign.status, 404);
    const ok = await patch({ origins: [HOST], embedActions: ['live'], cameraScope: { tags: ['road'] } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(
      [ok.body.origins, ok.body.embedActions, ok.body.cameraScope],
      [[HOST], ['live'], { tags: ['road'] }],
    );
    // the token issued before: the removed origin is refused, the removed action gone, at once
    const gone = await session(tok.body.token, OTHER);
    assert.equal(gone.status, 403);
    assert.equal(gone.body.reason, 'origin');
    // the first key still allows OTHER: its pages may read why
    assert.equal(gone.headers.get('access-control-allow-origin'), OTHER);
    const still = await session(tok.body.token, HOST);
    assert.equal(still.status, 200, still.text);
    assert.deepEqual(still.body.actions, ['live']);
    const audit = await t.gw.db.knex('audit_log').where({ action: 'apikey.update', target_id: String(k2.id) });
    assert.equal(audit.length, 1);
    assert.equal((await t.api('DELETE', `/api/v1/api-keys/${k2.id}`, { token: admin })).status, 200);
    assert.equal((await patch({ origins: [HOST] })).status, 400, 'a revoked key is not changed');
  });

  it("revokes a token by id (the key or an admin), all of a key's tokens, and every token with its key", async () => {
    const a = (await issue({ label: 'a' })).body;
    const b = (await issue({ label: 'b' })).body;
    const c = (await issue({ label: 'c' })).body;
    const listed = await t.api('GET', `/api/v1/api-keys/${keyId}/embed-tokens`, { apiKey: key });
    assert.ok(listed.body.some((x: { id: number }) => x.id === a.id));
    assert.equal(listed.body[0].token, undefined, 'a token is shown once only');
    const byKey = await t.api('DELETE', `/api/v1/embed/tokens/${a.id}`, { apiKey: key });
    assert.equal(byKey.status, 200, byKey.text);
    assert.ok(byKey.body.revokedAt);
    const r = await session(a.token, HOST);
    assert.equal(r.status, 401);
    assert.equal(r.body.reason, 'revoked');
    assert.equal((await session(b.token, HOST)).status, 200);
    // another department's admin does not even see the token
    await t.addUser('tadmin', 'admin', 'traffic');
    const foreign = await t.api('DELETE', `/api/v1/embed/tokens/${b.id}`, { token: await t.login('tadmin') });
    assert.equal(foreign.status, 404);
    const byAdmin = await t.api('DELETE', `/api/v1/embed/tokens/${b.id}`, { token: admin });
    assert.equal(byAdmin.status, 200, byAdmin.text);
    assert.equal((await session(b.token, HOST)).body.reason, 'revoked');
    const all = await t.api('DELETE', `/api/v1/api-keys/${keyId}/embed-tokens`, { apiKey: key });
    assert.equal(all.status, 200, all.text);
    assert.ok(all.body.revoked >= 1);
    assert.equal((await session(c.token, HOST)).body.reason, 'revoked');
    // a token issued now dies with its key
    const d = (await issue({ label: 'd' })).body;
    assert.equal((await session(d.token, HOST)).status, 200);
    assert.equal((await t.api('DELETE', `/api/v1/api-keys/${keyId}`, { token: admin })).status, 200);
    const gone = await session(d.token, HOST);
    assert.equal(gone.status, 401);
    assert.equal(gone.body.reason, 'revoked');
    const audit = await t.gw.db
      .knex('audit_log')
      .whereIn('action', ['embed.issue', 'embed.revoke', 'embed.revoke-key']);
    assert.ok(audit.some((e: { action: string }) => e.action === 'embed.revoke-key'));
    assert.ok(audit.some((e: { detail: { label?: string } }) => e.detail.label === 'a'));
  });

  it('documents the embed routes and the key fields in the OpenAPI document', async () => {
    const doc = (await t.api('GET', '/api/v1/openapi.json')).body;
    assert.ok(doc.paths['/api/v1/embed/tokens'].post);
    assert.ok(doc.paths['/api/v1/embed/tokens/{id}'].delete);
    assert.ok(doc.paths['/api/v1/api-keys/{id}/embed-tokens'].delete);
    assert.ok(doc.paths['/api/v1/embed/session'].get);
    const create = doc.paths['/api/v1/api-keys'].post.requestBody.content['application/json'].schema;
    assert.ok(create.properties.cameraScope && create.properties.origins && create.properties.embedActions);
  });
});
