// SDK benchmark: the map + player bundle an integrator loads (gzipped, without the lazily loaded HLS fallback), and the
// first decoded frame of an embedded player on a host page of another origin against the console's own, same run, both
// from page load: the host page with a player of the camera, and the console opened on the camera's link.
// Prints `bench sdk_map_player_kb_gz` (≤ 150), `bench sdk_embed_first_frame_ms` and `bench sdk_embed_ratio` (≤ 1.2 x).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { buildSdk } from '../scripts/build-sdk.mjs';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { startIntegratorApp } from '../sim/integrator-app';
import { decodeClock } from './clock-pattern';
import { closePage, consolePage, playAndMeasure } from './live-page';
import { BENCH_PASSWORD, BENCH_USER, startRig, type Rig, type RigCamera } from './live-rig';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** gzip -9 of the ES module bundle (map, player, web components, Leaflet; hls.js is its own file). */
export function bundleKbGz(dist: string): number {
  return gzipSync(readFileSync(path.join(dist, 'cloudeye.mjs')), { level: 9 }).length / 1024;
}

/**
 * The in-page probe: every <video> that `find` (a function expression returning the page's videos) yields is watched
 * with requestVideoFrameCallback; window.__first is performance.now() (from the navigation) of the first presented
 * frame with a readable clock.
 */
function probe(find: string): string {
  return `window.__name = (f) => f; window.__decodeClock = ${decodeClock.toString()};
    window.__first = null;
    const canvas = document.createElement('canvas'); const g = canvas.getContext('2d', { willReadFrequently: true });
    const seen = new Set(); const find = ${find};
    const timer = setInterval(() => {
      for (const v of find()) {
        if (seen.has(v)) continue;
        seen.add(v);
        const onFrame = () => {
          if (window.__first !== null) return;
          if (v.videoWidth > 0) {
            canvas.width = v.videoWidth; canvas.height = v.videoHeight; g.drawImage(v, 0, 0);
            if (window.__decodeClock(g.getImageData(0, 0, canvas.width, canvas.height)) !== null) {
              window.__first = performance.now(); clearInterval(timer); return;
            }
          }
          v.requestVideoFrameCallback(onFrame);
        };
        v.requestVideoFrameCallback(onFrame);
      }
    }, 5);`;
}

/** Loads `url` in a fresh browser context (with `init` run first) and returns its first frame, ms from navigation. */
async function firstFrame(browser: Browser, url: string, init: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await page.addInitScript({ content: init });
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __first: number | null }).__first !== null, undefined, {
      timeout: 30_000,
      polling: 50,
    });
    return await page.evaluate(() => (window as unknown as { __first: number }).__first);
  } finally {
    await context.close();
  }
}

/**
 * The integrator's page with a player of `cam`: its server asks the gateway for a token and writes it into the page's
 * <cloudeye-player> (sim/integrator-app.ts /player, the player-only bundle). Page load → first frame, ms.
 */
function embedFirstFrame(browser: Browser, origin: string, cam: RigCamera): Promise<number> {
  const find = `() => [document.querySelector('cloudeye-player')?.shadowRoot?.querySelector('video')].filter(Boolean)`;
  return firstFrame(browser, `${origin}/player?label=bench&camera=${cam.id}`, probe(find));
}

/**
 * The console opened on the camera's link (#/map?camera=<id>, the popup's Copy link) by a signed-in operator: the
 * session is in the tab (as after a login), the link opens the map and plays the camera. Page load → first frame, ms.
 */
function consoleFirstFrame(browser: Browser, base: string, cam: RigCamera, session: string): Promise<number> {
  const find = `() => document.querySelectorAll('.video-wall .pane[data-camera-id="${cam.id}"] video')`;
  const init =
    `try { sessionStorage.setItem('cloudeye.session', ${JSON.stringify(session)});` +
    ` localStorage.setItem('cloudeye.transport', 'mse'); } catch (e) {}\n` +
    probe(find);
  return firstFrame(browser, `${base}/#/map?camera=${cam.id}`, init);
}

/** The bench user's session as the console stores it after a login. */
async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: BENCH_USER, password: BENCH_PASSWORD }),
  });
  if (!res.ok) throw new Error(`bench sdk: login: ${res.status} ${await res.text()}`);
  const b = (await res.json()) as { accessToken: string; refreshToken: string };
  return JSON.stringify({ accessToken: b.accessToken, refreshToken: b.refreshToken });
}

export async function run(opts: { log: (line: string) => void; quick?: boolean }): Promise<void> {
  const { log } = opts;
  const runs = opts.quick ? 2 : 5;
  const dist = await buildSdk();
  log(`bench sdk_map_player_kb_gz ${bundleKbGz(dist).toFixed(1)} KB`);
  const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
  if (b.status !== 0) throw new Error('bench sdk: building the console failed');
  const sim = await RtspProcess.start({ count: 1, codec: 'h264', clock: true, gopS: 1 });
  const rig: Rig = await startRig([sim]);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const app = await startIntegratorApp({ gateway: rig.base, apiKey: 'pending' });
  await app.close();
  const port = Number(new URL(app.origin).port);
  try {
    const [cam] = await rig.register('sdk', sim, 1, 0);
    await rig.gw.reload();
    const k = await rig.api('POST', '/api/v1/api-keys', {
      name: 'bench-sdk',
      embedActions: ['live'],
      origins: [app.origin],
    });
    if (k.status !== 201) throw new Error(`bench sdk: API key: ${k.status} ${k.text}`);
    const host = await startIntegratorApp({ gateway: rig.base, apiKey: (k.body as { key: string }).key, port });
    // warm: a console viewer keeps the stream running through both series
    const keeper = await consolePage(browser, rig.base, 'mse');
    try {
      await playAndMeasure(keeper, cam!);
      const session = await signIn(rig.base);
      // one of each first, not counted: the browser's and the gateway's first-time costs are nobody's figure
      await consoleFirstFrame(browser, rig.base, cam!, session);
      await embedFirstFrame(browser, host.origin, cam!);
      const consoleMs: number[] = [];
      const sdkMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        consoleMs.push(await consoleFirstFrame(browser, rig.base, cam!, session));
        sdkMs.push(await embedFirstFrame(browser, host.origin, cam!));
        log(`# run ${i + 1}: console ${consoleMs.at(-1)!.toFixed(0)} ms, embedded ${sdkMs.at(-1)!.toFixed(0)} ms`);
      }
      const c = median(consoleMs);
      const s = median(sdkMs);
      log(`# console_first_frame_link_ms ${c.toFixed(0)} ms (page load → first frame, same run)`);
      log(`bench sdk_embed_first_frame_ms ${s.toFixed(0)} ms`);
      log(`bench sdk_embed_ratio ${(s / c).toFixed(3)} x`);
    } finally {
      await closePage(keeper);
      await host.close();
    }
  } finally {
    await browser.close();
    await rig.close();
  }
}
