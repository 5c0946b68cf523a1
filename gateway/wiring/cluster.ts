// Wiring of the cluster: this node's registration and leases, and the change feed, over the cluster rows and one LISTEN.
import { hostname } from 'node:os';
import type { Config } from '../../config/load';
import { Database } from '../db/database';
import { ClusterRepo } from '../db/cluster-repo';
import { NotifyListener } from '../db/notify-listener';
import { ClusterNode, type ClusterNodeOptions } from '../cluster/cluster-node';
import { ChangeFeed } from '../cluster/change-feed';
import type { Closers, Log } from './lifecycle';

export interface ClusterParts {
  node: ClusterNode;
  changes: ChangeFeed;
  /** Closes the node (leaving: its leases go to the others at once), then the LISTEN connection. */
  close(): Promise<void>;
}

/** Channel names of a schema: NOTIFY is database-wide, so schemas sharing a database (tests) must not hear each other. */
export function clusterChannels(schema: string): { leases: string; changes: string } {
  return { leases: `cloudeye.${schema}.leases`, changes: `cloudeye.${schema}.changes` };
}

/**
 * Starts a node on `db`: LISTENs first (no lease placed on it is missed), then registers — rejecting with
 * NodeNameInUseError while a live node has the name. After the LISTEN connection comes back, the node
 * renews at once and the change feed resyncs.
 */
export async function startClusterNode(
  db: Database,
  o: ClusterNodeOptions & { keepaliveMs?: number },
  log: Log,
): Promise<ClusterParts> {
  const channels = clusterChannels(db.schema);
  const beatDb = new Database({ url: db.url, schema: db.schema, poolMax: 2, log: (level, msg) => log(level, msg) });
  const repo = new ClusterRepo(db.knex, channels.leases, beatDb.knex);
  const node = new ClusterNode(repo, o);
  const changes = new ChangeFeed(
    o.name,
    (payload) => repo.notify(channels.changes, payload),
    (msg) => log('warn', msg),
  );
  const listener = new NotifyListener({
    url: db.url,
    channels: [channels.leases, channels.changes],
    keepaliveMs: o.keepaliveMs ?? o.heartbeatMs ?? 1000,
    onNotify: (channel, payload) => {
      if (channel === channels.changes) changes.receive(payload);
      else if (payload === o.name) void node.sync();
    },
    onReconnect: () => {
      log('info', `cluster: ${o.name} listens again; resyncing`);
      void node.sync();
      changes.resync();
    },
    onError: (msg) => log('warn', `cluster: ${msg}`),
  });
  node.onError((msg) => log('warn', msg));
  await listener.start();
  try {
    await node.start();
  } catch (err) {
    await node.close();
    await listener.close();
    await beatDb.close();
    throw err;
  }
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      await node.close();
      await listener.close();
      await beatDb.close();
    })());
  return { node, changes, close };
}

/** The cluster parts when `cluster.enabled`, else null (one node alone needs none of it). */
export async function buildCluster(
  config: Config,
  db: Database,
  closers: Closers,
  log: Log,
): Promise<ClusterParts | null> {
  const c = config.cluster;
  if (!c.enabled) return null;
  const name = config.server.nodeName || hostname();
  const address = c.advertisedAddress || config.server.publicUrl || `http://${hostname()}:${config.server.port}`;
  const parts = await startClusterNode(
    db,
    { name, address, heartbeatMs: c.heartbeatMs, ttlMs: c.ttlMs, fenceMarginMs: c.fenceMarginMs },
    log,
  );
  closers.add(() => parts.close());
  log('info', `cluster: node ${name} (${address}) joined`);
  return parts;
}
