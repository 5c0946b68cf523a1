// Pulls under leases: a (camera, profile) pull runs on the node holding its lease; gained starts it, lost stops it.
import { UnavailableError } from '../errors';
import type { ClusterNode, LeaseKey, LostReason } from './cluster-node';

/** What the leases drive on this node (the transcoder's supervisor, through the wiring). */
export interface LeasedPulls {
  /**
   * Starts the pull of `key` from the camera's registered source, only while `held()` (checked after its own reads
   * and again once started: a lease lost meanwhile stops it); false when the camera has none (deleted, refused).
   */
  start(key: LeaseKey, held: () => boolean): Promise<boolean>;
  /** Stops the pull of `key` (and what is derived from it) now. */
  stop(key: LeaseKey, reason: string): Promise<void>;
  /** True while a pull of `key` runs here (not being stopped). */
  running(key: LeaseKey): boolean;
  /** Each pull of this node that stopped (idle, failing, stopped). Returns the unsubscribe. */
  onStopped(fn: (key: LeaseKey) => void): () => void;
}

/** Where a pull runs: here, or on another node (its name and advertised address). */
export type Placement = { here: true } | { here: false; node: string; address: string };

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;
const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Binds the pulls of this node to its leases. A lease gained (placed here by any node's acquire, or taken over from
 * a dead node) starts its pull at once, so viewers and recorders that come back after a fail-over find it running;
 * a lease lost — released, found gone, fenced, or the node closing — stops it; a pull that stopped here (idle)
 * gives its lease up, so the next call places it afresh on the least loaded node.
 */
export class PullLeases {
  private readonly offs: Array<() => void> = [];

  constructor(
    readonly node: ClusterNode,
    private readonly pulls: LeasedPulls,
    private readonly log: Log,
  ) {}

  start(): void {
    this.offs.push(
      this.node.onGained((k) => this.gained(k)),
      this.node.onLost((k) => this.lost(k, k.reason)),
      this.pulls.onStopped((k) => this.stopped(k)),
    );
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
  }

  /**
   * Where `key`'s pull runs: the holder of its lease, or the least loaded live node (node `on` only, for a source only
   * that node can pull), where this call places it.
   * Resolves `here` only once this node holds the lease (so its pull may run). Rejects with UnavailableError when
   * no node is alive or this node cannot renew (fenced).
   */
  async where(key: LeaseKey, on?: string): Promise<Placement> {
    if (this.node.holds(key)) return { here: true };
    if (this.node.fenced) throw new UnavailableError('cluster: this node cannot reach the database now', 1);
    const holder = await this.node.acquire(key, on);
    if (!holder)
      throw new UnavailableError(
        on ? `cluster: node ${on}, which alone can pull it, is not live` : 'cluster: no live node to run the stream',
        1,
      );
    if (holder.node !== this.node.name || holder.bootId !== this.node.bootId)
      return { here: false, node: holder.node, address: holder.address };
    // held here, but gained only with the next renewal (a renewal was sent meanwhile): that one is under way
    const until = performance.now() + this.node.ttlMs;
    while (!this.node.holds(key)) {
      if (performance.now() > until || this.node.fenced)
        throw new UnavailableError(`cluster: the lease of ${key.cameraId}.${key.profile} was not confirmed`, 1);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { here: true };
  }

  private gained(key: LeaseKey): void {
    this.pulls
      .start(key, () => this.node.holds(key))
      .then(
        (ok) => {
          if (!ok) void this.giveUp(key, 'the camera has no such stream now');
        },
        // the pull keeps retrying on its own until it idles out; then its stop gives the lease up
        (err: unknown) => this.log('warn', `cluster: pull ${key.cameraId}.${key.profile} gained here: ${errText(err)}`),
      );
  }

  private lost(key: LeaseKey, reason: LostReason): void {
    if (reason === 'released') return;
    this.pulls
      .stop(key, `lease lost (${reason})`)
      .catch((err: unknown) =>
        this.log('error', `cluster: stopping pull ${key.cameraId}.${key.profile}: ${errText(err)}`),
      );
  }

  private stopped(key: LeaseKey): void {
    if (this.node.holds(key) && !this.pulls.running(key)) void this.giveUp(key, 'its pull stopped');
  }

  private async giveUp(key: LeaseKey, why: string): Promise<void> {
    await this.node
      .release(key)
      .catch((err: unknown) =>
        this.log('warn', `cluster: releasing ${key.cameraId}.${key.profile} (${why}): ${errText(err)}`),
      );
  }
}
