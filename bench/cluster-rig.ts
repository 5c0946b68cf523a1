// The cluster rig: simulated cameras, a migrated schema, gateway nodes as processes, an admin, cameras registered.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Database } from '../gateway/db/database';
import { AccountsRepo } from '../gateway/db/accounts-repo';
import { OrgRepo } from '../gateway/db/org-repo';
import { RecordingPlansRepo } from '../gateway/db/recording-plans-repo';
import { checkPlan } from '../gateway/recordings/plan-rules';
import { hashPassword } from '../gateway/auth/passwords';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { apiCall, type ApiAnswer } from './api-call';
import { GatewayNodes, type NodeProcess } from './cluster-nodes';

const USER = 'bench-cluster';
const PASSWORD = 'pw-bench-cluster';

export interface RigCamera {
  id: string;
  /** Camera index on the simulated server (its mounts /cam/<index>/main|sub). */
  index: number;
  recorded: boolean;
}

export interface ClusterRigOptions {
  dbUrl: string;
  /** Node names, started in parallel. */
  names: string[];
  /** Cameras registered (one simulated server serves them all at the cost of two encoders). */
  cameras: number;
  /** The first `recorded` cameras carry the tag "rec", which a continuous plan records (main profile). */
  recorded: number;
  /** Config overrides of every node. */
  config?: Record<string, unknown>;
  /** Per node name: its own database URL (e.g. through a relay a test cuts). */
  urls?: Record<string, string>;
}

export interface ClusterRig {
  nodes: GatewayNodes;
  sim: RtspProcess;
  cameras: RigCamera[];
  schema: string;
  token: string;
  api(n: NodeProcess, method: string, url: string, body?: unknown): Promise<ApiAnswer>;
  /** POST /cameras/{id}/streams on node `n`. */
  open(n: NodeProcess, cameraId: string, profile: 'main' | 'sub'): Promise<ApiAnswer>;
  /** Unexpired leases: `<cam>.<profile>` → node. */
  leases(): Promise<Map<string, string>>;
  /** Live nodes: name → boot id. */
  liveNodes(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export async function startClusterRig(o: ClusterRigOptions): Promise<ClusterRig> {
  const schema = `cl_${process.pid}_${randomBytes(3).toString('hex')}`;
  const sim = await RtspProcess.start({ count: o.cameras, fps: 10, width: 320, height: 240, gopS: 0.5 });
  const db = new Database({ url: o.dbUrl, schema, log: () => undefined });
  const nodes = new GatewayNodes(o.dbUrl, schema, o.config ?? {});
  const close = async (): Promise<void> => {
    await nodes.close();
    await db.close().catch(() => undefined);
    const c = new pg.Client({ connectionString: o.dbUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
    await sim.close();
  };
  try {
    // migrated once here, so the nodes starting together find it done
    await db.ensureSchema();
    await db.migrateUp();
    const dept = (await new OrgRepo(db.knex).departments())[0]!.id;
    await new AccountsRepo(db.knex).createUser({
      username: USER,
      displayName: USER,
      passwordHash: await hashPassword(PASSWORD),
      role: 'admin',
      departmentId: dept,
      areaGridId: null,
      locale: 'zh-CN',
    });
    const plan = { scope: 'tag', tag: 'rec', mode: 'continuous', profile: 'main' };
    await new RecordingPlansRepo(db.knex).upsert(checkPlan(plan, 10, 'bench'));
    await Promise.all(o.names.map((name) => nodes.start(name, {}, o.urls?.[name])));
    const first = nodes.nodes[0]!;
    const login = await apiCall(first.base, '', 'POST', '/api/v1/auth/login', { username: USER, password: PASSWORD });
    if (login.status !== 200) throw new Error(`cluster rig: login failed: ${login.status} ${login.text}`);
    const token = login.body.accessToken as string;
    const api: ClusterRig['api'] = (n, method, url, body) => apiCall(n.base, token, method, url, body);
    const cameras: RigCamera[] = [];
    for (let i = 0; i < o.cameras; i++) {
      const recorded = i < o.recorded;
      // registered through every node in turn: each change reaches the others through the change feed
      const r = await api(nodes.nodes[i % nodes.nodes.length]!, 'POST', '/api/v1/cameras', {
        name: `cl-${String(i).padStart(3, '0')}`,
        mainUri: sim.url(i, 'main'),
        subUri: sim.url(i, 'sub'),
        streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
        lng: 116.3 + (i % 20) * 0.002,
        lat: 39.9 + Math.floor(i / 20) * 0.002,
        tags: recorded ? ['rec'] : [],
      });
      if (r.status !== 201) throw new Error(`cluster rig: registering camera ${i}: ${r.status} ${r.text}`);
      cameras.push({ id: String(r.body.id), index: i, recorded });
    }
    return {
      nodes,
      sim,
      cameras,
      schema,
      token,
      api,
      open: (n, id, profile) => api(n, 'POST', `/api/v1/cameras/${id}/streams`, { profile }),
      leases: async () => {
        const r = await db.knex.raw(
          'SELECT camera_id, profile, node FROM stream_leases WHERE expires_at > now() ORDER BY 1, 2',
        );
        const rows = r.rows as Array<{ camera_id: string; profile: string; node: string }>;
        return new Map(rows.map((x) => [`${x.camera_id}.${x.profile}`, x.node]));
      },
      liveNodes: async () => {
        const r = await db.knex.raw('SELECT name, boot_id FROM cluster_nodes WHERE expires_at > now()');
        return new Map((r.rows as Array<{ name: string; boot_id: string }>).map((x) => [x.name, x.boot_id]));
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
