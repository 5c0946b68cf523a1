// HTTP benchmark of GET /gis/nearby: a real gateway over 1M seeded cameras, driven by a separate load process.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../../config/load';
import { hashPassword } from '../../gateway/auth/passwords';
import { generateBenchCameras } from '../../gateway/db/cameras-repo';
import { startGateway } from '../../gateway/main';
import type { LoadOptions, LoadResult } from './gis-http-load';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const CENTER: [number, number] = [111.69, 29.03];

export interface HttpBenchOptions {
  databaseUrl: string;
  /** Cameras seeded. Default 1,000,000. */
  cameras?: number;
  /** Concurrent clients. Default 50. */
  clients?: number;
  /** Measured seconds (after `warmupS`). Defaults 10 and 3. */
  durationS?: number;
  warmupS?: number;
  log: (line: string) => void;
}

/** Runs the load generator in its own process so it does not share the gateway's event loop. */
function runLoad(base: string, token: string, rest: Omit<LoadOptions, 'base' | 'token'>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'gis-http-load.ts'), base, token, JSON.stringify(rest)], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`load generator exited ${code}: ${err.slice(0, 500)}`));
      else resolve(JSON.parse(line) as LoadResult);
    });
  });
}

/**
 * Seeds a throw-away schema with `cameras` cameras, starts the gateway on it, logs a viewer of one
 * department (plus a tag share from another) in and measures GET /api/v1/gis/nearby (radius 2 km,
 * limit 10) from `clients` keep-alive clients. Prints `bench http_nearby_p99_ms` and `http_nearby_rps`.
 */
export async function benchHttp(opts: HttpBenchOptions): Promise<LoadResult> {
  const { log } = opts;
  const n = opts.cameras ?? 1_000_000;
  const clients = opts.clients ?? 50;
  const schema = `bench_http_${process.pid}_${randomBytes(3).toString('hex')}`;
  const hlsDir = mkdtempSync(path.join(tmpdir(), 'ce-bench-hls-'));
  const config = loadConfig({
    env: {},
    overrides: {
      server: { port: 0, host: '127.0.0.1' },
      database: { url: opts.databaseUrl },
      security: { secretKey: randomBytes(32).toString('hex') },
      transcoder: { hlsDir },
      health: { enabled: false },
    },
  });
  const warnings: string[] = [];
  const gw = await startGateway(config, { schema, log: (level, msg) => void (level !== 'info' && warnings.push(msg)) });
  try {
    const deps = await gw.repos.org.departments();
    const [own, other] = deps;
    if (!own || !other) throw new Error('bench: the schema has fewer than two departments');
    let t = performance.now();
    await generateBenchCameras(gw.db.knex, n, { center: CENTER, spanDeg: 0.5, departmentIds: deps.map((d) => d.id) });
    const seedS = (performance.now() - t) / 1000;
    await gw.repos.accounts.createUser({
      username: 'bench-viewer', displayName: 'bench viewer', passwordHash: await hashPassword('bench-viewer-pw'),
      role: 'viewer', departmentId: own.id, areaGridId: null, locale: 'zh-CN',
    });
    await gw.repos.org.createShare({
      fromDepartmentId: other.id, toDepartmentId: own.id, kind: 'tags', tags: ['school'], cameraIds: [], polygon: null,
      note: 'bench', expiresAt: null, createdBy: null,
    });
    t = performance.now();
    await gw.reload();
    log(`# http: seeded ${n} cameras in ${seedS.toFixed(1)} s, gateway reload ${((performance.now() - t) / 1000).toFixed(1)} s; viewer of ${own.code} + "school" share from ${other.code}`);
    const base = `http://127.0.0.1:${gw.port}`;
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-viewer', password: 'bench-viewer-pw' }),
    });
    if (res.status !== 200) throw new Error(`bench: login failed: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as { accessToken: string }).accessToken;
    const r = await runLoad(base, token, {
      clients, warmupS: opts.warmupS ?? 3, durationS: opts.durationS ?? 10, minRequests: 20_000,
      center: CENTER, halfDeg: 0.2, radiusM: 2000, limit: 10,
    });
    log(`# http: ${r.requests} requests in ${r.seconds.toFixed(1)} s from ${clients} clients, ${r.errors} errors${r.firstError ? ` (first: ${r.firstError})` : ''}, ${r.meanItems.toFixed(2)} items/response, p50 ${r.p50Ms.toFixed(2)} ms, p90 ${r.p90Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(1)} ms`);
    if (warnings.length) log(`# http: gateway warnings: ${warnings.slice(0, 3).join(' | ')}`);
    log(`bench http_nearby_p99_ms ${r.p99Ms.toFixed(2)} ms`);
    log(`bench http_nearby_rps ${r.rps.toFixed(0)} req/s`);
    return r;
  } finally {
    await gw.close();
    const c = new pg.Client({ connectionString: opts.databaseUrl });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
    rmSync(hlsDir, { recursive: true, force: true });
  }
}
