// Health-check partitioning by rendezvous hashing: every camera has one owner, and a node joining or leaving moves few.
import assert from 'node:assert/strict';
import { keysOwnedBy, rendezvousOwner } from '../../gateway/cluster/rendezvous';

const CAMERAS = Array.from({ length: 10_000 }, (_, i) => `cam-${i + 1}`);
const owners = (nodes: string[]): Map<string, string> => new Map(CAMERAS.map((c) => [c, rendezvousOwner(c, nodes)!]));
const moved = (a: Map<string, string>, b: Map<string, string>): string[] =>
  CAMERAS.filter((c) => a.get(c) !== b.get(c));

describe('cluster: rendezvous partitioning of health checks', () => {
  const three = ['node-a', 'node-b', 'node-c'];

  it('gives every camera exactly one owner among the nodes, whatever their order', () => {
    const before = owners(three);
    const shuffled = owners(['node-c', 'node-a', 'node-b']);
    assert.equal(moved(before, shuffled).length, 0);
    const parts = three.map((n) => keysOwnedBy(CAMERAS, (c) => c, three, n));
    assert.equal(
      parts.reduce((s, p) => s + p.length, 0),
      CAMERAS.length,
    );
    assert.equal(new Set(parts.flat()).size, CAMERAS.length);
    // balanced: each of three nodes owns about a third (±10 %)
    for (const p of parts) assert.ok(Math.abs(p.length - CAMERAS.length / 3) < CAMERAS.length * 0.033, `${p.length}`);
  });

  it('moves only the cameras the joining node takes (about 1/4 of them for a fourth node)', () => {
    const before = owners(three);
    const after = owners([...three, 'node-d']);
    const m = moved(before, after);
    for (const c of m) assert.equal(after.get(c), 'node-d', `${c} moved between old nodes`);
    assert.ok(Math.abs(m.length - CAMERAS.length / 4) < CAMERAS.length * 0.03, `${m.length} moved`);
  });

  it('moves only the leaving node’s cameras when a node leaves, spread over the others', () => {
    const before = owners(three);
    const after = owners(['node-a', 'node-c']);
    const m = moved(before, after);
    assert.deepEqual(
      m.filter((c) => before.get(c) !== 'node-b'),
      [],
    );
    assert.equal(m.length, CAMERAS.filter((c) => before.get(c) === 'node-b').length);
    const toA = m.filter((c) => after.get(c) === 'node-a').length;
    assert.ok(toA > m.length * 0.4 && toA < m.length * 0.6, `${toA} of ${m.length} went to node-a`);
  });

  it('has no owner without nodes, and the only node owns everything', () => {
    assert.equal(rendezvousOwner('cam-1', []), undefined);
    assert.equal(keysOwnedBy(CAMERAS, (c) => c, ['solo'], 'solo').length, CAMERAS.length);
  });
});
