// Camera and share changes made on any node, told to every other node (PostgreSQL NOTIFY; receivers reload by id).

/**
 * What changed: a camera (by id), a camera's health state (by camera id, from the node that checks it), the shares,
 * the recording plans or the alarm rules;
 * or an event to record (by camera id, `data` saying which and for which node); `origin` is the node that sent it.
 */
export interface ClusterChange {
  kind: 'camera' | 'status' | 'share' | 'plan' | 'rule' | 'trigger';
  id: string;
  origin: string;
  data?: Record<string, unknown>;
}

const KINDS = new Set(['camera', 'status', 'share', 'plan', 'rule', 'trigger']);
/** A payload's data, JSON: a few fields. */
const MAX_DATA = 2000;
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
  async publish(kind: ClusterChange['kind'], id: string, data?: Record<string, unknown>): Promise<void> {
    const extra = data === undefined ? '' : JSON.stringify(data);
    if (!KINDS.has(kind) || id.length === 0 || id.length > MAX_ID || extra.length > MAX_DATA)
      throw new Error(`cluster: cannot publish a change of ${kind} "${id.slice(0, 40)}"`);
    await this.send(JSON.stringify({ kind, id, origin: this.node, ...(data ? { data } : {}) }));
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
    const data = c.data && typeof c.data === 'object' && !Array.isArray(c.data) ? { data: c.data } : {};
    const change: ClusterChange = { kind: c.kind!, id: c.id!, origin: c.origin!, ...data };
    for (const fn of this.changes) fn(change);
  }

  resync(): void {
    for (const fn of this.resyncs) fn();
  }
}
