// Load generator of the HTTP nearby benchmark: wrk (C, epoll; Debian's package) with bench/nearby.lua.
// A load generator written in Node needs as much CPU per request as the server it measures: on this
// 2-core machine it capped even a bare node:http server at 11k req/s with p99 10 ms, where wrk drives
// the same server at 35k req/s with p99 5 ms. wrk runs in one thread, so the gateway keeps a core.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'nearby.lua');

export interface LoadOptions {
  /** Server base URL, e.g. http://127.0.0.1:41234 */
  base: string;
  /** Request path (query parameters are added by the script). Default /api/v1/gis/nearby. */
  path?: string;
  token: string;
  /** Concurrent keep-alive connections, one request in flight on each. */
  clients: number;
  /** Unmeasured warm-up run, then the measured run (seconds). */
  warmupS: number;
  durationS: number;
  /** Query points are drawn uniformly from [lng ± halfDeg] × [lat ± halfDeg]. */
  center: [number, number];
  halfDeg: number;
  radiusM: number;
  limit: number;
}

export interface LoadResult {
  requests: number;
  /** Connection errors, timeouts and non-2xx/3xx answers. */
  errors: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

function wrk(o: LoadOptions, seconds: number, seed: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const env = {
      ...process.env,
      BENCH_TOKEN: o.token,
      BENCH_PATH: o.path ?? '/api/v1/gis/nearby',
      BENCH_SEED: String(seed),
      BENCH_LNG: String(o.center[0]),
      BENCH_LAT: String(o.center[1]),
      BENCH_HALF_DEG: String(o.halfDeg),
      BENCH_RADIUS_M: String(o.radiusM),
      BENCH_LIMIT: String(o.limit),
    };
    const args = [
      '-t1',
      `-c${o.clients}`,
      `-d${Math.max(1, Math.round(seconds))}s`,
      '--timeout',
      '10s',
      '-s',
      SCRIPT,
      o.base,
    ];
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '',
      err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) =>
      reject(new Error(`load generator: cannot run wrk (${e.message}); scripts/setup.sh installs it`)),
    );
    child.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{'))
        return reject(new Error(`wrk exited ${code}: ${(err || out).slice(0, 500)}`));
      const r = JSON.parse(line) as Omit<LoadResult, 'rps'>;
      resolve({ ...r, rps: r.requests / r.seconds });
    });
  });
}

/** Warms up for `warmupS`, then measures `durationS` with the same connections count and a fresh point sequence. */
export async function drive(o: LoadOptions): Promise<LoadResult> {
  if (o.warmupS > 0) await wrk(o, o.warmupS, 777);
  return wrk(o, o.durationS, 12345);
}
