// The shipped config loads; env overrides apply; bad values name the key.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ConfigError, envOverrides, loadConfig } from '../../config/load';

describe('config', () => {
  it('loads the shipped default.yaml', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.server.port, 8080);
    assert.equal(c.database.url, '');
    assert.deepEqual(c.map.center, [111.69, 29.03]);
  });

  it('applies CLOUDEYE_* env overrides with types, and DATABASE_URL', () => {
    const c = loadConfig({
      env: {
        CLOUDEYE_SERVER__PORT: '9090',
        CLOUDEYE_TRANSCODER__MAX_WORKERS: '7',
        DATABASE_URL: 'postgres://x/y',
        CLOUDEYE_SECURITY__JWT_ISSUER: '0123',
      },
    });
    assert.equal(c.server.port, 9090);
    assert.equal(c.transcoder.maxWorkers, 7);
    assert.equal(c.database.url, 'postgres://x/y');
    assert.equal(c.security.jwtIssuer, '0123');
  });

  it('maps nested env names to camelCase keys', () => {
    assert.deepEqual(envOverrides({ CLOUDEYE_DATABASE__EMBEDDED__DATA_DIR: '/tmp/x' }), {
      database: { embedded: { dataDir: '/tmp/x' } },
    });
  });

  const bad: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['port out of range', { CLOUDEYE_SERVER__PORT: '70000' }, /server\.port = 70000/],
    ['port not a number', { CLOUDEYE_SERVER__PORT: 'eighty' }, /server\.port = "eighty"/],
    ['unknown key', { CLOUDEYE_SERVER__PROT: '1' }, /unknown key server\.prot/],
    ['bad enum', { CLOUDEYE_TRANSCODER__AUDIO: 'mp3' }, /transcoder\.audio = "mp3"/],
    ['bad secret', { CLOUDEYE_SECURITY__SECRET_KEY: 'abc' }, /security\.secretKey = "abc": must be empty or 64 hex/],
    ['a one-connection pool', { CLOUDEYE_DATABASE__POOL_MAX: '1' }, /database\.poolMax = 1: must be at least 2/],
    [
      "an event clip longer than a playback session's window",
      { CLOUDEYE_EVENTS__VIDEO__POST_S: '595' },
      /events\.video\.postS = 595: preS \+ postS \(605 s\) must fit recording\.playback\.windowS \(600 s\)/,
    ],
  ];
  for (const [name, env, re] of bad) {
    it(`rejects ${name} naming the key and value`, () => {
      assert.throws(
        () => loadConfig({ env }),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      );
    });
  }

  it('rejects an unreadable or invalid override file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-cfg-'));
    const f = path.join(dir, 'bad.yaml');
    writeFileSync(f, 'server: [unclosed');
    assert.throws(() => loadConfig({ env: {}, file: f }), /not valid YAML/);
    assert.throws(() => loadConfig({ env: {}, file: path.join(dir, 'missing.yaml') }), /cannot read .*ENOENT/);
  });

  it('cloudeye exits non-zero with one line and no stack trace on bad config', function () {
    this.timeout(30000);
    const r = spawnSync('node', ['gateway/cli/bin.mjs', 'serve'], {
      env: { ...process.env, CLOUDEYE_SERVER__PORT: '-1' },
      encoding: 'utf8',
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /config: server\.port = -1/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});
