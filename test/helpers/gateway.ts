// Starts a real gateway on port 0 against the test PostgreSQL, isolated in a throw-away schema.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type Config } from '../../config/load';
import { startGateway, type Gateway } from '../../gateway/main';
import { hashPassword } from '../../gateway/auth/passwords';
import type { Role } from '../../gateway/auth/policy';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestGateway {
  gw: Gateway;
  base: string;
  schema: string;
  departments: Record<'police' | 'traffic' | 'urban', number>;
  /** Creates a user directly (password "pw-<username>") and returns its id. */
  addUser(username: string, role: Role, department: 'police' | 'traffic' | 'urban' | null): Promise<number>;
  /** Logs in through the API and returns the access token. */
  login(username: string): Promise<string>;
  api(
    method: string,
    url: string,
    opts?: {
      token?: string;
      apiKey?: string;
      body?: unknown;
      raw?: string;
      type?: string;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  /**
   * Closes the gateway and starts it again on the same schema and config (tokens stay valid); `samePort`: on the port
   * it had, so browsers and sockets connect to it again; `whileDown` runs in between (the database is reachable).
   */
  restart(opts?: { samePort?: boolean; whileDown?: () => Promise<void> }): Promise<void>;
  close(): Promise<void>;
}

/** Deep-merged over the shipped config; a fresh secret key, port 0. */
export function testConfig(overrides: Record<string, unknown> = {}): Config {
  // health checks off unless a test asks: test cameras often carry made-up addresses nobody may probe
  // test cameras live on loopback and made-up private addresses, mostly without a network: an admin's
  // exception lets them be registered; the reach tests set cameraAddressExceptions: [] to see the rules
  const exceptions = ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
  const security = {
    secretKey: randomBytes(32).toString('hex'),
    loginMaxPerUser: 50,
    loginMaxPerIp: 500,
    cameraAddressExceptions: exceptions,
  };
  const base = {
    server: { port: 0, host: '127.0.0.1' },
    health: { enabled: false },
    database: { url: TEST_DATABASE_URL },
    security,
  };
  const merge = (a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...a };
    for (const [k, v] of Object.entries(b))
      out[k] =
        v && typeof v === 'object' && !Array.isArray(v) && typeof a[k] === 'object'
          ? merge(a[k] as Record<string, unknown>, v as Record<string, unknown>)
          : v;
    return out;
  };
  return loadConfig({ env: {}, overrides: merge(base, overrides) });
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await c.end();
}

export async function startTestGateway(
  overrides: Record<string, unknown> = {},
  opts: {
    onLog?: (level: string, msg: string, fields?: Record<string, string | number | boolean | null>) => void;
    /** Another gateway's schema (a cluster node beside it): left for that gateway to drop. */
    schema?: string;
  } = {},
): Promise<TestGateway> {
  const schema = opts.schema ?? `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const hlsDir = mkdtempSync(path.join(tmpdir(), 'ce-hls-'));
  const recDir = mkdtempSync(path.join(tmpdir(), 'ce-rec-'));
  const config = testConfig({
    transcoder: { hlsDir },
    ...overrides,
    recording: { volumes: [{ path: recDir, quotaBytes: 0 }], reserveBytes: 0, ...(overrides.recording ?? {}) },
  });
  const gw = await startGateway(config, { schema, log: opts.onLog ?? (() => undefined) });
  const base = `http://127.0.0.1:${gw.port}`;
  const deps = await gw.repos.org.departments();
  const departments = Object.fromEntries(deps.map((d) => [d.code, d.id])) as TestGateway['departments'];
  const t: TestGateway = {
    gw,
    base,
    schema,
    departments,
    async addUser(username, role, department) {
      const u = await t.gw.repos.accounts.createUser({
        username,
        displayName: username,
        passwordHash: await hashPassword(`pw-${username}`),
        role,
        departmentId: department ? departments[department] : null,
        areaGridId: null,
        locale: 'zh-CN',
      });
      return u.id;
    },
    async login(username) {
      const r = await t.api('POST', '/api/v1/auth/login', { body: { username, password: `pw-${username}` } });
      if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
      return r.body.accessToken as string;
    },
    async api(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
      let body: string | undefined;
      if (opts.raw !== undefined) {
        body = opts.raw;
        headers['content-type'] = opts.type ?? 'application/json';
      } else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = opts.type ?? 'application/json';
      }
      const res = await fetch(t.base + url, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = undefined;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
    async restart(o = {}) {
      const cfg = t.gw.config;
      const config = o.samePort ? { ...cfg, server: { ...cfg.server, port: t.gw.port } } : cfg;
      await t.gw.close();
      await o.whileDown?.();
      t.gw = await startGateway(config, { schema, log: opts.onLog ?? (() => undefined) });
      t.base = `http://127.0.0.1:${t.gw.port}`;
    },
    async close() {
      await t.gw.close();
      if (!opts.schema) await dropSchema(schema);
      rmSync(hlsDir, { recursive: true, force: true });
      rmSync(recDir, { recursive: true, force: true });
    },
  };
  return t;
}
