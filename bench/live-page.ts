// The live bench in Chromium: the console's click path (search, marker, Play); in the page, first decoded frame and latency from a canvas.
import type { Browser, Page } from 'playwright-core';
import { decodeClock } from './clock-pattern';
import { BENCH_PASSWORD, BENCH_USER, type RigCamera } from './live-rig';

export type Transport = 'mse' | 'hls';

/** What the page measured for one pane. */
export interface PaneProbe {
  /** Play clicked → first frame with a readable clock presented, ms (performance.now in the page). */
  firstFrameMs: number;
  /** Glass-to-glass of that first frame: Date.now() at presentation − capture clock, ms. */
  firstLatencyMs: number;
  /** Capture clock of that first frame − Date.now() at the click: how long the camera's next keyframe was coming, ms. */
  keyframeWaitMs: number;
  /** Date.now() at the click. */
  clickWall: number;
  /** The pane's transport as it shows it (data-transport), '' when the console does not say. */
  transport: string;
}

interface PageBench {
  clickAt: number | null;
  clickWall: number;
  first: { at: number; latency: number; clock: number } | null;
  sampling: boolean;
  samples: number[];
  stop: boolean;
}

/**
 * A logged-in console page whose transport is forced by the console's own switch (localStorage
 * cloudeye.transport, read by the player; ignored by a console that has only HLS).
 */
export async function consolePage(browser: Browser, base: string, transport: Transport): Promise<Page> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  const page = await context.newPage();
  // tsx compiles page callbacks with esbuild's keepNames helper, which the page does not have
  await page.addInitScript({
    content:
      `window.__name = (f) => f; window.__decodeClock = ${decodeClock.toString()};` +
      `try { localStorage.setItem('cloudeye.transport', ${JSON.stringify(transport)}); } catch (e) {}`,
  });
  await page.goto('/');
  await page.fill('input[name=username]', BENCH_USER);
  await page.fill('input[name=password]', BENCH_PASSWORD);
  await page.click('form.login-card button[type=submit]');
  await page.waitForSelector('.shell');
  await page.waitForFunction(
    () => Number(document.getElementById('map')?.dataset.camerasRendered ?? 0) > 0,
    undefined,
    {
      timeout: 30_000,
    },
  );
  return page;
}

/** Narrows the map to one camera through the search filter (as a person does) and waits for the redraw. */
async function search(page: Page, cam: RigCamera): Promise<void> {
  const before = await page.evaluate(() => Number(document.getElementById('map')?.dataset.camerasRendered ?? 0));
  await page.fill('.filter-panel input[name=q]', cam.name);
  await page.waitForFunction((n) => Number(document.getElementById('map')?.dataset.camerasRendered ?? 0) > n, before, {
    timeout: 15_000,
  });
  await page.waitForSelector(`.cam-marker[data-camera-id="${cam.id}"]`, { timeout: 15_000 });
}

/**
 * Installs the in-page probe for `cam`'s pane (every <video> it shows, through requestVideoFrameCallback:
 * each presented frame drawn to a canvas, its clock decoded), clicks the marker and Play, and waits for
 * the first frame with a readable clock. `beforeClick` runs after the search, just before the click.
 */
