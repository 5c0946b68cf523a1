// This gateway as a cluster node: registration, heartbeats that renew its leases, lease events, take-over and self-fencing.
import { randomUUID } from 'node:crypto';
import { NodeNameInUseError } from './errors';
import type { ClusterStore, LeaseHolder, LeaseKey, NodeInfo } from './cluster-store';
import { HeldLeases, type LostReason } from './held-leases';

export type { ClusterStore, LeaseHolder, LeaseKey, NodeInfo } from './cluster-store';
export type { LostReason } from './held-leases';

export interface ClusterNodeOptions {
  name: string;
  /** Where other nodes and viewers reach this node (e.g. http://10.0.0.5:8080). */
  address: string;
  /** Milliseconds between heartbeats. Default 1000. */
  heartbeatMs?: number;
  /** Milliseconds a heartbeat keeps the node and its leases alive. Default 3000. */
  ttlMs?: number;
  /** Milliseconds before a lease could expire at which an unrenewed node stops its pulls. Default 500. */
  fenceMarginMs?: number;
  /** Load reported with each heartbeat (running pulls). Default: the leases held. */
  load?: () => number;
  /** Expired leases moved per heartbeat at most. Default 500. */
  takeoverBatch?: number;
  /**
   * Milliseconds between sweeps for expired leases besides each heartbeat's, so a dead node's pulls move soon after
   * its leases expire rather than up to a heartbeat later. Default heartbeatMs / 4; 0: only with heartbeats.
   */
  sweepMs?: number;
}

type Listener<T> = (e: T) => void;

