// Decoded frames in the console's panes vs what a simulated camera drew (ffmpeg's decode, the <video> via a canvas); a pane started by clicks.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { Page } from 'playwright-core';
import { setFilter, waitRender } from './map-helpers';

/** Size both pictures are scaled to before they are compared (16:9, like the simulated cameras). */
export const GRID_W = 96;
export const GRID_H = 54;

/** An RGB picture of GRID_W × GRID_H pixels, row-major, 3 bytes a pixel. */
export type Rgb = Uint8Array;

/**
 * Decodes the 6th frame of an RTSP source with ffmpeg, straight from the camera (no gateway),
 * scaled to GRID_W × GRID_H: what the camera drew.
 */
export function referenceFrame(url: string, timeoutMs = 15_000): Promise<Rgb> {
  return new Promise((resolve, reject) => {
    const args = [
      '-nostdin',
      '-loglevel',
      'error',
      '-rtsp_transport',
      'tcp',
      '-i',
      url,
      '-vf',
      `select=gte(n\\,5),scale=${GRID_W}:${GRID_H}`,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      'pipe:1',
    ];
    const ff = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => ff.kill('SIGKILL'), timeoutMs);
    ff.stdout.on('data', (c: Buffer) => out.push(c));
    ff.stderr.on('data', (c: Buffer) => (err += c.toString()));
    ff.on('close', (code) => {
      clearTimeout(timer);
      const buf = Buffer.concat(out);
      if (buf.length !== GRID_W * GRID_H * 3)
        reject(new Error(`reference frame of ${url}: ffmpeg exited ${code}, ${buf.length} bytes: ${err}`));
      else resolve(new Uint8Array(buf));
    });
  });
}

/**
 * The frame a pane's <video> shows now, drawn into a GRID_W × GRID_H canvas and read back
 * (drawImage + getImageData), as RGB. Throws when the video has no decoded frame.
 */
