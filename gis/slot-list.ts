// A growable list of slots in a reusable Int32Array: the output buffer of the nearest-neighbour searches.

/** Append-only int list; `clear()` keeps the storage. Valid entries are `slots[0..count)`. */
export class SlotList {
  slots = new Int32Array(256);
  count = 0;

  clear(): void {
    this.count = 0;
  }

  push(slot: number): void {
    if (this.count === this.slots.length) {
      const next = new Int32Array(this.slots.length * 2);
      next.set(this.slots);
      this.slots = next;
    }
    this.slots[this.count++] = slot;
  }
}
