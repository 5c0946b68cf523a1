// Three gateway nodes on a PostgreSQL of the test's own: restarted under load (nodes recover without restarting, no pull
// twice), and one node cut off from it (its pulls stop before any other node takes them).
import assert from 'node:assert/strict';
import { startClusterRig, type ClusterRig } from '../../bench/cluster-rig';
import type { NodeProcess } from '../../bench/cluster-nodes';
import { PrivatePostgres } from '../helpers/private-postgres';
import { TcpRelay } from '../helpers/tcp-relay';
import { waitFor } from '../helpers/wait-for';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('cluster: PostgreSQL restarted, a node cut off', function () {
  this.timeout(180_000);
  let pg: PrivatePostgres;
  let relay: TcpRelay;
  let rig: ClusterRig;
  let n: NodeProcess[];
  const node = (name: string): NodeProcess => n.find((x) => x.name === name)!;

  /** Samples every node's pulls until `stop()`; every key seen on two nodes at once is kept. */
  const sampler = (): { duplicates: Set<string>; stop: () => Promise<void> } => {
    const duplicates = new Set<string>();
    let on = true;
    const loop = (async () => {
      while (on) {
        for (const [k, nodes] of await rig.nodes.pullMap()) if (nodes.length > 1) duplicates.add(`${k} on ${nodes}`);
        await sleep(50);
      }
    })();
    return {
      duplicates,
      stop: async () => {
        on = false;
        await loop;
      },
    };
  };

  /** Opens every camera's sub stream (each node in turn), asking again after a 503 or a failed request. */
  const openAll = async (): Promise<void> => {
    await Promise.all(
      rig.cameras.map(async (cam, i) => {
        for (let attempt = 0; ; attempt++) {
          const r = await rig.open(n[(i + attempt) % n.length]!, cam.id, 'sub').catch(() => null);
          if (r?.status === 201) return;
          if (attempt === 20) assert.fail(`camera ${cam.id}: ${r?.status} ${r?.text}`);
          await sleep(500);
        }
      }),
    );
  };

  before(async () => {
    pg = await PrivatePostgres.start();
    relay = new TcpRelay(pg.port);
    await relay.open();
    rig = await startClusterRig({
      dbUrl: pg.url,
      names: ['r1', 'r2', 'r3'],
      urls: { r3: `postgres://postgres@127.0.0.1:${relay.port}/postgres` },
      cameras: 30,
      recorded: 0,
      config: { transcoder: { idleTimeoutS: 120 } },
    });
    n = rig.nodes.nodes;
    await openAll();
  });
  after(async () => {
    await rig?.close();
    await relay?.close();
    pg?.stop();
  });

  it('recovers from a PostgreSQL restart under load without restarting a node, no pull running twice', async () => {
    const boots = await rig.liveNodes();
    assert.equal(boots.size, 3);
    const watch = sampler();
    // load: stream calls and spatial queries on every node, throughout
    let load = true;
    let calls = 0;
    let failed = 0;
    const loader = (async () => {
      for (let i = 0; load; i++) {
        const r = await rig
          .api(n[i % 3]!, 'GET', '/api/v1/gis/nearby?lng=116.3&lat=39.9&radius=2000')
          .catch(() => null);
        const s = await rig.open(n[(i + 1) % 3]!, rig.cameras[i % 30]!.id, 'sub').catch(() => null);
        calls += 2;
        failed += Number(r?.status !== 200) + Number(s?.status !== 201);
      }
    })();
    await sleep(1000);
    pg.restart();
    // the same boots (no node restarted) live again, every stream callable again and each pull on one node only
    await waitFor(
      async () => {
        const now = await rig.liveNodes().catch(() => new Map<string, string>());
        return [...boots].every(([name, boot]) => now.get(name) === boot);
      },
      { what: 'the three nodes beating again with their boot ids', timeoutMs: 30_000, intervalMs: 200 },
    );
    await openAll();
    load = false;
    await loader;
    await watch.stop();
    assert.ok(
      n.every((x) => x.alive && x.proc.exitCode === null),
      'every node process still runs',
    );
    const pulls = await rig.nodes.pullMap();
    for (const cam of rig.cameras) assert.equal(pulls.get(`${cam.id}.sub`)?.length, 1, `${cam.id}.sub`);
    assert.deepEqual([...watch.duplicates], []);
    assert.ok(calls > 0 && failed < calls, `${failed} of ${calls} calls failed during the restart`);
  });

  it('stops the pulls of a node cut off from the database before any other node takes them over', async () => {
    const cut = node('r3');
    const held = await waitFor(
      async () => {
        const p = await cut.live();
        return p.length >= 3 ? p : null;
      },
      { what: 'r3 holding pulls', timeoutMs: 20_000, intervalMs: 200 },
    );
    const watch = sampler();
    const t0 = performance.now();
    await relay.cut();
    let stoppedAt = 0;
    let takenAt = 0;
    while (!stoppedAt || !takenAt) {
      if (performance.now() - t0 > 20_000) assert.fail(`r3 stopped at ${stoppedAt}, taken at ${takenAt}`);
      const [mine, others] = await Promise.all([
        cut.pulls(),
        Promise.all(n.filter((x) => x !== cut).map((x) => x.pulls())),
      ]);
      const now = performance.now() - t0;
      if (!stoppedAt && !held.some((k) => mine.includes(k))) stoppedAt = now;
      if (!takenAt && held.some((k) => others.flat().includes(k))) takenAt = now;
      await sleep(25);
    }
    await watch.stop();
    assert.deepEqual([...watch.duplicates], []);
    assert.ok(
      stoppedAt < takenAt,
      `r3 stopped its pulls after ${Math.round(stoppedAt)} ms, taken after ${Math.round(takenAt)} ms`,
    );
    // back on the database: r3 beats again with its boot and serves again
    await relay.open();
    await waitFor(async () => (await rig.liveNodes()).has('r3'), { what: 'r3 live again', timeoutMs: 20_000 });
  });
});
