// Camera and share changes from one node reach the others through NOTIFY, within a second, and a lost LISTEN resyncs.
import assert from 'node:assert/strict';
import type { ClusterChange } from '../../gateway/cluster/change-feed';
import { clusterChannels } from '../../gateway/wiring/cluster';
import { ClusterFixture, type TestNode } from '../helpers/cluster-nodes';
import { TcpRelay } from '../helpers/tcp-relay';
import { TEST_DATABASE_URL } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

describe('cluster: change propagation', function () {
  this.timeout(60_000);
  const f = new ClusterFixture();
  let relay: TcpRelay;
  let a: TestNode;
  let b: TestNode;
  const atB: Array<ClusterChange & { t: number }> = [];
  const atA: ClusterChange[] = [];
  const resyncs: number[] = [];

  before(async () => {
    await f.setUp();
    const target = new URL(TEST_DATABASE_URL);
    relay = new TcpRelay(Number(target.port || 5432), target.hostname);
    await relay.open();
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(relay.port);
    a = await f.node('node-a');
    b = await f.node('node-b', { url: url.toString() });
    b.changes.onChange((c) => atB.push({ ...c, t: performance.now() }));
    b.changes.onResync(() => resyncs.push(performance.now()));
    a.changes.onChange((c) => atA.push(c));
  });
  after(async () => {
    await relay?.open().catch(() => undefined);
    await f.tearDown();
    await relay?.close();
  });

  it('delivers 300 changes from one node to another, p99 under 1 s, and none back to the sender', async () => {
    const sent = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const id = String(1000 + i);
      sent.set(id, performance.now());
      await a.changes.publish(i % 5 === 0 ? 'share' : 'camera', id);
      if (i % 20 === 0) await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(() => atB.length >= 300, { what: '300 changes at node-b' });
    assert.equal(atB.length, 300);
    const lat = atB.map((c) => c.t - sent.get(c.id)!).sort((x, y) => x - y);
    const p99 = lat[Math.ceil(lat.length * 0.99) - 1]!;
    console.log(`      change propagation p50 ${lat[150]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`);
    assert.ok(p99 < 1000, `p99 ${p99} ms`);
    assert.deepEqual(atB.slice(0, 2), [
      { kind: 'share', id: '1000', origin: 'node-a', t: atB[0]!.t },
      { kind: 'camera', id: '1001', origin: 'node-a', t: atB[1]!.t },
    ]);
    assert.equal(atA.length, 0);
    await b.changes.publish('camera', 'from-b');
    await waitFor(() => atA.some((c) => c.id === 'from-b' && c.origin === 'node-b'), {
      what: 'node-b’s change at node-a',
    });
  });

  it('drops hostile payloads on the channel with a log line, and keeps delivering', async () => {
    const channel = clusterChannels(f.schema).changes;
    const before = atB.length;
    for (const junk of ['not json', '{"kind":"user","id":"1","origin":"x"}', '{"kind":"camera","id":""}', 'null', '[]'])
      await f.admin.knex.raw('SELECT pg_notify(?, ?)', [channel, junk]);
    await a.changes.publish('camera', 'after-junk');
    await waitFor(() => atB.some((c) => c.id === 'after-junk'), { what: 'the change after the junk' });
    assert.equal(atB.length, before + 1);
    // both nodes drop each of the five (node-a may read them after node-b has the change that followed)
    await waitFor(() => f.logs.filter((l) => /change notification/.test(l)).length >= 10, {
      what: 'five log lines from each node',
    });
    await assert.rejects(a.changes.publish('camera', 'x'.repeat(201)), /cannot publish/);
  });

  it('re-LISTENs after its connection is lost and asks for a full resync; later changes flow again', async () => {
    // node-b keeps a copy of a table current as the spatial index does: reload one row on a change, all on a resync
    const k = f.admin.knex;
    await k.raw('CREATE TABLE items (id text PRIMARY KEY, name text NOT NULL)');
    const copy = new Map<string, string>();
    const load = async (id?: string): Promise<void> => {
      const rows = (await (id ? k('items').where({ id }) : k('items'))) as Array<{ id: string; name: string }>;
      if (id && rows.length === 0) copy.delete(id);
      for (const r of rows) copy.set(r.id, r.name);
    };
    b.changes.onChange((c) => void load(c.id));
    b.changes.onResync(() => void load());
    const change = async (id: string, name: string): Promise<void> => {
      await k('items').insert({ id, name }).onConflict('id').merge();
      await a.changes.publish('camera', id);
    };
    await change('before-gap', 'one');
    await waitFor(() => copy.get('before-gap') === 'one', { what: 'the copy following a change' });
    await relay.cut();
    await change('during-gap', 'two');
    await change('before-gap', 'three');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(resyncs.length, 0);
    const reopened = performance.now();
    await relay.open();
    await waitFor(() => resyncs.length === 1, { what: 'a resync after the reconnect', timeoutMs: 10_000 });
    assert.ok(resyncs[0]! >= reopened);
    console.log(`      resync ${Math.round(resyncs[0]! - reopened)} ms after the database was reachable again`);
    // the change made during the gap was not delivered: the resync is what covers it
    assert.equal(
      atB.some((c) => c.id === 'during-gap'),
      false,
    );
    await waitFor(() => copy.get('during-gap') === 'two' && copy.get('before-gap') === 'three', {
      what: 'the changes of the gap in the copy after the resync',
    });
    await change('after-gap', 'four');
    await waitFor(() => copy.get('after-gap') === 'four', { what: 'a change after the reconnect' });
  });
});
