// SDK benchmark: the map + player bundle an integrator loads (gzipped, without the lazily loaded HLS fallback), and the
// first decoded frame of an embedded player on a host page of another origin against the console's own, same run.
// Prints `bench sdk_map_player_kb_gz` (≤ 150), `bench sdk_embed_first_frame_ms` and `bench sdk_embed_ratio` (≤ 1.2 x).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildSdk } from '../scripts/build-sdk.mjs';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { startIntegratorApp } from '../sim/integrator-app';
import { decodeClock } from './clock-pattern';
import { closePage, consolePage, playAndMeasure } from './live-page';
import { startRig, type Rig, type RigCamera } from './live-rig';
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
 * Loads the integrator's page with a player of `cam` and returns page load → first presented frame with a readable
 * clock, ms (performance.now() counts from the navigation, which includes the integrator's server asking for a token).
 */
async function embedFirstFrame(browser: Browser, origin: string, cam: RigCamera): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 }, locale: 'zh-CN' });
  const page: Page = await context.newPage();
  await page.addInitScript({
    content: `window.__name = (f) => f; window.__decodeClock = ${decodeClock.toString()};
      window.__first = null;
      const canvas = document.createElement('canvas'); const g = canvas.getContext('2d', { willReadFrequently: true });
      const seen = new Set();
      const timer = setInterval(() => {
        const v = document.querySelector('cloudeye-player')?.shadowRoot?.querySelector('video');
        if (!v || seen.has(v)) return;
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
      }, 5);`,
  });
  try {
    // the integrator's server writes a fresh token into the page's <cloudeye-player> (sim/integrator-app.ts /player)
    await page.goto(`${origin}/player?label=bench&camera=${cam.id}`);
    await page.waitForFunction(() => (window as unknown as { __first: number | null }).__first !== null, undefined, {
      timeout: 30_000,
      polling: 50,
    });
    return await page.evaluate(() => (window as unknown as { __first: number }).__first);
  } finally {
    await context.close();
  }
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
      const consoleMs: number[] = [];
      const sdkMs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const page = await consolePage(browser, rig.base, 'mse');
        try {
          consoleMs.push((await playAndMeasure(page, cam!)).firstFrameMs);
        } finally {
          await closePage(page);
        }
        sdkMs.push(await embedFirstFrame(browser, host.origin, cam!));
        log(`# run ${i + 1}: console ${consoleMs.at(-1)!.toFixed(0)} ms, embedded ${sdkMs.at(-1)!.toFixed(0)} ms`);
      }
      const c = median(consoleMs);
      const s = median(sdkMs);
      log(`# console_first_frame_warm_ms ${c.toFixed(0)} ms (same run)`);
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
