// Cluster rows: node registration and heartbeats, and the lease of each (camera, profile) pull — every time from PostgreSQL's clock.
import type { Knex } from 'knex';

/** A (camera, profile) pull: the unit a lease is held for. */
export interface LeaseKey {
  cameraId: string;
  profile: string;
}

/** A live node as registered: name, advertised address, boot id and the load it last reported. */
export interface NodeRow {
  name: string;
  address: string;
  bootId: string;
  load: number;
}

/** Who holds a lease: the node's name, its advertised address and its boot id. */
export interface LeaseHolder {
  node: string;
  address: string;
  bootId: string;
}

/** The live node that kept a name a second node asked for, with how long ago it last beat. */
export interface NameHolder {
  address: string;
  bootId: string;
  heartbeatAgeMs: number;
}

const TTL = `(?::numeric * interval '1 millisecond')`;

/**
 * SQL over cluster_nodes and stream_leases; `channel` is where a lease placed on a node is announced (payload: its name).
 * Heartbeats, take-overs and leaving run on `beatKnex` (a small pool of their own): a burst of acquires or any other
 * work queued on the main pool must not delay a renewal past the TTL.
 */
export class ClusterRepo {
  constructor(
    private readonly knex: Knex,
    private readonly channel: string,
    private readonly beatKnex: Knex = knex,
  ) {}

  /**
   * Registers a node for `ttlMs`; a name whose holder's heartbeat has expired is taken over. Resolves null when
   * registered, or with the live node that holds the name.
   */
  async register(n: NodeRow, ttlMs: number): Promise<NameHolder | null> {
    const r = await this.knex.raw(
      `INSERT INTO cluster_nodes AS c (name, address, boot_id, load, started_at, heartbeat_at, expires_at)
       VALUES (?, ?, ?, ?, now(), now(), now() + ${TTL})
       ON CONFLICT (name) DO UPDATE SET address = EXCLUDED.address, boot_id = EXCLUDED.boot_id, load = EXCLUDED.load,
         started_at = now(), heartbeat_at = now(), expires_at = EXCLUDED.expires_at
       WHERE c.expires_at <= now()
       RETURNING name`,
      [n.name, n.address, n.bootId, n.load, ttlMs],
    );
    if (r.rows.length > 0) return null;
    const held = await this.knex.raw(
      `SELECT address, boot_id, (extract(epoch FROM now() - heartbeat_at) * 1000)::int AS age
       FROM cluster_nodes WHERE name = ? AND expires_at > now()`,
      [n.name],
    );
    const row = held.rows[0] as { address: string; boot_id: string; age: number } | undefined;
    // expired between the two statements: try once more
    if (!row) return this.register(n, ttlMs);
    return { address: row.address, bootId: row.boot_id, heartbeatAgeMs: row.age };
  }

  /**
   * One heartbeat, one statement: the node's row and every unexpired lease it holds are extended by `ttlMs`; the
   * names of the live nodes come back with it. `registered` is false when the row is no longer this boot's (its name was taken after it expired).
   */
  async heartbeat(
    name: string,
    bootId: string,
    load: number,
    ttlMs: number,
  ): Promise<{ registered: boolean; leases: LeaseKey[]; nodes: string[] }> {
    const r = await this.beatKnex.raw(
      `WITH me AS (
         UPDATE cluster_nodes SET heartbeat_at = now(), expires_at = now() + ${TTL}, load = ?
         WHERE name = ? AND boot_id = ? RETURNING name
       ), renewed AS (
         UPDATE stream_leases SET expires_at = now() + ${TTL}
         WHERE node = ? AND boot_id = ? AND expires_at > now() AND EXISTS (SELECT 1 FROM me)
         RETURNING camera_id, profile
       )
       SELECT (SELECT count(*) FROM me)::int AS registered,
         coalesce((SELECT json_agg(json_build_array(camera_id, profile)) FROM renewed), '[]'::json) AS leases,
         coalesce((SELECT json_agg(name ORDER BY name) FROM cluster_nodes WHERE expires_at > now()), '[]'::json) AS nodes`,
      [ttlMs, load, name, bootId, ttlMs, name, bootId],
    );
    const row = r.rows[0] as { registered: number; leases: Array<[string, string]>; nodes: string[] };
    // the statement's snapshot predates its own update: this node is live when the update found its row
    const nodes = row.registered > 0 && !row.nodes.includes(name) ? [...row.nodes, name].sort() : row.nodes;
    return {
      registered: row.registered > 0,
      leases: row.leases.map(([cameraId, profile]) => ({ cameraId, profile })),
      nodes,
    };
  }

