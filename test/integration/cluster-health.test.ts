// Health checks split between gateway nodes (rendezvous hashing), each state seen by every node, re-split on a leave.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway } from '../../gateway/main';
import { hashPassword } from '../../gateway/auth/passwords';
import { rendezvousOwner } from '../../gateway/cluster/rendezvous';
import { dropSchema, testConfig } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

describe('cluster: health checks partitioned between nodes', function () {
  this.timeout(90_000);
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dirs: string[] = [];
  let one: Gateway;
  let two: Gateway;
  const ids: string[] = [];
  const start = async (nodeName: string): Promise<Gateway> => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ce-cluster-'));
    dirs.push(dir);
    const config = testConfig({
      server: { nodeName },
      cluster: { enabled: true, heartbeatMs: 200, ttlMs: 1000, fenceMarginMs: 200 },
      // checks run on demand below (checkAll), not on their own during the test
      health: { enabled: true, intervalS: 3600, timeoutMs: 1000 },
      transcoder: { hlsDir: path.join(dir, 'hls') },
      recording: { volumes: [{ path: dir, quotaBytes: 0 }], reserveBytes: 0 },
    });
    return startGateway(config, { schema, log: () => undefined });
  };
  before(async () => {
    one = await start('hc-1');
    two = await start('hc-2');
    const police = (await one.repos.org.departments()).find((d) => d.code === 'police')!.id;
    await one.repos.accounts.createUser({
      username: 'hc-admin',
      displayName: 'hc-admin',
      passwordHash: await hashPassword('pw-hc-admin'),
      role: 'admin',
      departmentId: police,
      areaGridId: null,
      locale: 'zh-CN',
    });
    const base = `http://127.0.0.1:${one.port}`;
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'hc-admin', password: 'pw-hc-admin' }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    for (let i = 0; i < 16; i++) {
      // port 1 on loopback refuses at once: every check ends offline
      const r = await fetch(`${base}/api/v1/cameras`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          name: `hc-${i}`,
          departmentId: police,
          mainUri: `rtsp://127.0.0.1:1/hc-${i}`,
          lng: 111.9,
          lat: 29,
        }),
      });
      const text = await r.text();
      assert.equal(r.status, 201, text);
      ids.push((JSON.parse(text) as { id: string }).id);
    }
  });
  after(async () => {
    await two?.close();
    await one?.close();
    await dropSchema(schema);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('checks each camera on exactly one node, the rendezvous owner', async () => {
    const names = ['hc-1', 'hc-2'];
    await waitFor(
      () =>
        [one, two].every((g) => g.cluster!.node.members().join() === names.join()) &&
        [one, two].every((g) => g.services.health.checked().length < ids.length) &&
        [one, two].reduce((n, g) => n + g.services.health.checked().filter((id) => ids.includes(id)).length, 0) ===
          ids.length,
      { what: 'the cameras split between hc-1 and hc-2' },
    );
    for (const [g, name] of [
      [one, 'hc-1'],
      [two, 'hc-2'],
    ] as const)
      assert.deepEqual(
        g.services.health.checked().sort(),
        ids.filter((id) => rendezvousOwner(id, names) === name).sort(),
      );
    assert.ok(one.services.health.checked().length > 0 && two.services.health.checked().length > 0);
  });

  it('shows every camera’s state on both nodes, whichever node checked it', async () => {
    const before = ids.map((id) => two.services.directory.lookup(id)?.status);
    assert.ok(
      before.every((st) => st !== 'offline'),
      `not checked yet: ${before.join()}`,
    );
    await Promise.all([one, two].map((g) => g.services.health.checkAll()));
    await Promise.all([one, two].map((g) => g.services.health.settled()));
    for (const g of [one, two])
      await waitFor(() => ids.every((id) => g.services.directory.lookup(id)?.status === 'offline'), {
        what: `every camera offline in ${g.cluster!.node.name}'s index`,
        timeoutMs: 5000,
      });
  });

  it('never checks a camera on both nodes', () => {
    for (const id of ids) {
      const checkedBy = [one, two].filter((g) => g.services.health.state(id) !== undefined);
      assert.equal(checkedBy.length, 1, `camera ${id} checked by ${checkedBy.length} nodes`);
    }
  });

  it('hands a leaving node’s cameras to the node that stays', async () => {
    await two.close();
    await waitFor(() => one.services.health.checked().length === ids.length, {
      what: 'hc-1 checking every camera',
      timeoutMs: 5000,
    });
  });
});
