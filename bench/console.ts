// Console benchmark: 100,000 cameras, headless Chromium; login → map interactive, and moveend → cameras layer redrawn.
// Prints `bench console_first_interactive_ms <v> ms` and `bench console_pan_ms <v> ms` (median). Floors: ≤ 2000 ms, ≤ 100 ms.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { loadConfig } from '../config/load';
import { startGateway, type Gateway } from '../gateway/main';
import { rng as prng } from '../sim/random';
import { hashPassword } from '../gateway/auth/passwords';
import type { CameraWrite } from '../gateway/db/cameras-repo';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ConsoleBenchOptions {
  log: (line: string) => void;
  /** Cameras to seed; default 100,000. */
  cameras?: number;
  /** Pans/zooms measured; default 15. */
  pans?: number;
}

/** A city of `n` cameras around `centre`: dense in the middle, thinning out over ~25 km, three departments. */
function city(n: number, centre: [number, number], departments: number[]): CameraWrite[] {
  const r = prng(42);
  const out: CameraWrite[] = [];
  for (let i = 0; i < n; i++) {
    const dist = Math.abs((r() + r() + r() - 1.5) / 1.5) * 0.25; // degrees
    const a = r() * Math.PI * 2;
    out.push({
      departmentId: departments[i % departments.length]!,
      name: `bench-${i}`,
      source: 'rtsp',
      mainUri: `rtsp://10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:554/main`,
      lng: centre[0] + Math.cos(a) * dist * 1.15,
      lat: centre[1] + Math.sin(a) * dist,
      bearing: Math.floor(r() * 360),
      fov: 60 + Math.floor(r() * 60),
      rangeM: 50 + Math.floor(r() * 150),
      address: '',
      tags: i % 7 === 0 ? ['crossing'] : [],
    });
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

export async function run(opts: ConsoleBenchOptions): Promise<void> {
  const { log } = opts;
  const n = opts.cameras ?? 100_000;
  if (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html')) || process.env.BENCH_BUILD_WEB !== '0') {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('bench console: building the console failed');
  }
  const dbUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `bench_console_${process.pid}_${randomBytes(3).toString('hex')}`;
  const hlsDir = mkdtempSync(path.join(tmpdir(), 'ce-bench-hls-'));
  const config = loadConfig({
    env: {},
    overrides: {
      server: { port: 0, host: '127.0.0.1' },
      database: { url: dbUrl },
      security: { secretKey: randomBytes(32).toString('hex'), loginMaxPerUser: 1000, loginMaxPerIp: 1000 },
      transcoder: { hlsDir },
      health: { enabled: false },
    },
  });
  const quiet = { schema, log: () => undefined };
  let gw: Gateway | null = null;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  try {
    // seed with one gateway, then start a fresh one so every in-memory index is built from the database as at a real start
    gw = await startGateway(config, quiet);
    const seeding = gw;
    const deps = (await seeding.repos.org.departments()).map((d) => d.id);
    const t0 = performance.now();
    const ids = await seeding.db.knex.transaction((trx) =>
      seeding.repos.cameras.insertMany(city(n, config.map.center as [number, number], deps), trx),
    );
    const statuses = ['online', 'online', 'online', 'online', 'offline', 'degraded', 'unauthorized', 'unknown'];
    await seeding.repos.cameras.setStatuses(
      ids.map((id, i) => ({ id, status: statuses[i % statuses.length]!, reason: '', lastSeen: null })),
    );
    await seeding.repos.accounts.createUser({
      username: 'bench',
      displayName: 'bench',
      passwordHash: await hashPassword('pw-bench-console'),
      role: 'admin',
      departmentId: null,
      areaGridId: null,
      locale: 'zh-CN',
    });
    log(`# seeded ${ids.length} cameras in ${Math.round(performance.now() - t0)} ms`);
    await seeding.close();
    gw = await startGateway(config, quiet);
    const base = `http://127.0.0.1:${gw.port}`;
    // without auth an existing route answers 401; 404 means this gateway does not serve the clusters yet
    const probe = await fetch(`${base}/api/v1/map/clusters?bbox=111,29,112,30&zoom=13`);
    if (probe.status === 404)
      throw new Error('bench console: needs GET /api/v1/map/clusters, which this gateway does not serve yet');

    const page = await (await browser.newContext({ baseURL: base, viewport: { width: 1600, height: 1000 } })).newPage();
    // tsx compiles the evaluate callbacks with esbuild's keepNames helper, which the page does not have
    await page.addInitScript({ content: 'window.__name = (f) => f;' });
    await page.goto('/');
    await page.waitForSelector('form.login-card');
    await page.fill('input[name=username]', 'bench');
    await page.fill('input[name=password]', 'pw-bench-console');
    // timestamps are taken inside the page: submit (capture phase) → first cameras-rendered event
    await page.evaluate(() => {
      const w = window as unknown as { __bench: { submitAt: number; renders: number[] } };
      w.__bench = { submitAt: 0, renders: [] };
      document.addEventListener('submit', () => (w.__bench.submitAt = performance.now()), true);
      document.addEventListener('cloudeye:cameras-rendered', (e) =>
        w.__bench.renders.push((e as CustomEvent<{ at: number }>).detail.at),
      );
    });
    await page.click('form.login-card button[type=submit]');
    await page.waitForFunction(
      () => (window as unknown as { __bench: { renders: number[] } }).__bench.renders.length > 0,
      undefined,
      { timeout: 60_000 },
    );
    const first = await page.evaluate(() => {
      const b = (window as unknown as { __bench: { submitAt: number; renders: number[] } }).__bench;
      return b.renders[0]! - b.submitAt;
    });
    const features = await page.evaluate(() => Number(document.getElementById('map')?.dataset.camerasCount ?? 0));
    log(`# first draw: ${features} features`);
    log(`bench console_first_interactive_ms ${first.toFixed(0)} ms`);

    const moves = opts.pans ?? 15;
    // BENCH_TRACE=<file>: a Chromium performance trace of the measured moves (open it in DevTools' Performance panel)
    const trace = process.env.BENCH_TRACE;
    if (trace)
      await browser.startTracing(page, {
        path: trace,
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'],
      });
    const times: number[] = [];
    const parts: Array<{ wait: number; fetch: number; draw: number }> = [];
    for (let i = 0; i < moves + 2; i++) {
      const { ms, part } = await page.evaluate(async (step) => {
        const ce = window.cloudeye!;
        const map = ce.base.map;
        const before = Number(map.getContainer().dataset.camerasRendered ?? 0);
        let movedAt = 0;
        map.once('moveend', () => (movedAt = performance.now()));
        type Detail = { seq: number; at: number; askedAt?: number; renderAt?: number };
        const rendered = new Promise<Detail>((resolve) => {
          const on = (e: Event): void => {
            const d = (e as CustomEvent<Detail>).detail;
            if (d.seq > before) {
              document.removeEventListener('cloudeye:cameras-rendered', on);
              resolve(d);
            }
          };
          document.addEventListener('cloudeye:cameras-rendered', on);
        });
        // alternate pans and zooms across the dense centre
        const kind = step % 4;
        if (kind === 0) map.panBy([400, 0], { animate: false });
        else if (kind === 1) map.panBy([0, 300], { animate: false });
        else if (kind === 2) map.setZoom(map.getZoom() + 1, { animate: false });
        else map.setZoom(map.getZoom() - 1, { animate: false });
        const d = await rendered;
        // where the time went: moveend → request (debounce), request → response parsed, drawing
        const asked = d.askedAt ?? movedAt;
        const drawn = d.renderAt ?? d.at;
        return { ms: d.at - movedAt, part: { wait: asked - movedAt, fetch: drawn - asked, draw: d.at - drawn } };
      }, i);
      if (i >= 2) {
        times.push(ms); // the first moves warm up the JIT and the server's caches
        parts.push(part);
      }
      await page.waitForTimeout(100);
    }
    if (trace) {
      await browser.stopTracing();
      log(`# trace written to ${trace}`);
    }
    log(`# pan/zoom redraws (ms): ${times.map((x) => x.toFixed(0)).join(' ')}`);
    log(
      `# medians (ms): debounce ${median(parts.map((x) => x.wait)).toFixed(1)}` +
        `, request ${median(parts.map((x) => x.fetch)).toFixed(1)}, draw ${median(parts.map((x) => x.draw)).toFixed(1)}` +
        `; draws: ${parts.map((x) => x.draw.toFixed(0)).join(' ')}`,
    );
    log(`bench console_pan_ms ${median(times).toFixed(0)} ms`);
  } finally {
    await browser.close();
    if (gw) {
      await gw.db.knex.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await gw.close();
    }
    rmSync(hlsDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  run({ log: (line) => process.stdout.write(`${line}\n`) }).catch((err: unknown) => {
    process.stderr.write(`bench console: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
