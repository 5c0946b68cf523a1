// Wiring of the cluster: this node's registration and leases, and the change feed, over the cluster rows and one LISTEN.
import { hostname } from 'node:os';
import type { Config } from '../../config/load';
import { Database } from '../db/database';
import { ClusterRepo } from '../db/cluster-repo';
import { NotifyListener } from '../db/notify-listener';
import { ClusterNode, type ClusterNodeOptions } from '../cluster/cluster-node';
import { ChangeFeed } from '../cluster/change-feed';
import { rendezvousOwner } from '../cluster/rendezvous';
import type { HealthPartition } from './health';
import type { CameraChange } from '../cameras/camera-service';
import type { CameraRecord } from '../db/cameras-repo';
import type { Closers, Log } from './lifecycle';

export interface ClusterParts {
  node: ClusterNode;
  changes: ChangeFeed;
  /** Sources only one node can pull ('gb28181:<device>', 'cascade:<peer>'): pinned here, or whose they are. */
  pins: { here(source: string): void; of(source: string): Promise<string | null> };
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
  const pins: ClusterParts['pins'] = {
    here: (source) =>
      void repo.pin(source, o.name).catch((err: unknown) => log('warn', `cluster: pinning ${source}: ${String(err)}`)),
    of: (source) => repo.pinOf(source),
  };
  return { node, changes, pins, close };
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

/** What the change feed keeps current on this node, declared narrowly (gateway/cameras, gateway/auth/access). */
export interface ChangeTargets {
  cameras: { onChange(fn: (c: CameraChange) => void): () => void; emit(c: CameraChange): void };
  access: { onChange(fn: (origin: 'local' | 'remote') => void): () => void; reload(origin: 'remote'): Promise<void> };
  /** The stored camera, or null once deleted. */
  camera(id: string): Promise<CameraRecord | null>;
  /** A camera's health state, checked on another node, re-read: into the index and pushed to this node's sockets. */
  status(camera: CameraRecord): void;
  /** Re-reads cameras and shares whole (notifications were missed while the LISTEN connection was down). */
  resync(): Promise<void>;
}

/**
 * Tells the other nodes of this node's camera and share changes, and follows theirs: a camera is re-read by id and
 * emitted as a remote change (the spatial index, realtime and health follow it as a local one; it is not told on
 * again), shares are re-read whole. Re-reads of one camera run one at a time in arrival order, so an older read
 * never lands after a newer one.
 */
export function linkClusterChanges(parts: ClusterParts, t: ChangeTargets, log: Log): void {
  const fail =
    (what: string) =>
    (err: unknown): void =>
      log('warn', `cluster: ${what}: ${err instanceof Error ? err.message : String(err)}`);
  t.cameras.onChange((c) => {
    if (c.remote) return;
    const id = c.kind === 'upsert' ? c.camera.id : c.id;
    parts.changes.publish('camera', id).catch(fail(`telling the change of camera ${id}`));
  });
  t.access.onChange((origin) => {
    if (origin === 'local') parts.changes.publish('share', 'all').catch(fail('telling a share change'));
  });
  const queues = new Map<string, Promise<void>>();
  const follow = (id: string): void => {
    const next = (queues.get(id) ?? Promise.resolve())
      .then(async () => {
        const camera = await t.camera(id);
        t.cameras.emit(camera ? { kind: 'upsert', camera, remote: true } : { kind: 'remove', id, remote: true });
      })
      .catch(fail(`following camera ${id}`))
      .finally(() => {
        if (queues.get(id) === next) queues.delete(id);
      });
    queues.set(id, next);
  };
  const status = (id: string): void => {
    t.camera(id).then((c) => c && t.status(c), fail(`re-reading the state of camera ${id}`));
  };
  parts.changes.onChange((ch) => {
    if (ch.kind === 'camera') follow(ch.id);
    else if (ch.kind === 'status') status(ch.id);
    else if (ch.kind === 'share') t.access.reload('remote').catch(fail('re-reading shares'));
  });
  parts.changes.onResync(() => void t.resync().catch(fail('resync')));
}

/**
 * Health checks split by rendezvous hashing over the live nodes: each camera is checked by one node, and a node
 * joining or leaving moves only the cameras it takes or leaves. Before the first heartbeat (no members known) a node
 * checks everything.
 */
export function healthPartition(parts: ClusterParts, log: Log): HealthPartition {
  const { node, changes } = parts;
  return {
    owns: (id) => {
      const members = node.members();
      return members.length === 0 || rendezvousOwner(id, members) === node.name;
    },
    onChange: (fn) => node.onMembers(() => fn()),
    told: (ids) => {
      for (const id of ids)
        changes.publish('status', id).catch((err: unknown) => log('warn', `cluster: telling a state: ${String(err)}`));
    },
  };
}