/** `p`, or a rejection after `ms` (p's late outcome is dropped). */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  p.catch(() => undefined);
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** One node. `start()` registers (or throws NodeNameInUseError); `close()` leaves, handing its leases over at once. */
export class ClusterNode {
  readonly bootId = randomUUID();
  readonly name: string;
  readonly heartbeatMs: number;
  readonly ttlMs: number;
  private readonly marginMs: number;
  /** The leases held, with when each was gained or released here, and their gained/lost events. */
  private readonly held = new HeldLeases();
  private readonly errors = new Set<Listener<string>>();
  private readonly memberships = new Set<Listener<readonly string[]>>();
  private nodes: readonly string[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private fenceTimer: NodeJS.Timeout | null = null;
  /** Monotonic time until which every held lease is known unexpired; 0 when fenced. */
  private validUntil = 0;
  /** Monotonic time the last successful renewal was sent. */
  private renewSentAt = 0;
  private beating: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private lastError = '';

  constructor(
    private readonly store: ClusterStore,
    private readonly o: ClusterNodeOptions,
  ) {
    this.name = o.name;
    this.heartbeatMs = o.heartbeatMs ?? 1000;
    this.ttlMs = o.ttlMs ?? 3000;
    this.marginMs = o.fenceMarginMs ?? 500;
    if (this.heartbeatMs * 2 > this.ttlMs - this.marginMs)
      throw new Error(
        `cluster: ttlMs (${this.ttlMs}) must leave two heartbeats (${this.heartbeatMs} ms) before the margin`,
      );
  }

  onGained(fn: Listener<LeaseKey>): () => void {
    return this.held.onGained(fn);
  }
  onLost(fn: Listener<LeaseKey & { reason: LostReason }>): () => void {
    return this.held.onLost(fn);
  }
  /** The live nodes' names as of the last heartbeat (sorted), on each change of the set. */
  onMembers(fn: Listener<readonly string[]>): () => void {
    this.memberships.add(fn);
    return () => this.memberships.delete(fn);
  }
  /** The live nodes' names as of the last heartbeat, sorted (empty before the first). */
  members(): readonly string[] {
    return this.nodes;
  }
  /** Failures of a heartbeat or take-over, each told once until the next success. */
  onError(fn: Listener<string>): () => void {
    this.errors.add(fn);
    return () => this.errors.delete(fn);
  }

  /** Registers and runs the first heartbeat; rejects with NodeNameInUseError when a live node has the name. */
  async start(): Promise<void> {
    const info = { name: this.name, address: this.o.address, bootId: this.bootId, load: 0 };
    const holder = await this.store.register(info, this.ttlMs);
    if (holder) throw new NodeNameInUseError(this.name, holder.address, holder.heartbeatAgeMs);
    await this.sync();
    this.timer = setInterval(() => void this.sync(), this.heartbeatMs);
    const sweepMs = this.o.sweepMs ?? Math.floor(this.heartbeatMs / 4);
    if (sweepMs > 0) this.sweepTimer = setInterval(() => void this.sweep(), sweepMs);
  }

  /** Moves expired leases between heartbeats (never while one runs, nor fenced); a lease moved here is gained at once. */
  private async sweep(): Promise<void> {
    if (this.sweeping || this.beating || this.fenced || this.closed) return;
    this.sweeping = true;
    try {
      const moved = await within(this.store.takeOverExpired(this.ttlMs, this.o.takeoverBatch ?? 500), this.ttlMs);
      if (moved.some((m) => m.node === this.name)) void this.sync();
    } catch {
      // told by the next heartbeat, which sweeps as well
    } finally {
      this.sweeping = false;
    }
  }

  /** True while this node holds `key` (its pull should run here). */
  holds(key: LeaseKey): boolean {
    return this.validUntil > 0 && this.held.has(key);
  }
  /** The leases held now. */
  leases(): LeaseKey[] {
    return this.held.keys();
  }
  /** True between a renewal that failed for too long and the next one that succeeds. */
  get fenced(): boolean {
    return this.validUntil === 0;
  }

  liveNodes(): Promise<NodeInfo[]> {
    return this.store.liveNodes();
  }
  holder(key: LeaseKey): Promise<LeaseHolder | null> {
    return this.store.holder(key);
  }

  /**
   * Where `key`'s pull runs: its holder, or the least loaded live node (node `on` only, when given) on which this
   * call places it. Placed here, the lease is gained (event) before this resolves; placed elsewhere, that node is
   * woken by a notification.
   */
  async acquire(key: LeaseKey, on?: string): Promise<LeaseHolder | null> {
    const sentAt = performance.now();
    const r = await this.store.acquire(key, this.ttlMs, on);
    if (r && r.holder.node === this.name && r.holder.bootId === this.bootId) {
      // a lease written after sentAt outlives sentAt + ttl: covered by the fence deadline when sent after the last
      // renewal was; else (or fenced) the next renewal, sent now that it is committed, reports it
      if (!this.fenced && sentAt >= this.renewSentAt) this.gain(key, sentAt);
      else void this.sync();
    }
    return r?.holder ?? null;
  }

  /** Gives `key` up (the pull stopped here): lost with reason 'released', free for the next acquire. */
  async release(key: LeaseKey): Promise<boolean> {
    this.held.release(key);
    return this.store.release(key, this.name, this.bootId);
  }

  /**
   * A heartbeat now (also what a lease notification for this node triggers): renews, reports gains and losses,
   * then moves expired leases of dead nodes. Calls during one run fold into one more run.
   */
  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.beating) {
      this.again = true;
      return this.beating;
    }
    this.beating = this.beat().finally(() => {
      this.beating = null;
      if (this.again && !this.closed) {
        this.again = false;
        void this.sync();
      }
    });
    return this.beating;
  }

  private async beat(): Promise<void> {
    const sentAt = performance.now();
    try {
      const load = this.o.load?.() ?? this.held.size;
      // a hung connection must not hold the next heartbeats back: past the TTL the answer is of no use anyway
      const r = await within(this.store.heartbeat(this.name, this.bootId, load, this.ttlMs), this.ttlMs);
      if (this.closed) return;
      if (!r.registered) return this.evicted();
      if (!this.arm(sentAt)) throw new Error(`heartbeat answered after ${Math.round(performance.now() - sentAt)} ms`);
      this.held.apply(r.leases, sentAt);
      if (r.nodes.join('\n') !== this.nodes.join('\n')) {
        this.nodes = r.nodes;
        for (const fn of this.memberships) fn(r.nodes);
      }
      const moved = await within(this.store.takeOverExpired(this.ttlMs, this.o.takeoverBatch ?? 500), this.ttlMs);
      if (moved.some((m) => m.node === this.name)) this.again = true;
      this.lastError = '';
    } catch (err) {
      const msg = `cluster: heartbeat of ${this.name} failed: ${err instanceof Error ? err.message : String(err)}`;
      if (msg !== this.lastError) for (const fn of this.errors) fn(msg);
      this.lastError = msg;
    }
  }

  /** A renewal sent at `sentAt` succeeded: every held lease lives until at least sentAt + ttl on the database's clock. */
  private arm(sentAt: number): boolean {
    const until = sentAt + this.ttlMs - this.marginMs;
    const left = until - performance.now();
    if (left <= 0) return false;
    if (until <= this.validUntil) return true;
    this.validUntil = until;
    this.renewSentAt = sentAt;
    if (this.fenceTimer) clearTimeout(this.fenceTimer);
    this.fenceTimer = setTimeout(() => this.fence(), left);
    return true;
  }

  private gain(key: LeaseKey, sentAt: number): void {
    if (this.held.has(key) || sentAt + this.ttlMs - this.marginMs <= performance.now()) return;
    this.held.gain(key);
  }

  /** No renewal in time: every pull stops here before any lease can expire for another node. */
  private fence(): void {
    this.fenceTimer = null;
    this.validUntil = 0;
    this.held.dropAll('fenced');
  }

  private evicted(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.timer = null;
    this.validUntil = 0;
    this.held.dropAll('evicted');
    const msg = `cluster: node ${this.name} lost its registration (its name was taken after its heartbeat expired)`;
    for (const fn of this.errors) fn(msg);
  }

  /** Stops heartbeats, loses every lease ('closing') and leaves: its leases expire now for the others to take. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.fenceTimer) clearTimeout(this.fenceTimer);
    await this.beating?.catch(() => undefined);
    this.validUntil = 0;
    this.held.dropAll('closing');
    await this.store.leave(this.name, this.bootId).catch(() => undefined);
  }
}
