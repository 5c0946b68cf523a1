// Pictures of recorded testsrc2 footage: what a playback pane shows (paused, read from a canvas) against the pictures
// ffmpeg's testsrc2 draws for that instant of the recording.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Page } from 'playwright-core';

/** Footage of testsrc2 at this size and rate, its first picture drawn at wall time `startMs`. */
export interface TestsrcFootage {
  width: number;
  height: number;
  fps: number;
  startMs: number;
  endMs: number;
}

/** testsrc2 pictures (RGB) from `fromS` seconds in, `count` of them. */
function testsrcFrames(f: TestsrcFootage, fromS: number, count: number): Buffer[] {
  const out = spawnSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-ss',
      String(fromS),
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${f.width}x${f.height}:rate=${f.fps}`,
    ].concat(['-frames:v', String(count), '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-']),
    { maxBuffer: 256 * 1024 * 1024 },
  );
  if (out.status !== 0) throw new Error(`ffmpeg: ${out.stderr.toString()}`);
  const size = f.width * f.height * 3;
  return Array.from({ length: count }, (_, i) => out.stdout.subarray(i * size, (i + 1) * size));
}

const diff = (a: Buffer, b: Buffer): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

/** The playback video of a pane paused, and the picture it shows (RGB, from a canvas). */
async function pausedPicture(page: Page, pane: string): Promise<{ w: number; rgb: Buffer }> {
  const r = await page.$eval(`${pane} .pb-video`, async (el) => {
    const v = el as HTMLVideoElement;
    v.pause();
    await new Promise((ok) => setTimeout(ok, 300));
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(v, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    const rgb = new Uint8Array((px.length / 4) * 3);
    for (let i = 0, j = 0; i < px.length; i += 4) {
      rgb[j++] = px[i]!;
      rgb[j++] = px[i + 1]!;
      rgb[j++] = px[i + 2]!;
    }
    let bin = '';
    for (let i = 0; i < rgb.length; i += 8192) bin += String.fromCharCode(...rgb.subarray(i, i + 8192));
    return { w: c.width, b64: btoa(bin) };
  });
  return { w: r.w, rgb: Buffer.from(r.b64, 'base64') };
}

/**
 * Waits for the pane's playback video to play, then checks that the picture it shows is testsrc2 of the instant its
 * wall-clock readout names (within 1.5 s: the readout is placed four times a second), and not of a second away.
 */
export async function expectFootageOfInstant(page: Page, pane: string, f: TestsrcFootage): Promise<void> {
  // playing, and its wall clock placed (from the session's map, which may come after the first pictures)
  await page.waitForFunction(
    (p) => {
      const v = document.querySelector(`${p} .pb-video`) as HTMLVideoElement | null;
      const wall = Number(document.querySelector<HTMLElement>(`${p} .pane-playback`)?.dataset.wallMs);
      return !!v && v.readyState >= 2 && v.currentTime > 0.5 && wall > 0;
    },
    pane,
    { timeout: 20_000 },
  );
  const wall = Number(await page.getAttribute(`${pane} .pane-playback`, 'data-wall-ms'));
  const shown = await pausedPicture(page, pane);
  assert.equal(shown.w, f.width);
  const expectS = (wall - f.startMs) / 1000;
  assert.ok(
    expectS > 0 && expectS < (f.endMs - f.startMs) / 1000,
    `the wall clock shown (${new Date(wall).toISOString()}) is in the recording`,
  );
  const from = Math.max(0, Math.floor(expectS) - 2);
  const scores = testsrcFrames(f, from, 5 * f.fps).map((r) => diff(shown.rgb, r));
  const best = scores.indexOf(Math.min(...scores));
  const bestS = from + best / f.fps;
  // the match is not exact (x264, the browser's YUV→RGB, testsrc2's noise squares): about 8 of 255 for the same
  // picture, over 20 for testsrc2 a second away
  assert.ok(scores[best]! < 12, `a picture the camera drew (best mean difference ${scores[best]!.toFixed(2)})`);
  assert.ok(Math.abs(bestS - expectS) < 1.5, `of the instant shown: ${bestS} s vs ${expectS} s into the recording`);
  const far = scores.filter((_, i) => Math.abs(i - best) >= f.fps);
  assert.ok(Math.min(...far) > scores[best]! + 8, 'and not of a second away');
}
