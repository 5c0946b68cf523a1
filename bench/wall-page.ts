// The wall bench in Chromium: screen pages paired by their secret, the console's wall page, and a push timed from the
// operator's click on a pane to the first decoded frame (with a readable clock) of that camera on the screen page.
import type { Browser, Page } from 'playwright-core';
import { decodeClock } from './clock-pattern';
import { consolePage } from './live-page';
import type { RigCamera } from './live-rig';

/** A wall screen of the rig: its id and the page that shows it. */
export interface BenchScreen {
  id: number;
  page: Page;
}

/** What one push measured. */
export interface PushProbe {
  /** Click on the pane's send button (console) → first frame with a readable clock presented on the screen, ms. */
  pushMs: number;
  /** Capture clock of that frame − the click: how long the camera's next keyframe was coming, ms. */
  keyframeWaitMs: number;
  /** Presentation − capture of that frame, ms. */
  latencyMs: number;
  /** The screen pane's transport as it says (data-transport), '' when it does not. */
  transport: string;
}

/** What the screen page's probes keep on its window, by pane and camera. */
type PushWindow = { __push: Record<string, { first: { wall: number; clock: number } | null }> };

const INIT = `window.__name = (f) => f; window.__decodeClock = ${decodeClock.toString()};`;

/** A screen page in a browser context of its own, paired as a person does: the one-time secret typed, 配对 clicked. */
export async function pairScreen(browser: Browser, base: string, id: number, secret: string): Promise<BenchScreen> {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 960, height: 540 }, locale: 'zh-CN' });
  const page = await context.newPage();
  // tsx compiles page callbacks with esbuild's keepNames helper, which the page does not have
  await page.addInitScript({ content: INIT });
  await page.goto(`/screen/${id}`);
  await page.fill('form.screen-pair input[name=secret]', secret);
  await page.click('form.screen-pair button[type=submit]');
  await page.waitForSelector('.screen-page .screen-pane[data-pane="3"]', { timeout: 30_000 });
  return { id, page };
}

/** A logged-in console on its wall page, every screen drawn. */
export async function wallConsole(browser: Browser, base: string, screens: BenchScreen[]): Promise<Page> {
  const page = await consolePage(browser, base, 'mse');
  await page.click('.nav-link[data-page=wall]');
  for (const s of screens)
    await page.waitForSelector(`.wall-screen[data-screen-id="${s.id}"] .wall-pane[data-pane="3"]`, { timeout: 30_000 });
  return page;
}

/**
 * The operator picks `cam` (searched by name), and clicks pane `pane` of `screen`; the screen page's probe takes
 * the first frame of that camera in that pane whose clock it can read. `beforeClick` runs just before the click.
 */
export async function pushAndMeasure(
  console: Page,
  screen: BenchScreen,
  pane: number,
  cam: RigCamera,
  beforeClick: () => Promise<void> = async () => undefined,
  timeoutMs = 30_000,
): Promise<PushProbe> {
  await console.fill('input[name=camera-search]', cam.name);
  const button = `.wall-camera[data-camera-id="${cam.id}"]`;
  await console.waitForSelector(button, { timeout: 15_000 });
  await console.click(button);
  await console.waitForSelector(`${button}.active`, { timeout: 5000 });
  const key = `${pane}:${cam.id}`;
  await screen.page.evaluate(
    ([p, id, k]) => {
      type Probe = { first: { wall: number; clock: number } | null; stop: boolean };
      const w = window as unknown as {
        __push: Record<string, Probe>;
        __decodeClock: (img: { data: ArrayLike<number>; width: number; height: number }) => number | null;
      };
      w.__push ??= {};
      for (const old of Object.values(w.__push)) old.stop = true;
      const probe: Probe = { first: null, stop: false };
      w.__push[k!] = probe;
      const canvas = document.createElement('canvas');
      const g = canvas.getContext('2d', { willReadFrequently: true })!;
      const seen = new Set<HTMLVideoElement>();
      const watch = (v: HTMLVideoElement): void => {
        const onFrame = (): void => {
          if (probe.stop || probe.first) return;
          if (v.videoWidth > 0) {
            canvas.width = v.videoWidth;
            canvas.height = v.videoHeight;
            g.drawImage(v, 0, 0);
            const clock = w.__decodeClock(g.getImageData(0, 0, canvas.width, canvas.height));
            if (clock !== null) probe.first = { wall: Date.now(), clock };
          }
          v.requestVideoFrameCallback(onFrame);
        };
        v.requestVideoFrameCallback(onFrame);
      };
      const timer = setInterval(() => {
        if (probe.stop || probe.first) return clearInterval(timer);
        const sel = `.screen-pane[data-pane="${p}"] .pane[data-camera-id="${id}"] video`;
        for (const v of document.querySelectorAll<HTMLVideoElement>(sel))
          if (!seen.has(v)) {
            seen.add(v);
            watch(v);
          }
      }, 5);
    },
    [String(pane), cam.id, key],
  );
  const send = `.wall-screen[data-screen-id="${screen.id}"] .wall-pane[data-pane="${pane}"] .wall-pane-send`;
  await console.evaluate((sel) => {
    const w = window as unknown as { __pushClick: number | null; __pushSel: string };
    w.__pushClick = null;
    w.__pushSel = sel;
    // on the document, so a pane redrawn between now and the click is still seen
    if (!('__pushListening' in w)) {
      Object.assign(w, { __pushListening: true });
      const note = (e: Event): void => {
        if (w.__pushClick === null && (e.target as Element | null)?.closest?.(w.__pushSel)) w.__pushClick = Date.now();
      };
      document.addEventListener('click', note, true);
    }
  }, send);
  await beforeClick();
  await console.click(send);
  const clickWall = await console.evaluate(() => (window as unknown as { __pushClick: number | null }).__pushClick);
  if (clickWall === null) throw new Error(`bench wall: the click on ${send} did not reach the button`);
  await screen.page
    .waitForFunction((k) => (window as unknown as PushWindow).__push[k]?.first !== null, key, {
      timeout: timeoutMs,
      polling: 20,
    })
    .catch((e: unknown) => {
      throw new Error(`bench wall: no frame of ${cam.name} with a readable clock on screen ${screen.id} pane ${pane}`, {
        cause: e,
      });
    });
  const r = await screen.page.evaluate(
    ([k, p]) => {
      const f = (window as unknown as PushWindow).__push[k!]!.first!;
      const el = document.querySelector<HTMLElement>(`.screen-pane[data-pane="${p}"] .pane`);
      return { ...f, transport: el?.dataset.transport ?? '' };
    },
    [key, String(pane)],
  );
  return {
    pushMs: r.wall - clickWall,
    keyframeWaitMs: r.clock - clickWall,
    latencyMs: r.wall - r.clock,
    transport: r.transport,
  };
}

/** The operator clears pane `pane` of `screen` when it shows a camera, and waits until the screen page shows it empty. */
export async function clearPane(console: Page, screen: BenchScreen, pane: number): Promise<void> {
  const filled = `.wall-screen[data-screen-id="${screen.id}"] .wall-pane.filled[data-pane="${pane}"]`;
  if ((await console.locator(filled).count()) === 0) return;
  await console.click(`${filled} .wall-pane-clear`);
  await screen.page.waitForSelector(`.screen-pane[data-pane="${pane}"] .screen-pane-empty`, { timeout: 10_000 });
}

/** Closes a page's browser context. */
export async function closeContext(page: Page): Promise<void> {
  await page.context().close();
}
