// What a cluster node needs of the database (declared by the user of it, STYLE §5): registration, heartbeats, leases.

export interface LeaseKey {
  cameraId: string;
  profile: string;
}
export interface LeaseHolder {
  node: string;
  address: string;
  bootId: string;
}
export interface NodeInfo {
  name: string;
  address: string;
  bootId: string;
  load: number;
}

/** What the node needs of the database (gateway/db/cluster-repo.ts), every time taken from PostgreSQL's clock. */
export interface ClusterStore {
  register(n: NodeInfo, ttlMs: number): Promise<{ address: string; heartbeatAgeMs: number } | null>;
  heartbeat(
    name: string,
    bootId: string,
    load: number,
    ttlMs: number,
  ): Promise<{ registered: boolean; leases: LeaseKey[]; nodes: string[] }>;
  leave(name: string, bootId: string): Promise<void>;
  liveNodes(): Promise<NodeInfo[]>;
  /** Places a free lease on the least loaded live node, or on node `on` only (null when it is not live). */
  acquire(key: LeaseKey, ttlMs: number, on?: string): Promise<{ holder: LeaseHolder; placed: boolean } | null>;
  holder(key: LeaseKey): Promise<LeaseHolder | null>;
  release(key: LeaseKey, name: string, bootId: string): Promise<boolean>;
  takeOverExpired(ttlMs: number, limit: number): Promise<Array<LeaseKey & { node: string }>>;
}