  /** Orderly leave: the node's leases and its row expire now (survivors take the leases over, the name is free). */
  async leave(name: string, bootId: string): Promise<void> {
    await this.beatKnex.transaction(async (trx) => {
      await trx.raw('UPDATE stream_leases SET expires_at = now() WHERE node = ? AND boot_id = ?', [name, bootId]);
      await trx.raw('UPDATE cluster_nodes SET expires_at = now() WHERE name = ? AND boot_id = ?', [name, bootId]);
    });
  }

  /** Nodes whose heartbeat has not expired, by name. */
  async liveNodes(): Promise<NodeRow[]> {
    const r = await this.knex.raw(
      'SELECT name, address, boot_id, load FROM cluster_nodes WHERE expires_at > now() ORDER BY name',
    );
    return (r.rows as Array<{ name: string; address: string; boot_id: string; load: number }>).map((x) => ({
      name: x.name,
      address: x.address,
      bootId: x.boot_id,
      load: x.load,
    }));
  }

  /**
   * The lease of `key`: kept by its holder while unexpired, else placed (or taken over) on the least loaded live node
   * — its reported load, or the leases it holds when more. Exactly one caller places it, however many race.
   * Resolves with the holder and whether this call placed it, or null when no node is alive.
   */
  async acquire(key: LeaseKey, ttlMs: number, on?: string): Promise<{ holder: LeaseHolder; placed: boolean } | null> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const r = await this.knex.raw(
        `WITH target AS (
           SELECT n.name, n.boot_id, n.address FROM cluster_nodes n
           WHERE n.expires_at > now() AND (?::text IS NULL OR n.name = ?::text)
           ORDER BY greatest(n.load, (SELECT count(*) FROM stream_leases l
             WHERE l.node = n.name AND l.boot_id = n.boot_id AND l.expires_at > now())), n.name
           LIMIT 1
         ), placed AS (
           INSERT INTO stream_leases AS s (camera_id, profile, node, boot_id, acquired_at, expires_at)
           SELECT ?, ?, name, boot_id, now(), now() + ${TTL} FROM target
           ON CONFLICT (camera_id, profile) DO UPDATE SET node = EXCLUDED.node, boot_id = EXCLUDED.boot_id,
             acquired_at = now(), expires_at = EXCLUDED.expires_at
           WHERE s.expires_at <= now()
           RETURNING node, boot_id
         )
         SELECT p.node, p.boot_id, t.address, pg_notify(?, p.node) FROM placed p JOIN target t ON t.name = p.node`,
        [on ?? null, on ?? null, key.cameraId, key.profile, ttlMs, this.channel],
      );
      const row = r.rows[0] as { node: string; boot_id: string; address: string } | undefined;
      if (row) return { holder: { node: row.node, address: row.address, bootId: row.boot_id }, placed: true };
      const holder = await this.holder(key);
      if (holder) return { holder, placed: false };
      const live = await this.liveNodes();
      if (live.length === 0 || (on && !live.some((n) => n.name === on))) return null;
      // released or expired between the two statements: place it again
    }
    return null;
  }

  /** Pins a source ('gb28181:<device>', 'cascade:<peer>') to the node that alone can pull it. */
  async pin(source: string, node: string): Promise<void> {
    await this.knex.raw(
      `INSERT INTO pull_pins (source, node, updated_at) VALUES (?, ?, now())
       ON CONFLICT (source) DO UPDATE SET node = EXCLUDED.node, updated_at = now()`,
      [source, node],
    );
  }

  /** The node a source is pinned to, or null. */
  async pinOf(source: string): Promise<string | null> {
    const row = (await this.knex('pull_pins').where({ source }).first('node')) as { node: string } | undefined;
    return row?.node ?? null;
  }

  /** The holder of an unexpired lease of `key`, or null. */
  async holder(key: LeaseKey): Promise<LeaseHolder | null> {
    const r = await this.knex.raw(
      `SELECT s.node, s.boot_id, n.address FROM stream_leases s JOIN cluster_nodes n ON n.name = s.node
       WHERE s.camera_id = ? AND s.profile = ? AND s.expires_at > now()`,
      [key.cameraId, key.profile],
    );
    const row = r.rows[0] as { node: string; boot_id: string; address: string } | undefined;
    return row ? { node: row.node, address: row.address, bootId: row.boot_id } : null;
  }

  /** Gives a lease up (only this boot's): true when it held it. */
  async release(key: LeaseKey, name: string, bootId: string): Promise<boolean> {
    const n = await this.knex('stream_leases')
      .where({ camera_id: key.cameraId, profile: key.profile, node: name, boot_id: bootId })
      .delete();
    return n > 0;
  }

  /**
   * Moves up to `limit` expired leases to the least loaded live nodes, in one transaction whose rows are locked
   * with SKIP LOCKED: nodes sweeping at once each move different leases, none twice. Each receiving node is
   * notified on commit. Resolves with the leases moved and where to.
   */
  async takeOverExpired(ttlMs: number, limit: number): Promise<Array<LeaseKey & { node: string }>> {
    return this.beatKnex.transaction(async (trx) => {
      const expired = (
        await trx.raw(
          `SELECT camera_id, profile FROM stream_leases WHERE expires_at <= now()
           ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED`,
          [limit],
        )
      ).rows as Array<{ camera_id: string; profile: string }>;
      if (expired.length === 0) return [];
      const nodes = (
        await trx.raw(
          `SELECT n.name, n.boot_id, greatest(n.load, (SELECT count(*) FROM stream_leases l
             WHERE l.node = n.name AND l.boot_id = n.boot_id AND l.expires_at > now()))::int AS load
           FROM cluster_nodes n WHERE n.expires_at > now() ORDER BY n.name`,
        )
      ).rows as Array<{ name: string; boot_id: string; load: number }>;
      if (nodes.length === 0) return [];
      const to = expired.map(() => {
        const least = nodes.reduce((a, b) => (b.load < a.load ? b : a));
        least.load += 1;
        return least;
      });
      const moved = (
        await trx.raw(
          `UPDATE stream_leases s SET node = v.node, boot_id = v.boot_id, acquired_at = now(), expires_at = now() + ${TTL}
           FROM unnest(?::text[], ?::text[], ?::text[], ?::uuid[]) AS v(camera_id, profile, node, boot_id)
           WHERE s.camera_id = v.camera_id AND s.profile = v.profile AND s.expires_at <= now()
           RETURNING s.camera_id, s.profile, s.node`,
          [
            ttlMs,
            expired.map((e) => e.camera_id),
            expired.map((e) => e.profile),
            to.map((n) => n.name),
            to.map((n) => n.boot_id),
          ],
        )
      ).rows as Array<{ camera_id: string; profile: string; node: string }>;
      for (const node of new Set(moved.map((m) => m.node)))
        await trx.raw('SELECT pg_notify(?, ?)', [this.channel, node]);
      return moved.map((m) => ({ cameraId: m.camera_id, profile: m.profile, node: m.node }));
    });
  }

  /** Sends `payload` on `channel` to every listening node (delivered when the statement commits). */
  async notify(channel: string, payload: string): Promise<void> {
    await this.knex.raw('SELECT pg_notify(?, ?)', [channel, payload]);
  }
}
