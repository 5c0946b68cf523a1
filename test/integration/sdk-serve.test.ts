// The web SDK as the gateway serves it: bundles at /sdk/ (CORS for the allowed origins only), the lazily loaded HLS
// fallback apart, the iframe pages framed only by the token's origins, and the package as `npm pack` makes it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { buildSdk } from '../../scripts/build-sdk.mjs';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const HOST = 'http://host.example:5000';
const run = promisify(execFile);

describe('web SDK: served bundles, iframe pages and the package', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let dist: string;
  let key: string;

  before(async () => {
    dist = await buildSdk();
    t = await startTestGateway();
    await t.addUser('padmin', 'admin', 'police');
    const admin = await t.login('padmin');
    const k = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: { name: 'portal', embedActions: ['live'], origins: [HOST] },
    });
    assert.equal(k.status, 201, k.text);
    key = k.body.key;
  });
  after(async () => t?.close());

  const token = async (): Promise<{ token: string; id: number }> =>
    (await t.api('POST', '/api/v1/embed/tokens', { apiKey: key, body: { label: 'visitor' } })).body;

  it('serves the ES module and the classic script with CORS for allowed origins only', async () => {
    const esm = await fetch(`${t.base}/sdk/cloudeye.mjs`, { headers: { origin: HOST } });
    assert.equal(esm.status, 200);
    assert.match(esm.headers.get('content-type') ?? '', /javascript/);
    assert.equal(esm.headers.get('access-control-allow-origin'), HOST);
    const text = await esm.text();
    assert.match(text, /customElements/);
    const other = await fetch(`${t.base}/sdk/cloudeye.mjs`, { headers: { origin: 'https://evil.example' } });
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    const iife = await (await fetch(`${t.base}/sdk/cloudeye.js`)).text();
    assert.match(iife, /^"use strict";var CloudEye=\(\(\)=>\{/);
  });

  it('keeps hls.js out of the map and player bundle, under 150 KB gzipped, and Leaflet off window.L', () => {
    const main = readFileSync(path.join(dist, 'cloudeye.mjs'));
    const hls = readFileSync(path.join(dist, 'cloudeye-hls.mjs'), 'utf8');
    const kb = gzipSync(main, { level: 9 }).length / 1024;
    assert.ok(kb <= 150, `${kb.toFixed(1)} KB gzipped`);
    assert.doesNotMatch(main.toString(), /lowLatencyMode/);
    assert.match(hls, /lowLatencyMode/);
    assert.match(main.toString(), /noConflict\(\)/);
  });

  it("serves the iframe pages framed by exactly the token's origins, also when the token is revoked", async () => {
    const { token: tok, id } = await token();
    const map = await fetch(`${t.base}/embed/map?token=${tok}`);
    assert.equal(map.status, 200);
    assert.equal(map.headers.get('content-security-policy'), `frame-ancestors 'self' ${HOST}`);
    assert.equal(map.headers.get('x-frame-options'), null);
    assert.match(await map.text(), new RegExp(`name="cloudeye-origins" content="${HOST}"`));
    const player = await fetch(`${t.base}/embed/player/12?token=${tok}`);
    assert.equal(player.headers.get('content-security-policy'), `frame-ancestors 'self' ${HOST}`);
    await t.api('DELETE', `/api/v1/embed/tokens/${id}`, { apiKey: key });
    const revoked = await fetch(`${t.base}/embed/map?token=${tok}`);
    assert.equal(revoked.headers.get('content-security-policy'), `frame-ancestors 'self' ${HOST}`);
    const forged = await fetch(`${t.base}/embed/map?token=${tok.slice(0, -4)}AAAA`);
    assert.equal(forged.headers.get('content-security-policy'), "frame-ancestors 'self'");
    const none = await fetch(`${t.base}/embed/map`);
    assert.equal(none.headers.get('content-security-policy'), "frame-ancestors 'self'");
    assert.equal((await fetch(`${t.base}/embed/player/..%2Fapi?token=${tok}`)).status, 404);
  });

  it('packs as its own package with the bundles and the types', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: path.join(dist, '..') });
    const [pack] = JSON.parse(stdout) as Array<{ name: string; files: Array<{ path: string }> }>;
    assert.equal(pack!.name, '@cloudeye/web-sdk');
    const files = pack!.files.map((f) => f.path).sort();
    for (const f of ['cloudeye.d.ts', 'dist/cloudeye.js', 'dist/cloudeye.mjs', 'dist/cloudeye-hls.mjs', 'package.json'])
      assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  });
});
