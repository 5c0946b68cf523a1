// `cloudeye serve --node NAME --advertise URL`: the flags become server.nodeName and the cluster settings, validated.
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../config/load';
import { serveOverrides } from '../../gateway/cli/serve';

const load = (argv: string[]) => loadConfig({ env: {}, ...serveOverrides(argv) });

describe('cluster: serve flags', () => {
  it('leaves the cluster off without --advertise', () => {
    const c = load(['--node', 'gw-1']);
    assert.equal(c.server.nodeName, 'gw-1');
    assert.equal(c.cluster.enabled, false);
  });

  it('joins the cluster with --advertise, keeping the port', () => {
    const c = load(['--port', '8081', '--node', 'gw-2', '--advertise', 'http://10.0.0.2:8081']);
    assert.deepEqual(
      [c.server.port, c.server.nodeName, c.cluster.enabled, c.cluster.advertisedAddress],
      [8081, 'gw-2', true, 'http://10.0.0.2:8081'],
    );
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['a node name with a space', ['--node', 'gw 1'], /server\.nodeName/],
    ['a node name of 64 characters', ['--node', 'n'.repeat(64)], /server\.nodeName/],
    ['an address that is not http(s)', ['--advertise', 'ftp://10.0.0.2'], /cluster\.advertisedAddress/],
    ['an address with a path', ['--advertise', 'http://10.0.0.2/x'], /cluster\.advertisedAddress/],
  ];
  for (const [name, argv, re] of bad)
    it(`refuses ${name}, naming the key`, () =>
      assert.throws(
        () => load(argv),
        (e: Error) => e instanceof ConfigError && re.test(e.message),
      ));

  it('refuses a TTL that does not leave two heartbeats before the fence margin', () =>
    assert.throws(
      () => loadConfig({ env: {}, overrides: { cluster: { heartbeatMs: 1000, ttlMs: 2000, fenceMarginMs: 500 } } }),
      (e: Error) => e instanceof ConfigError && /cluster\.ttlMs.*2500/.test(e.message),
    ));
});
