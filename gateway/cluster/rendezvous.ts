// Rendezvous (highest random weight) hashing: which node of a set owns a key, moving few keys when the set changes.

/** FNV-1a over UTF-16 code units, finished with murmur3's mixer so that near keys spread. 32-bit unsigned. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The node that owns `key` among `nodes` (names): the one with the highest weight hash(node, key), ties to the
 * smaller name. The answer depends only on the set, not its order; a node joining takes about 1/(n+1) of the keys
 * and a node leaving hands only its own keys to the others. Undefined for an empty set.
 */
export function rendezvousOwner(key: string, nodes: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestW = -1;
  for (const node of nodes) {
    const w = hash32(`${node}\u0000${key}`);
    if (w > bestW || (w === bestW && best !== undefined && node < best)) {
      best = node;
      bestW = w;
    }
  }
  return best;
}

/** The keys of `keys` that `me` owns among `nodes` (e.g. the cameras this node health-checks). */
export function keysOwnedBy<K>(keys: Iterable<K>, id: (k: K) => string, nodes: readonly string[], me: string): K[] {
  const out: K[] = [];
  for (const k of keys) if (rendezvousOwner(id(k), nodes) === me) out.push(k);
  return out;
}
