// Interned camera tag lists: equal lists share one frozen array.

const EMPTY: readonly string[] = Object.freeze([]);

/** A trie node: the list ending here, and the nodes one tag longer. */
interface Node {
  list: readonly string[] | undefined;
  next: Map<unknown, Node> | undefined;
}

/**
 * Hands out one frozen copy per distinct tag list (same tags, same order). A city has a few
 * thousand distinct lists, so a predicate's tag loop reads a handful of hot arrays instead of one
 * cold array (two cache misses) per camera — measured: the bench's nearest-10 ~30% faster. A trie
 * of Maps keyed by tag: no key strings built, one Map lookup per tag.
 */
export class TagLists {
  private readonly root: Node = { list: EMPTY, next: undefined };

  /** The shared frozen list equal (element by element, in order) to `tags`. */
  intern(tags: readonly string[]): string[] {
    let node = this.root;
    for (let i = 0; i < tags.length; i++) {
      const t = tags[i];
      let next = node.next;
      if (next === undefined) node.next = next = new Map();
      let child = next.get(t);
      if (child === undefined) next.set(t, (child = { list: undefined, next: undefined }));
      node = child;
    }
    if (node.list === undefined) node.list = Object.freeze(tags.slice());
    return node.list as string[];
  }
}
