// The leases this node holds: when each was gained or released here, and the gained and lost events of each change.
import type { LeaseKey } from './cluster-store';

/**
 * Why a lease was lost: given up here, found gone at a renewal, unrenewable in time, or the node closing or evicted.
 */
export type LostReason = 'released' | 'gone' | 'fenced' | 'closing' | 'evicted';
type Listener<T> = (e: T) => void;
const keyOf = (k: LeaseKey): string => `${k.cameraId}\u0000${k.profile}`;

export class HeldLeases {
  /** Held leases, each with the monotonic time it was gained (a renewal sent before then cannot know it). */
  private readonly held = new Map<string, { key: LeaseKey; at: number }>();
  /** Keys released here, with when: a renewal sent before then may still list them. */
  private readonly releasedAt = new Map<string, number>();
  private readonly gained = new Set<Listener<LeaseKey>>();
  private readonly lost = new Set<Listener<LeaseKey & { reason: LostReason }>>();

  onGained(fn: Listener<LeaseKey>): () => void {
    this.gained.add(fn);
    return () => this.gained.delete(fn);
  }
  onLost(fn: Listener<LeaseKey & { reason: LostReason }>): () => void {
    this.lost.add(fn);
    return () => this.lost.delete(fn);
  }

  has(key: LeaseKey): boolean {
    return this.held.has(keyOf(key));
  }
  /** The leases held now. */
  keys(): LeaseKey[] {
    return [...this.held.values()].map((h) => h.key);
  }
  get size(): number {
    return this.held.size;
  }

  /** Given up here: lost with reason 'released' (if held); a renewal sent before now may still list it. */
  release(key: LeaseKey): void {
    const had = this.held.delete(keyOf(key));
    this.releasedAt.set(keyOf(key), performance.now());
    if (had) this.emitLost(key, 'released');
  }

  /** The leases a renewal sent at `sentAt` found: gains and losses, leaving out what changed here since it was sent. */
  apply(leases: LeaseKey[], sentAt: number): void {
    const now = new Map(leases.map((k) => [keyOf(k), k]));
    for (const [id, h] of this.held)
      if (!now.has(id) && h.at < sentAt) {
        this.held.delete(id);
        this.emitLost(h.key, 'gone');
      }
    for (const [id, k] of now) {
      const released = this.releasedAt.get(id);
      if (released !== undefined && released >= sentAt) continue;
      if (!this.held.has(id)) {
        this.held.set(id, { key: k, at: sentAt });
        this.emitGained(k);
      }
    }
    for (const [id, at] of this.releasedAt) if (at < sentAt) this.releasedAt.delete(id);
  }

  /** Gained here now (the caller checked it is not held and its renewal is in time). */
  gain(key: LeaseKey): void {
    this.held.set(keyOf(key), { key, at: performance.now() });
    this.releasedAt.delete(keyOf(key));
    this.emitGained(key);
  }

  /** Loses every held lease, with `reason`. */
  dropAll(reason: LostReason): void {
    const all = [...this.held.values()].map((h) => h.key);
    this.held.clear();
    for (const k of all) this.emitLost(k, reason);
  }

  private emitGained(k: LeaseKey): void {
    for (const fn of this.gained) fn(k);
  }
  private emitLost(k: LeaseKey, reason: LostReason): void {
    for (const fn of this.lost) fn({ ...k, reason });
  }
}
