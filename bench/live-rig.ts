// The live bench's rig: simulated clock cameras (1 s and 2 s GOP), a gateway, a bench user, cameras registered through the API.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../config/load';
import { startGateway, type Gateway } from '../gateway/main';
import { hashPassword } from '../gateway/auth/passwords';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { apiCall, type ApiAnswer } from './api-call';

export const BENCH_USER = 'bench-live';
export const BENCH_PASSWORD = 'pw-bench-live';

/** One registered camera of the rig. */
export interface RigCamera {
  id: string;
  /** Unique in the console's search (no name is a prefix of another). */
  name: string;
  sim: RtspProcess;
  index: number;
}

export interface Rig {
  gw: Gateway;
  base: string;
  token: string;
  sims: RtspProcess[];
  /** Cameras by group name, in order. */
  cameras: Record<string, RigCamera[]>;
  api(method: string, url: string, body?: unknown): Promise<ApiAnswer>;
  /** Registers `count` cameras of `sim` (from camera index `from`) as group `group`. */
  register(group: string, sim: RtspProcess, count: number, from?: number): Promise<RigCamera[]>;
  /** Logs the bench user in again (a rig kept across runs outlives its access token). */
  login(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the gateway (fresh schema) and logs the bench user in; sims are started by the caller and closed here. */
export async function startRig(
  sims: RtspProcess[],
  transcoder: Record<string, unknown> = {},
  more: { config?: Record<string, unknown>; log?: (level: 'info' | 'warn' | 'error', msg: string) => void } = {},
): Promise<Rig> {
  const dbUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_live_${process.pid}_${randomBytes(3).toString('hex')}`;
  const hlsDir = mkdtempSync(path.join(tmpdir(), 'ce-bench-live-'));
  const config = loadConfig({
    env: {},
    overrides: {
      server: { port: 0, host: '127.0.0.1' },
      database: { url: dbUrl },
      security: {
        secretKey: randomBytes(32).toString('hex'),
        loginMaxPerUser: 10_000,
        loginMaxPerIp: 10_000,
        cameraAddressExceptions: ['127.0.0.0/8'],
      },
      transcoder: { hlsDir, idleTimeoutS: 8, maxWorkers: 200, ...transcoder },
      health: { enabled: false },
      ...more.config,
    },
  });
  const gw = await startGateway(config, { schema, log: more.log ?? (() => undefined) });
  const base = `http://127.0.0.1:${gw.port}`;
  const close = async (): Promise<void> => {
    // the gateway first (its last audit writes land), then its schema
    await gw.close();
    const c = new pg.Client({ connectionString: dbUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
    await Promise.all(sims.map((s) => s.close()));
    rmSync(hlsDir, { recursive: true, force: true });
  };
  try {
    const dept = (await gw.repos.org.departments())[0]!.id;
    await gw.repos.accounts.createUser({
      username: BENCH_USER,
      displayName: BENCH_USER,
      passwordHash: await hashPassword(BENCH_PASSWORD),
      role: 'admin',
      departmentId: dept,
      areaGridId: null,
      locale: 'zh-CN',
    });
    let token = '';
    const api: Rig['api'] = (method, url, body) => apiCall(base, token, method, url, body);
    const login = async (): Promise<void> => {
      token = '';
      const r = await api('POST', '/api/v1/auth/login', { username: BENCH_USER, password: BENCH_PASSWORD });
      if (r.status !== 200) throw new Error(`bench live: login failed: ${r.status} ${r.text}`);
      token = r.body.accessToken as string;
    };
    await login();
    const [lng0, lat0] = config.map.center as [number, number];
    const cameras: Record<string, RigCamera[]> = {};
    let placed = 0;
    const register: Rig['register'] = async (group, sim, count, from = 0) => {
      const out: RigCamera[] = [];
      for (let k = 0; k < count; k++) {
        const index = from + k;
        const name = `blv-${group}-${String(k).padStart(3, '0')}`;
        // on a grid 150 m apart, so no two markers cluster when the search shows one
        const n = placed++;
        const r = await api('POST', '/api/v1/cameras', {
          name,
          mainUri: sim.url(index, 'main'),
          subUri: sim.url(index, 'sub'),
          streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
          lng: lng0 + ((n % 20) - 10) * 0.0015,
          lat: lat0 + (Math.floor(n / 20) - 5) * 0.0014,
        });
        if (r.status !== 201) throw new Error(`bench live: registering ${name} failed: ${r.status} ${r.text}`);
        out.push({ id: r.body.id as string, name, sim, index });
      }
      (cameras[group] ??= []).push(...out);
      return out;
    };
    return { gw, base, token, sims, cameras, api, register, login, close };
  } catch (e) {
    await close();
    throw e;
  }
}
