// Gateways with cluster.enabled: each registers as a node; one started with a live node's name is refused before serving.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway } from '../../gateway/main';
import { NodeNameInUseError } from '../../gateway/cluster/errors';
import { dropSchema, testConfig } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

describe('cluster: gateways as nodes', function () {
  this.timeout(90_000);
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dirs: string[] = [];
  const running: Gateway[] = [];
  const start = async (nodeName: string, cluster: Record<string, unknown> = { enabled: true }): Promise<Gateway> => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-cluster-'));
    dirs.push(dir);
    const config = testConfig({
      server: { nodeName },
      cluster: { heartbeatMs: 200, ttlMs: 1000, fenceMarginMs: 200, ...cluster },
      transcoder: { hlsDir: path.join(dir, 'hls') },
      recording: { volumes: [{ path: dir, quotaBytes: 0 }], reserveBytes: 0 },
    });
    const gw = await startGateway(config, { schema, log: () => undefined });
    running.push(gw);
    return gw;
  };
  after(async () => {
    for (const gw of running.splice(0).reverse()) await gw.close();
    await dropSchema(schema);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('runs alone with no cluster parts unless cluster.enabled', async () => {
    const gw = await start('solo', { enabled: false });
    assert.equal(gw.cluster, null);
    await gw.close();
  });

  it('registers each gateway under its node name with its advertised address', async () => {
    const one = await start('gw-1', { enabled: true, advertisedAddress: 'http://10.0.0.1:8080' });
    await start('gw-2', { enabled: true, advertisedAddress: 'http://10.0.0.2:8080' });
    const live = await one.cluster!.node.liveNodes();
    assert.deepEqual(
      live.map((n) => [n.name, n.address]),
      [
        ['gw-1', 'http://10.0.0.1:8080'],
        ['gw-2', 'http://10.0.0.2:8080'],
      ],
    );
    const key = { cameraId: 'cam-9', profile: 'main' };
    const holder = await one.cluster!.node.acquire(key);
    assert.ok(holder && ['gw-1', 'gw-2'].includes(holder.node));
    const owner = running.find((g) => g.cluster?.node.name === holder.node)!;
    await waitFor(() => owner.cluster!.node.holds(key), { what: `${holder.node} holding cam-9/main` });
  });

  it('refuses to start a gateway with the name of a live node, naming it, and leaves the live one untouched', async () => {
    await assert.rejects(start('gw-1'), (err: unknown) => {
      assert.ok(err instanceof NodeNameInUseError, String(err));
      assert.match(err.message, /node name "gw-1" is in use by a live node at http:\/\/10\.0\.0\.1:8080/);
      return true;
    });
    const one = running.find((g) => g.cluster?.node.name === 'gw-1')!;
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(one.cluster!.node.fenced, false);
    assert.ok((await one.cluster!.node.liveNodes()).some((n) => n.bootId === one.cluster!.node.bootId));
  });

  it('frees the name when a gateway closes: it may start again at once', async () => {
    const two = running.find((g) => g.cluster?.node.name === 'gw-2')!;
    await two.close();
    const again = await start('gw-2');
    assert.notEqual(again.cluster!.node.bootId, two.cluster!.node.bootId);
  });
});
