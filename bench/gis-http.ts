// HTTP benchmark of GET /gis/nearby: a real gateway over 1M seeded cameras, driven by a separate load process.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../config/load';
import { hashPassword } from '../gateway/auth/passwords';
import { generateBenchCameras } from '../sim/bench-cameras';
import { startGateway } from '../gateway/main';
import { drive, type LoadResult } from './gis-http-load';

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

/** Mean items per answer of `samples` random queries (checks the run measures real answers, not empty ones). */
async function sampleItems(
  base: string,
  token: string,
  samples: number,
  center: [number, number],
  halfDeg: number,
): Promise<{ mean: number; body: string }> {
  let items = 0,
    body = '';
  for (let i = 0; i < samples; i++) {
    const lng = center[0] + (((i * 7919) % 1000) / 500 - 1) * halfDeg,
      lat = center[1] + (((i * 104729) % 1000) / 500 - 1) * halfDeg;
    const res = await fetch(
      `${base}/api/v1/gis/nearby?lng=${lng.toFixed(6)}&lat=${lat.toFixed(6)}&radius=2000&limit=10`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    const text = await res.text();
    if (res.status !== 200) throw new Error(`bench: nearby answered ${res.status}: ${text.slice(0, 200)}`);
    items += (JSON.parse(text) as { items: unknown[] }).items.length;
    if (text.length > body.length) body = text;
  }
  return { mean: items / samples, body };
}

/** The baseline of the same run: a bare node:http server answering every request with one fixed body. */
async function bareServer(body: string): Promise<{ base: string; close: () => Promise<void> }> {
  const buf = Buffer.from(body);
  const srv = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': buf.length });
    res.end(buf);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        srv.closeAllConnections();
        srv.close(() => r());
      }),
  };
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
      username: 'bench-viewer',
      displayName: 'bench viewer',
      passwordHash: await hashPassword('bench-viewer-pw'),
      role: 'viewer',
      departmentId: own.id,
      areaGridId: null,
      locale: 'zh-CN',
    });
    await gw.repos.org.createShare({
      fromDepartmentId: other.id,
      toDepartmentId: own.id,
      kind: 'tags',
      tags: ['school'],
      cameraIds: [],
      polygon: null,
      note: 'bench',
      grants: 'live',
      expiresAt: null,
      createdBy: null,
    });
    t = performance.now();
    await gw.reload();
    // A gateway serves for days after its start-up load: measure that steady state, not the first
    // major collection of the million rows the reload just read (the gc is exposed by `cloudeye bench`).
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) gc();
    // cloudeye bench runs in the node that `cloudeye serve` runs the gateway in (gateway/cli/launch.ts)
    log(
      `# http: gateway node ${process.version} ${process.execArgv.filter((a) => !a.startsWith('--import') && a !== 'tsx').join(' ') || '(no flags)'}`,
    );
    log(
      `# http: ${gc ? 'collected the reload garbage; ' : ''}` +
        `seeded ${n} cameras in ${seedS.toFixed(1)} s, gateway reload ${((performance.now() - t) / 1000).toFixed(1)} s` +
        `; viewer of ${own.code} + "school" share from ${other.code}`,
    );
    const base = `http://127.0.0.1:${gw.port}`;
    const res = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench-viewer', password: 'bench-viewer-pw' }),
    });
    if (res.status !== 200) throw new Error(`bench: login failed: ${res.status} ${await res.text()}`);
    const token = ((await res.json()) as { accessToken: string }).accessToken;
    const sample = await sampleItems(base, token, 200, CENTER, 0.2);
    const load = {
      clients,
      warmupS: opts.warmupS ?? 3,
      durationS: opts.durationS ?? 10,
      center: CENTER,
      halfDeg: 0.2,
      radiusM: 2000,
      limit: 10,
    };
    const r = await drive({ ...load, base, token });
    log(
      `# http: wrk, ${clients} connections: ${r.requests} requests in ${r.seconds.toFixed(1)} s, ${r.errors} errors` +
        `, ${sample.mean.toFixed(2)} items/answer (200 sampled), p50 ${r.p50Ms.toFixed(2)} ms` +
        `, p90 ${r.p90Ms.toFixed(2)} ms, max ${r.maxMs.toFixed(1)} ms`,
    );
    if (r.errors > 0) throw new Error(`bench: ${r.errors} of ${r.requests} requests failed`);
    if (sample.mean < 9)
      throw new Error(`bench: only ${sample.mean.toFixed(2)} cameras per answer; the data does not exercise the query`);
    if (warnings.length) log(`# http: gateway warnings: ${warnings.slice(0, 3).join(' | ')}`);
    // Baseline, same run and load: what node:http alone achieves sending a ${sample.body.length}-byte answer.
    const bare = await bareServer(sample.body);
    let b: LoadResult;
    try {
      b = await drive({ ...load, base: bare.base, token });
    } finally {
      await bare.close();
    }
    log(
      `# http: baseline node:http with a fixed ${sample.body.length}-byte answer: ${b.rps.toFixed(0)} req/s, p50 ${b.p50Ms.toFixed(2)} ms`,
    );
    log(`bench http_nearby_p99_ms ${r.p99Ms.toFixed(2)} ms`);
    log(`bench http_nearby_rps ${r.rps.toFixed(0)} req/s`);
    log(`bench http_bare_p99_ms ${b.p99Ms.toFixed(2)} ms`);
    log(`bench http_nearby_p99_ratio ${(r.p99Ms / b.p99Ms).toFixed(2)} x`);
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
