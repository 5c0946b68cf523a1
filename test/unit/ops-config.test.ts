// The operations keys of the config: defaults, env overrides kept as text, and bad values naming the key.
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../config/load';

describe('config: metrics, probes and logs', () => {
  it('ships metrics on, behind a bearer token that is not set (every scrape refused), and auto log lines', () => {
    const c = loadConfig({ env: {} });
    assert.deepEqual(c.metrics, { enabled: true, auth: 'bearer', token: '', username: '', password: '' });
    assert.deepEqual(c.log, { level: 'info', format: 'auto', requests: false });
    assert.deepEqual(c.probes, { databaseTimeoutMs: 2000, maxLoopLagMs: 5000, livenessWindowS: 30, drainS: 0 });
    assert.equal(c.server.nodeName, '');
  });

  it('keeps a token or password of digits as text from the environment', () => {
    const c = loadConfig({
      env: {
        CLOUDEYE_METRICS__TOKEN: '0012345678901234567',
        CLOUDEYE_METRICS__AUTH: 'basic',
        CLOUDEYE_METRICS__USERNAME: '007',
        CLOUDEYE_METRICS__PASSWORD: '0123',
        CLOUDEYE_LOG__FORMAT: 'json',
        CLOUDEYE_SERVER__NODE_NAME: 'gw-2',
      },
    });
    assert.equal(c.metrics.token, '0012345678901234567');
    assert.equal(c.metrics.username, '007');
    assert.equal(c.metrics.password, '0123');
    assert.equal(c.log.format, 'json');
    assert.equal(c.server.nodeName, 'gw-2');
  });

  const bad: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['a short token', { CLOUDEYE_METRICS__TOKEN: 'short' }, /metrics\.token = "short": must be empty or at least 16/],
    ['a user with a colon', { CLOUDEYE_METRICS__USERNAME: 'a:b' }, /metrics\.username = "a:b": must have no ":"/],
    ['an unknown scheme', { CLOUDEYE_METRICS__AUTH: 'digest' }, /metrics\.auth = "digest"/],
    ['an unknown log format', { CLOUDEYE_LOG__FORMAT: 'xml' }, /log\.format = "xml"/],
    ['a node name with a space', { CLOUDEYE_SERVER__NODE_NAME: 'gw 1' }, /server\.nodeName = "gw 1"/],
    ['a drain past the launcher’s patience', { CLOUDEYE_PROBES__DRAIN_S: '30' }, /probes\.drainS = 30/],
    ['a zero database timeout', { CLOUDEYE_PROBES__DATABASE_TIMEOUT_MS: '0' }, /probes\.databaseTimeoutMs = 0/],
  ];
  for (const [name, env, re] of bad)
    it(`bad input: rejects ${name} naming the key and value`, () =>
      assert.throws(
        () => loadConfig({ env }),
        (e: unknown) => e instanceof ConfigError && re.test(e.message),
      ));
});
