// Camera and share changes made on any node, told to every other node (PostgreSQL NOTIFY; receivers reload by id).

/**
 * What changed: a camera (by id), a camera's health state (by camera id, from the node that checks it) or the shares;
 * `origin` is the node that made the change.
 */
export interface ClusterChange {
  kind: 'camera' | 'status' | 'share';
  id: string;
  origin: string;
}

const KINDS = new Set(['camera', 'status', 'share']);
/** NOTIFY payloads are limited to 8000 bytes; ids are far shorter. */
const MAX_ID = 200;

/**
 * The sending and receiving end of one channel. `publish` sends through `send` (pg_notify, delivered on commit);
 * the node's LISTEN connection hands each payload to `receive` and, after it re-connected, calls `resync` — changes
 * during the gap were not received, so subscribers reload everything.
 */
export class ChangeFeed {
  private readonly changes = new Set<(c: ClusterChange) => void>();
  private readonly resyncs = new Set<() => void>();

  constructor(
    private readonly node: string,
    private readonly send: (payload: string) => Promise<void>,
    private readonly onError: (msg: string) => void = () => undefined,
  ) {}

  /** Tells every other node that camera, status or share `id` changed (created, updated or deleted). */
  async publish(kind: ClusterChange['kind'], id: string): Promise<void> {
    if (!KINDS.has(kind) || id.length === 0 || id.length > MAX_ID)
      throw new Error(`cluster: cannot publish a change of ${kind} "${id.slice(0, 40)}"`);
    await this.send(JSON.stringify({ kind, id, origin: this.node }));
  }

  /** Each change made on another node (this node's own changes are left out: it applied them already). */
  onChange(fn: (c: ClusterChange) => void): () => void {
    this.changes.add(fn);
    return () => this.changes.delete(fn);
  }

  /** After notifications may have been missed: reload all cameras and shares. */
  onResync(fn: () => void): () => void {
    this.resyncs.add(fn);
    return () => this.resyncs.delete(fn);
  }

  /** A payload from the channel: checked, then told to subscribers unless it came from this node. */
  receive(payload: string): void {
    let c: Partial<ClusterChange>;
    try {
      c = JSON.parse(payload) as Partial<ClusterChange>;
    } catch {
      return this.onError(`cluster: change notification is not JSON: ${payload.slice(0, 80)}`);
    }
    const ok =
      typeof c === 'object' &&
      c !== null &&
      KINDS.has(String(c.kind)) &&
      typeof c.id === 'string' &&
      c.id.length > 0 &&
      c.id.length <= MAX_ID &&
      typeof c.origin === 'string';
    if (!ok) return this.onError(`cluster: change notification has no kind, id and origin: ${payload.slice(0, 80)}`);
    if (c.origin === this.node) return;
    const change: ClusterChange = { kind: c.kind!, id: c.id!, origin: c.origin! };
    for (const fn of this.changes) fn(change);
  }

  resync(): void {
    for (const fn of this.resyncs) fn();
  }
}
