// Self-fencing: a node whose PostgreSQL connection is cut or hangs stops its pulls before another node can gain them.
import assert from 'node:assert/strict';
import { ClusterFixture, leaseId, type NodeEvent, type TestNode } from '../helpers/cluster-nodes';
import { TcpRelay } from '../helpers/tcp-relay';
import { TEST_DATABASE_URL } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const TTL = 1000;
const parse = (id: string): { cameraId: string; profile: string } => {
  const [cameraId, profile] = id.split('/') as [string, string];
  return { cameraId, profile };
};
const BEAT = 200;

describe('cluster: self-fencing when the database is out of reach', function () {
  this.timeout(60_000);
  const f = new ClusterFixture();
  let relay: TcpRelay;
  let a: TestNode;
  let others: TestNode[];

  before(async () => {
    await f.setUp();
    const target = new URL(TEST_DATABASE_URL);
    relay = new TcpRelay(Number(target.port || 5432), target.hostname);
    await relay.open();
    const url = new URL(TEST_DATABASE_URL);
    url.port = String(relay.port);
    // node-a alone at first: every lease is placed on it
    a = await f.node('node-a', { url: url.toString(), ttlMs: TTL, heartbeatMs: BEAT, fenceMarginMs: 200 });
    others = [];
  });
  after(async () => {
    await relay?.open().catch(() => undefined);
    await f.tearDown();
    await relay?.close();
  });

  /** Puts every lease on node-a, cuts it off with `how`, checks each is lost (fenced) before any other node gains one, restores. */
  async function partition(how: 'cut' | 'hang', camPrefix: string): Promise<void> {
    const keys = Array.from({ length: 10 }, (_, i) => ({ cameraId: `${camPrefix}-${i}`, profile: 'main' }));
    // the other nodes leave: what they held comes back to node-a, alone again, which takes the new keys too
    for (const o of others.splice(0)) await f.stop(o);
    for (const k of keys) assert.equal((await a.node.acquire(k))?.node, 'node-a');
    const all = await waitFor(
      async () => {
        const t = await f.leaseTable();
        return [...t.values()].every((n) => n === 'node-a') && [...t.keys()].every((k) => a.node.holds(parse(k))) && t;
      },
      { what: 'node-a holding every lease' },
    );
    others = [await f.node('node-b'), await f.node('node-c')];
    const ids = new Set(all.keys());
    const n = ids.size;
    const from = f.events.length;
    const t0 = performance.now();
    if (how === 'cut') await relay.cut();
    else relay.hang();
    const mine = (): NodeEvent[] => f.events.slice(from).filter((e) => ids.has(e.key));
    await waitFor(() => mine().filter((e) => e.ev === 'gained').length === n, {
      what: `the ${n} leases gained by node-b or node-c`,
      timeoutMs: 10_000,
    });
    const lost = mine().filter((e) => e.node === 'node-a' && e.ev === 'lost');
    const gained = mine().filter((e) => e.ev === 'gained');
    assert.equal(lost.length, n, JSON.stringify(mine()));
    for (const e of lost) assert.equal(e.ev === 'lost' && e.reason, 'fenced');
    assert.ok(gained.every((e) => e.node !== 'node-a'));
    const lastLost = Math.max(...lost.map((e) => e.t));
    const firstGained = Math.min(...gained.map((e) => e.t));
    console.log(
      `      ${how}: node-a fenced after ${Math.round(lastLost - t0)} ms, first take-over gained after ` +
        `${Math.round(firstGained - t0)} ms, last after ${Math.round(Math.max(...gained.map((e) => e.t)) - t0)} ms`,
    );
    assert.ok(lastLost < firstGained, 'node-a stopped its pulls before another node gained one');
    assert.ok(lastLost - t0 <= TTL, `fenced ${Math.round(lastLost - t0)} ms after the cut`);
    assert.ok(firstGained - t0 <= TTL + BEAT + 300, `taken over ${Math.round(firstGained - t0)} ms after the cut`);
    // back: node-a renews again without a restart, and no lease has two holders
    if (how === 'cut') await relay.open();
    else relay.resume();
    await waitFor(() => !a.node.fenced, { what: 'node-a renewing again', timeoutMs: 15_000 });
    await a.node.sync();
    const held = new Map<string, string>();
    for (const n of [a, ...others])
      for (const k of n.node.leases()) {
        assert.equal(
          held.get(leaseId(k)),
          undefined,
          `${leaseId(k)} held by ${held.get(leaseId(k))} and ${n.node.name}`,
        );
        held.set(leaseId(k), n.node.name);
      }
    for (const k of keys) assert.notEqual(held.get(leaseId(k)), 'node-a');
  }

  it('stops its pulls (lost: fenced) before another node gains them when its connection is cut, and recovers', () =>
    partition('cut', 'cut'));

  it('does the same when its connection hangs (the server accepts and never answers)', () => partition('hang', 'hang'));

  it('gives up its registration when, cut off past its TTL, its name was taken by a new node', async () => {
    await relay.cut();
    await waitFor(() => a.node.fenced, { what: 'node-a fenced' });
    // node-a's heartbeat expired: its name is free, and a new process takes it
    await new Promise((r) => setTimeout(r, TTL));
    const successor = await f.node('node-a');
    await relay.open();
    await waitFor(() => f.logs.some((l) => /node-a lost its registration/.test(l)), {
      what: 'node-a told that it lost its name',
      timeoutMs: 10_000,
    });
    assert.equal(a.node.fenced, true);
    assert.deepEqual(a.node.leases(), []);
    await new Promise((r) => setTimeout(r, 3 * BEAT));
    const live = await successor.node.liveNodes();
    assert.deepEqual(
      live.filter((n) => n.name === 'node-a').map((n) => n.bootId),
      [successor.node.bootId],
    );
  });
});
