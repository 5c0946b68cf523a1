// Cluster nodes in one process for tests: each with a Database (pool) of its own on one throw-away schema.
import { randomBytes } from 'node:crypto';
import { Database } from '../../gateway/db/database';
import type { LeaseKey, LostReason } from '../../gateway/cluster/cluster-node';
import { startClusterNode, type ClusterParts } from '../../gateway/wiring/cluster';
import { dropSchema, TEST_DATABASE_URL } from './gateway';

/** What a node told, with the monotonic time it told it. */
export type NodeEvent =
  | { t: number; node: string; ev: 'gained'; key: string }
  | { t: number; node: string; ev: 'lost'; key: string; reason: LostReason };

export const leaseId = (k: LeaseKey): string => `${k.cameraId}/${k.profile}`;

export interface TestNode extends ClusterParts {
  db: Database;
}

/** A schema migrated for cluster tests, nodes started on it (events recorded in `events`), and cleanup. */
export class ClusterFixture {
  readonly schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  readonly events: NodeEvent[] = [];
  readonly logs: string[] = [];
  private readonly nodes: TestNode[] = [];
  admin!: Database;

  async setUp(): Promise<void> {
    this.admin = new Database({ url: TEST_DATABASE_URL, schema: this.schema });
    await this.admin.ensureSchema();
    await this.admin.migrateUp();
  }

  /** Starts node `name` (on `url`, e.g. through a relay); timings default to a fast cluster: 200 ms beats, 1 s TTL. */
  async node(
    name: string,
    o: { url?: string; heartbeatMs?: number; ttlMs?: number; fenceMarginMs?: number; poolMax?: number } = {},
  ): Promise<TestNode> {
    const db = new Database({
      url: o.url ?? TEST_DATABASE_URL,
      schema: this.schema,
      poolMax: o.poolMax ?? 10,
      log: () => undefined,
    });
    try {
      const parts = await startClusterNode(
        db,
        {
          name,
          address: `http://127.0.0.1/${name}`,
          heartbeatMs: o.heartbeatMs ?? 200,
          ttlMs: o.ttlMs ?? 1000,
          fenceMarginMs: o.fenceMarginMs ?? 200,
        },
        (level, msg) => this.logs.push(`${level} ${msg}`),
      );
      parts.node.onGained((k) => this.events.push({ t: performance.now(), node: name, ev: 'gained', key: leaseId(k) }));
      parts.node.onLost((k) =>
        this.events.push({ t: performance.now(), node: name, ev: 'lost', key: leaseId(k), reason: k.reason }),
      );
      const n = { ...parts, db };
      this.nodes.push(n);
      return n;
    } catch (err) {
      await db.close();
      throw err;
    }
  }

  /** Closes `n` (leaving orderly) and its pool. */
  async stop(n: TestNode): Promise<void> {
    await n.close();
    await n.db.close();
  }

  async tearDown(): Promise<void> {
    for (const n of this.nodes.splice(0)) await this.stop(n).catch(() => undefined);
    await this.admin?.close();
    await dropSchema(this.schema);
  }

  /** The leases in the database: key → holder, unexpired ones only. */
  async leaseTable(): Promise<Map<string, string>> {
    const r = await this.admin.knex.raw(
      'SELECT camera_id, profile, node FROM stream_leases WHERE expires_at > now() ORDER BY camera_id, profile',
    );
    return new Map(
      (r.rows as Array<{ camera_id: string; profile: string; node: string }>).map((x) => [
        `${x.camera_id}/${x.profile}`,
        x.node,
      ]),
    );
  }
}
