// Nodes as processes: a SIGKILLed node's leases are taken over by the survivors within TTL + one heartbeat, none twice.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterRepo } from '../../gateway/db/cluster-repo';
import { clusterChannels } from '../../gateway/wiring/cluster';
import { ClusterFixture } from '../helpers/cluster-nodes';
import { TEST_DATABASE_URL } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HEARTBEAT = 1000;
const TTL = 3000;

interface Child {
  name: string;
  proc: ChildProcess;
  /** Lines printed so far, each with the parent's monotonic time of arrival. */
  lines: Array<{ t: number; text: string }>;
  stderr: string;
}

function startChild(schema: string, name: string): Promise<Child> {
  const arg = JSON.stringify({
    url: TEST_DATABASE_URL,
    schema,
    name,
    heartbeatMs: HEARTBEAT,
    ttlMs: TTL,
    fenceMarginMs: 500,
  });
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/cluster-child.ts', arg], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const c: Child = { name, proc, lines: [], stderr: '' };
  let buf = '';
  proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    const parts = buf.split('\n');
    buf = parts.pop()!;
    for (const text of parts) c.lines.push({ t: performance.now(), text });
  });
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (c.stderr += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${name} not ready: ${c.stderr}`)), 30_000);
    proc.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${c.stderr}`)));
    const poll = setInterval(() => {
      if (c.lines.some((l) => l.text.startsWith('READY'))) {
        clearInterval(poll);
        clearTimeout(t);
        resolve(c);
      }
    }, 20);
  });
}

/** The leases a child holds now, from its GAINED / LOST lines. */
const heldBy = (c: Child): Set<string> => {
  const held = new Set<string>();
  for (const { text } of c.lines) {
    const [what, id] = text.split(' ');
    if (what === 'GAINED') held.add(id!);
    if (what === 'LOST') held.delete(id!);
  }
  return held;
};

describe('cluster: fail-over of a SIGKILLed node (nodes as processes)', function () {
  this.timeout(120_000);
  const f = new ClusterFixture();
  const children: Child[] = [];
  before(async () => {
    await f.setUp();
    children.push(...(await Promise.all(['node-1', 'node-2', 'node-3'].map((n) => startChild(f.schema, n)))));
  });
  after(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await f.tearDown();
  });

  it('moves every lease of the killed node to the survivors within TTL + one heartbeat, each exactly once', async () => {
    const repo = new ClusterRepo(f.admin.knex, clusterChannels(f.schema).leases);
    const keys = Array.from({ length: 30 }, (_, i) => ({ cameraId: `cam-${i + 1}`, profile: i % 3 ? 'main' : 'sub' }));
    for (const k of keys) assert.ok(await repo.acquire(k, TTL));
    await waitFor(() => children.reduce((n, c) => n + heldBy(c).size, 0) === 30, {
      what: '30 leases gained by the nodes',
    });
    const victim = children.reduce((a, b) => (heldBy(b).size > heldBy(a).size ? b : a));
    const lostKeys = [...heldBy(victim)];
    const survivors = children.filter((c) => c !== victim);
    console.log(
      `      placement: ${children.map((c) => `${c.name} ${heldBy(c).size}`).join(', ')}; killing ${victim.name}`,
    );
    assert.ok(lostKeys.length >= 5, `${victim.name} holds ${lostKeys.length}`);

    const from = new Map(survivors.map((s) => [s, s.lines.length]));
    const killedAt = ((await f.admin.knex.raw('SELECT clock_timestamp() AS t')).rows[0] as { t: Date }).t;
    const t0 = performance.now();
    victim.proc.kill('SIGKILL');
    const gainedLines = (): Array<{ node: string; id: string; t: number }> =>
      survivors.flatMap((s) =>
        s.lines
          .slice(from.get(s))
          .filter((l) => l.text.startsWith('GAINED '))
          .map((l) => ({ node: s.name, id: l.text.slice(7), t: l.t })),
      );
    await waitFor(() => lostKeys.every((k) => gainedLines().some((g) => g.id === k)), {
      what: 'every lease of the killed node gained by a survivor',
      timeoutMs: 15_000,
    });
    const gained = gainedLines();
    const last = Math.max(...gained.map((g) => g.t)) - t0;
    console.log(
      `      all ${lostKeys.length} leases running again on the survivors ${Math.round(last)} ms after SIGKILL`,
    );
    // on PostgreSQL's clock: every take-over happened within TTL + one heartbeat of the kill
    const r = await f.admin.knex.raw(
      `SELECT max(extract(epoch FROM acquired_at - ?::timestamptz) * 1000)::int AS ms FROM stream_leases
       WHERE camera_id || '/' || profile = ANY(?)`,
      [killedAt, lostKeys],
    );
    const dbMs = (r.rows[0] as { ms: number }).ms;
    assert.ok(dbMs <= TTL + HEARTBEAT, `taken over ${dbMs} ms after the kill (database clock)`);
    // seen by the survivors' pulls (event through their stdout) with at most a notification's delay more
    assert.ok(last <= TTL + HEARTBEAT + 500, `gained ${Math.round(last)} ms after the kill`);
    // each key gained once, by one survivor; the survivors' sets are disjoint and cover all 30
    for (const k of lostKeys) assert.equal(gained.filter((g) => g.id === k).length, 1, `${k} gained twice`);
    const [s1, s2] = survivors.map(heldBy) as [Set<string>, Set<string>];
    assert.deepEqual(
      [...s1].filter((k) => s2.has(k)),
      [],
    );
    assert.equal(s1.size + s2.size, 30);
    const table = await f.leaseTable();
    assert.equal(table.size, 30);
    for (const [id, node] of table) assert.ok((node === survivors[0]!.name ? s1 : s2).has(id), `${id} on ${node}`);
  });
});