export async function playAndMeasure(
  page: Page,
  cam: RigCamera,
  beforeClick: () => Promise<void> = async () => undefined,
  timeoutMs = 30_000,
): Promise<PaneProbe> {
  await search(page, cam);
  await page.evaluate((id) => {
    const w = window as unknown as {
      __bench: PageBench;
      __decodeClock: (img: { data: ArrayLike<number>; width: number; height: number }) => number | null;
    };
    const b: PageBench = { clickAt: null, clickWall: 0, first: null, sampling: false, samples: [], stop: false };
    w.__bench = b;
    document.addEventListener(
      'click',
      (e) => {
        if (b.clickAt === null && (e.target as Element | null)?.closest?.('.play-btn')) {
          b.clickAt = performance.now();
          b.clickWall = Date.now();
        }
      },
      true,
    );
    const canvas = document.createElement('canvas');
    const g = canvas.getContext('2d', { willReadFrequently: true })!;
    const seen = new Set<HTMLVideoElement>();
    const watch = (v: HTMLVideoElement): void => {
      const onFrame = (): void => {
        if (b.stop) return;
        if (v.videoWidth > 0) {
          if (canvas.width !== v.videoWidth || canvas.height !== v.videoHeight) {
            canvas.width = v.videoWidth;
            canvas.height = v.videoHeight;
          }
          g.drawImage(v, 0, 0);
          const clock = w.__decodeClock(g.getImageData(0, 0, canvas.width, canvas.height));
          const wall = Date.now();
          if (clock !== null) {
            if (!b.first) b.first = { at: performance.now(), latency: wall - clock, clock };
            if (b.sampling) b.samples.push(wall - clock);
          }
        }
        v.requestVideoFrameCallback(onFrame);
      };
      v.requestVideoFrameCallback(onFrame);
    };
    const timer = setInterval(() => {
      if (b.stop) return clearInterval(timer);
      for (const v of document.querySelectorAll<HTMLVideoElement>(`.video-wall .pane[data-camera-id="${id}"] video`))
        if (!seen.has(v)) {
          seen.add(v);
          watch(v);
        }
    }, 5);
  }, cam.id);
  await beforeClick();
  const pane = `.video-wall .pane[data-camera-id="${cam.id}"]`;
  // a person clicks again when the popup went away under the click (markers are redrawn on status pushes)
  for (let attempt = 1; ; attempt++) {
    await page.click(`.cam-marker[data-camera-id="${cam.id}"]`);
    await page.click('.cam-popup .play-btn');
    const shown = await page.waitForSelector(pane, { timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (shown) break;
    if (attempt >= 2) throw new Error(`bench live: no pane for ${cam.name} after two clicks on Play`);
    await page.evaluate(() => ((window as unknown as { __bench: PageBench }).__bench.clickAt = null));
  }
  await page
    .waitForFunction(() => (window as unknown as { __bench: PageBench }).__bench.first !== null, undefined, {
      timeout: timeoutMs,
      polling: 50,
    })
    .catch(async (e: unknown) => {
      const state = await page.$eval(pane, (el) => (el as HTMLElement).dataset.state ?? '').catch(() => '?');
      throw new Error(`bench live: no frame with a readable clock in ${cam.name}'s pane (state ${state})`, {
        cause: e,
      });
    });
  const r = await page.evaluate((sel) => {
    const b = (window as unknown as { __bench: PageBench }).__bench;
    const el = document.querySelector<HTMLElement>(sel);
    return {
      at: b.first!.at,
      click: b.clickAt ?? NaN,
      latency: b.first!.latency,
      wait: b.first!.clock - b.clickWall,
      clickWall: b.clickWall,
      transport: el?.dataset.transport ?? '',
    };
  }, pane);
  return {
    firstFrameMs: r.at - r.click,
    firstLatencyMs: r.latency,
    keyframeWaitMs: r.wait,
    clickWall: r.clickWall,
    transport: r.transport,
  };
}

/**
 * Glass-to-glass latency of every frame the pane presents over at least `ms` (after the probe's first
 * frame). A player that stalls through the window (a loaded machine) is given up to four more windows
 * to present `min` frames, so that a figure is always a distribution and not one or two frames.
 */
export async function sampleLatency(page: Page, ms: number, min = 10): Promise<number[]> {
  await page.evaluate(() => {
    const b = (window as unknown as { __bench: PageBench }).__bench;
    b.samples = [];
    b.sampling = true;
  });
  await page.waitForTimeout(ms);
  await page
    .waitForFunction((n) => (window as unknown as { __bench: PageBench }).__bench.samples.length >= n, min, {
      timeout: 4 * ms,
      polling: 200,
    })
    .catch(() => undefined);
  return page.evaluate(() => {
    const b = (window as unknown as { __bench: PageBench }).__bench;
    b.sampling = false;
    return b.samples;
  });
}

/** Stops the page's probe and closes its context (the viewer leaves). */
export async function closePage(page: Page): Promise<void> {
  await page
    .evaluate(() => ((window as unknown as { __bench?: PageBench }).__bench!.stop = true))
    .catch(() => undefined);
  await page.context().close();
}
