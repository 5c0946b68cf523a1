// A binary min-heap of (float key, int payload) pairs in reusable typed arrays: no allocation per push.

/** Min-heap keyed by a float64; payloads are int32. Grows by doubling; `clear()` keeps the storage. */
export class FloatHeap {
  private keys: Float64Array;
  private items: Int32Array;
  size = 0;

  constructor(capacity = 1024) {
    this.keys = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
  }

  push(key: number, item: number): void {
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys,
      items = this.items;
    let pos = this.size++;
    while (pos > 0) {
      const parent = (pos - 1) >> 1;
      const pk = keys[parent] as number;
      if (key >= pk) break;
      keys[pos] = pk;
      items[pos] = items[parent] as number;
      pos = parent;
    }
    keys[pos] = key;
    items[pos] = item;
  }

  /** Smallest key; undefined behaviour when empty (check `size`). */
  peekKey(): number {
    return this.keys[0] as number;
  }

  peekItem(): number {
    return this.items[0] as number;
  }

  /** Removes the top entry (read it first with peekKey/peekItem). */
  pop(): void {
    const keys = this.keys,
      items = this.items;
    const n = --this.size;
    if (n <= 0) return;
    const key = keys[n] as number,
      item = items[n] as number;
    const half = n >> 1;
    let pos = 0;
    while (pos < half) {
      let child = 2 * pos + 1;
      const right = child + 1;
      if (right < n && (keys[right] as number) < (keys[child] as number)) child = right;
      const ck = keys[child] as number;
      if (ck >= key) break;
      keys[pos] = ck;
      items[pos] = items[child] as number;
      pos = child;
    }
    keys[pos] = key;
    items[pos] = item;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    const items = new Int32Array(this.items.length * 2);
    keys.set(this.keys);
    items.set(this.items);
    this.keys = keys;
    this.items = items;
  }
}