export async function paneFrame(page: Page, paneSelector: string): Promise<Rgb> {
  const rgba = await page.$eval(
    `${paneSelector} video`,
    (el, [w, h]) => {
      const v = el as HTMLVideoElement;
      if (v.readyState < 2 || v.videoWidth === 0)
        throw new Error(`video not ready: readyState ${v.readyState}, ${v.videoWidth}x${v.videoHeight}`);
      const c = document.createElement('canvas');
      c.width = w!;
      c.height = h!;
      const g = c.getContext('2d', { willReadFrequently: true })!;
      g.drawImage(v, 0, 0, w!, h!);
      return Array.from(g.getImageData(0, 0, w!, h!).data);
    },
    [GRID_W, GRID_H],
  );
  const rgb = new Uint8Array(GRID_W * GRID_H * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return rgb;
}

/** A point of the reference whose neighbourhood is of one colour (not an edge, the clock or noise). */
interface Probe {
  x: number;
  y: number;
  rgb: [number, number, number];
}

const px = (f: Rgb, x: number, y: number, c: number): number => f[(y * GRID_W + x) * 3 + c]!;

/**
 * The reference's uniform points: every channel within `flat` of the centre over the 5×5 around
 * it, outside `exclude` (fractions of the frame: the clock the camera draws over its top left).
 */
export function probes(ref: Rgb, exclude = { x: 0.5, y: 0.3 }, flat = 10): Probe[] {
  const out: Probe[] = [];
  for (let y = 2; y < GRID_H - 2; y += 2) {
    for (let x = 2; x < GRID_W - 2; x += 2) {
      if (x < exclude.x * GRID_W && y < exclude.y * GRID_H) continue;
      let uniform = true;
      for (let dy = -2; dy <= 2 && uniform; dy++)
        for (let dx = -2; dx <= 2 && uniform; dx++)
          for (let c = 0; c < 3; c++)
            if (Math.abs(px(ref, x + dx, y + dy, c) - px(ref, x, y, c)) > flat) uniform = false;
      if (uniform) out.push({ x, y, rgb: [px(ref, x, y, 0), px(ref, x, y, 1), px(ref, x, y, 2)] });
    }
  }
  return out;
}

/** How a frame compares with the reference. */
export interface FrameMatch {
  probes: number;
  /** Probes whose 3×3 mean differs from the reference by more than the tolerance in some channel. */
  wrong: number;
  /** The first few wrong probes, for the failure message. */
  examples: string[];
}

/** Compares `frame` with the reference at `points` (mean of 3×3 pixels, per-channel tolerance). */
export function compareFrame(frame: Rgb, points: Probe[], tolerance = 40): FrameMatch {
  let wrong = 0;
  const examples: string[] = [];
  for (const p of points) {
    const mean = [0, 1, 2].map((c) => {
      let s = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += px(frame, p.x + dx, p.y + dy, c);
      return Math.round(s / 9);
    });
    if (mean.some((v, c) => Math.abs(v - p.rgb[c]!) > tolerance)) {
      wrong++;
      if (examples.length < 4)
        examples.push(`(${p.x},${p.y}) drawn rgb(${p.rgb.join(',')}) shown rgb(${mean.join(',')})`);
    }
  }
  return { probes: points.length, wrong, examples };
}

/**
 * paneFrame, waiting up to 10 s for a decoded frame: a stream that stalls for a moment on a loaded machine
 * (buffering) shows its picture again once it has data.
 */
async function readyFrame(page: Page, paneSelector: string): Promise<Rgb> {
  const until = Date.now() + 10_000;
  for (;;) {
    try {
      return await paneFrame(page, paneSelector);
    } catch (err) {
      if (Date.now() > until || !/video not ready/.test(String(err))) throw err;
      await page.waitForTimeout(200);
    }
  }
}

/**
 * Reads `samples` frames of a pane `everyMs` apart and checks each against the reference:
 * at most `maxWrong` (fraction) of the probes may differ. Returns the worst frame's match.
 */
export async function expectPaneShows(
  page: Page,
  paneSelector: string,
  ref: Rgb,
  opts: { samples?: number; everyMs?: number; maxWrong?: number } = {},
): Promise<FrameMatch> {
  const points = probes(ref);
  if (points.length < 100)
    throw new Error(`reference has only ${points.length} uniform probes: not the colour-bar pattern?`);
  let worst: FrameMatch | null = null;
  for (let i = 0; i < (opts.samples ?? 10); i++) {
    if (i > 0) await page.waitForTimeout(opts.everyMs ?? 500);
    const m = compareFrame(await readyFrame(page, paneSelector), points);
    if (!worst || m.wrong > worst.wrong) worst = m;
  }
  const limit = Math.floor(points.length * (opts.maxWrong ?? 0.03));
  if (worst!.wrong > limit)
    throw new Error(
      `${paneSelector}: ${worst!.wrong} of ${worst!.probes} probes differ from what the camera drew (limit ${limit}): ` +
        worst!.examples.join('; '),
    );
  return worst!;
}

/** The stream grant the console received (POST /cameras/{id}/streams), as far as the tests read it. */
export interface SeenGrant {
  url: string;
  live?: string;
  replay?: string;
  codec?: string;
  transcoded?: boolean;
}

/**
 * As a person does: filters the map by `name`, clicks the camera's marker, then Play in its popup
 * (again once when the popup went away under the click: markers are redrawn on status pushes).
 * Resolves with the pane's selector and the grant the console got, once the pane plays.
 */
export async function clickPlay(page: Page, name: string, id: string): Promise<{ pane: string; grant: SeenGrant }> {
  await waitRender(page, 0);
  await setFilter(page, 'q', name);
  const pane = `.video-wall .pane[data-camera-id="${id}"]`;
  const granted = page.waitForResponse(
    (r) => r.request().method() === 'POST' && r.url().endsWith(`/cameras/${id}/streams`) && r.ok(),
    { timeout: 45_000 },
  );
  for (let attempt = 1; ; attempt++) {
    await page.click(`.cam-marker[data-camera-id="${id}"]`);
    await page.click('.cam-popup .play-btn');
    if (
      await page.waitForSelector(pane, { timeout: 5000 }).then(
        () => true,
        () => attempt >= 2,
      )
    )
      break;
  }
  const grant = (await (await granted).json()) as SeenGrant;
  await page.waitForSelector(`${pane}[data-state=live]`, { timeout: 40_000 });
  assert.ok(await page.isVisible(`${pane} video`), 'the video is on screen');
  return { pane, grant };
}

/** The pane video's currentTime, seconds. */
export function videoTime(page: Page, pane: string): Promise<number> {
  return page.$eval(`${pane} video`, (v) => (v as HTMLVideoElement).currentTime);
}

/** Asserts the pane's video advances by at least `minS` over `ms` (a picture that moves, not a still). */
export async function expectMoving(page: Page, pane: string, ms = 2000, minS = ms / 2000): Promise<void> {
  const t0 = await videoTime(page, pane);
  await page.waitForTimeout(ms);
  const t1 = await videoTime(page, pane);
  assert.ok(t1 - t0 >= minS, `${pane}: currentTime advances by ≥ ${minS} s in ${ms} ms: ${t0} → ${t1}`);
}

/**
 * Waits until the pane is live and its video advances by at least 1 s within 1.5 s (a stream that
 * recovers may play a few frames and stall again before it really runs); throws after `timeoutMs`.
 */
export async function waitMoving(page: Page, pane: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  while (Date.now() < deadline) {
    const a = await videoTime(page, pane);
    await page.waitForTimeout(1500);
    const b = await videoTime(page, pane);
    const state = await page.getAttribute(pane, 'data-state');
    if (state === 'live' && b - a >= 1) return;
    seen.push(`${state} ${a.toFixed(2)}→${b.toFixed(2)}`);
  }
  throw new Error(`${pane}: not live and moving within ${timeoutMs} ms: ${seen.slice(-6).join(', ')}`);
}
