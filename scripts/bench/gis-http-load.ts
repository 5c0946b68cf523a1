// Load generator for the HTTP nearby benchmark, run as its own process: N keep-alive clients, latency percentiles as JSON.
import http from 'node:http';
import { pathToFileURL } from 'node:url';

export interface LoadOptions {
  /** Gateway base URL, e.g. http://127.0.0.1:41234 */
  base: string;
  token: string;
  /** Concurrent clients (each one request in flight). */
  clients: number;
  /** Unmeasured warm-up, then the measured run (seconds). */
  warmupS: number;
  durationS: number;
  /** Measured requests wanted at least (the run goes on past durationS until reached, up to 3x). */
  minRequests: number;
  /** Query points are drawn uniformly from [lng ± halfDeg] × [lat ± halfDeg]. */
  center: [number, number];
  halfDeg: number;
  radiusM: number;
  limit: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mean items per response, over a sample of the responses. */
  meanItems: number;
}

/** Drives GET /api/v1/gis/nearby from `clients` concurrent keep-alive connections and measures latency. */
export async function drive(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.clients });
  const url = new URL(o.base);
  let seed = 12345;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 4294967296;
  };
  const get = (path: string): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path, agent, headers: { authorization: `Bearer ${o.token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  const lat: number[] = [];
  let errors = 0, items = 0, parsed = 0, measuring = false, stop = false;
  let firstError: string | null = null;
  const worker = async (): Promise<void> => {
    while (!stop) {
      const lng = o.center[0] + (rnd() * 2 - 1) * o.halfDeg, la = o.center[1] + (rnd() * 2 - 1) * o.halfDeg;
      const path = `/api/v1/gis/nearby?lng=${lng.toFixed(6)}&lat=${la.toFixed(6)}&radius=${o.radiusM}&limit=${o.limit}`;
      const t = performance.now();
      try {
        const r = await get(path);
        const ms = performance.now() - t;
        if (r.status !== 200) throw new Error(`HTTP ${r.status} ${r.body.slice(0, 200)}`);
        if (measuring) {
          lat.push(ms);
          // Parse a sample only: the generator shares the machine's two cores with the gateway.
          if (lat.length % 32 === 1) {
            items += (JSON.parse(r.body) as { items: unknown[] }).items.length;
            parsed++;
          }
        }
      } catch (e) {
        if (measuring) errors++;
        firstError ??= (e as Error).message;
      }
    }
  };
  const workers = Array.from({ length: o.clients }, () => worker());
  await new Promise((r) => setTimeout(r, o.warmupS * 1000));
  measuring = true;
  const t0 = performance.now();
  while (!stop) {
    await new Promise((r) => setTimeout(r, 100));
    const s = (performance.now() - t0) / 1000;
    stop = (s >= o.durationS && lat.length >= o.minRequests) || s >= o.durationS * 3;
  }
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(workers);
  agent.destroy();
  lat.sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor((lat.length * p) / 100))] ?? NaN;
  return {
    requests: lat.length, errors, firstError, seconds, rps: lat.length / seconds,
    p50Ms: pct(50), p90Ms: pct(90), p99Ms: pct(99), maxMs: lat[lat.length - 1] ?? NaN, meanItems: parsed ? items / parsed : 0,
  };
}

// CLI: node --import tsx scripts/bench/gis-http-load.ts <base-url> <token> '<rest of LoadOptions as JSON>'
// → prints one LoadResult JSON line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [base, token, rest] = process.argv.slice(2);
  drive({ ...(JSON.parse(rest ?? '{}') as Omit<LoadOptions, 'base' | 'token'>), base: base ?? '', token: token ?? '' })
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
