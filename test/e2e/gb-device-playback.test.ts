// End-to-end: a simulated GB/T 28181 NVR keeps its own recording; the channel's timeline shows it as device footage; a
// click on it plays it from the NVR, and the picture is the one the NVR encoded for that instant (testsrc2 at that time).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { SimGbDevice } from '../../sim/gb28181/device';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay } from './frames';
import { offset } from './seed';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const NVR = '43070200001180000004';
const CH = '43070200001310000041';
const NAME = '国标-录像通道';
const W = 320;
const H = 240;
const FPS = 25;

/** testsrc2 frames (RGB) from `fromS` seconds in, `count` of them: what the NVR encoded for those instants. */
function referenceFrames(fromS: number, count: number): Buffer[] {
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
      `testsrc2=size=${W}x${H}:rate=${FPS}`,
      '-frames:v',
      String(count),
      '-pix_fmt',
      'rgb24',
      '-f',
      'rawvideo',
      '-',
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  if (out.status !== 0) throw new Error(`ffmpeg: ${out.stderr.toString()}`);
  const size = W * H * 3;
  return Array.from({ length: count }, (_, i) => out.stdout.subarray(i * size, (i + 1) * size));
}

const diff = (a: Buffer, b: Buffer): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
};

/** The playback video paused, and the picture it shows (RGB, from a canvas) with its media time. */
async function pausedPicture(page: Page, pane: string): Promise<{ t: number; rgb: Buffer }> {
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
    return { t: v.currentTime, w: c.width, b64: btoa(bin) };
  });
  assert.equal(r.w, W);
  return { t: r.t, rgb: Buffer.from(r.b64, 'base64') };
}

describe('console: footage kept by a GB/T 28181 NVR on the timeline, played from the device (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let nvr: SimGbDevice;
  let browser: Browser;
  let page: Page | undefined;
  let camId = '';
  // one recording of the NVR: from 7 minutes ago to 1 minute ago (inside the timeline's first 10-minute view)
  const recStart = Math.floor(Date.now() / 1000) * 1000 - 420_000;
  const recEnd = recStart + 360_000;

  before(async function () {
    this.timeout(120_000);
    tg = await startTestGateway({
      gb28181: {
        enabled: true,
        id: SERVER_ID,
        realm: REALM,
        udpPort: 0,
        tcpPort: 0,
        password: 'pw',
        defaultDepartment: 'police',
        mediaPorts: [20000 + (process.pid % 300) * 100, 20099 + (process.pid % 300) * 100],
      },
    });
    await tg.addUser('gbrecview', 'operator', 'police');
    const [lng, lat] = offset(60, 40);
    nvr = new SimGbDevice({
      id: NVR,
      server: { host: '127.0.0.1', port: tg.gw.services.gb!.server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'pw',
      channels: [{ id: CH, name: NAME, ptzType: 3, longitude: lng, latitude: lat }],
      recordings: [{ channelId: CH, startMs: recStart, endMs: recEnd }],
      video: { width: W, height: H, fps: FPS },
    });
    await nvr.start();
    const token = await tg.login('gbrecview');
    camId = await waitFor(
      async () => {
        const r = await tg.api('GET', '/api/v1/cameras?limit=10', { token });
        return (r.body.items as any[]).find((c) => c.gbChannelId === CH && c.status === 'online')?.id as string;
      },
      { timeoutMs: 15_000, what: 'the channel as a camera' },
    );
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await nvr?.close();
    await tg?.close();
  });

  afterEach(async function () {
    await endPage(this, 'gb-device-playback', page);
    page = undefined;
  });

  it('the device span is on the timeline; a click on it shows the picture the NVR recorded at that instant', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'gbrecview');
    const { pane } = await clickPlay(page, NAME, camId);
    await page.click(`${pane} .pane-playback-btn`);
    const span = `${pane} .pane-playback .tl-span[data-kind=device]`;
    await page.waitForSelector(span, { timeout: 15_000 });
    const drawn = await page.$eval(span, (e) => {
      const r = e.getBoundingClientRect();
      const d = (e as HTMLElement).dataset;
      return { start: Number(d.start), end: Number(d.end), left: r.left, width: r.width, top: r.top, height: r.height };
    });
    // the recording as the NVR listed it (cut to the range the timeline asked for)
    assert.equal(drawn.end, recEnd);
    assert.ok(
      drawn.start >= recStart && drawn.start < recEnd - 120_000,
      `span from ${new Date(drawn.start).toISOString()}`,
    );
    assert.ok((await page.getAttribute(span, 'title'))?.length, 'a device span says what it is');
    // a click two thirds into the span
    await page.mouse.click(drawn.left + (drawn.width * 2) / 3, drawn.top + drawn.height / 2);
    await waitFor(() => nvr.playing().length >= 2, {
      what: 'a Playback INVITE next to the live one',
      timeoutMs: 15_000,
    });
    await page.waitForFunction(
      (sel) => {
        const v = document.querySelector(sel) as HTMLVideoElement | null;
        return !!v && v.readyState >= 2 && v.currentTime > 0.5;
      },
      `${pane} .pb-video`,
      { timeout: 20_000 },
    );
    const wall = Number(await page.getAttribute(`${pane} .pane-playback`, 'data-wall-ms'));
    const shown = await pausedPicture(page, pane);
    // the NVR's picture for wall time w is testsrc2 at w − recStart; the readout is placed four times a second
    const expectS = (wall - recStart) / 1000;
    assert.ok(
      expectS > 60 && expectS < 360,
      `the wall clock shown (${new Date(wall).toISOString()}) is in the recording`,
    );
    const from = Math.max(0, Math.floor(expectS) - 2);
    const refs = referenceFrames(from, 5 * FPS);
    const scores = refs.map((r) => diff(shown.rgb, r));
    const best = scores.indexOf(Math.min(...scores));
    const bestS = from + best / FPS;
    // the match is not exact (x264 at ultrafast, the browser's YUV→RGB, testsrc2's noise squares): about 8 of 255 for
    // the same picture, over 20 for testsrc2 a second away
    assert.ok(scores[best]! < 12, `a picture the NVR drew (best mean difference ${scores[best]!.toFixed(2)})`);
    assert.ok(Math.abs(bestS - expectS) < 1.5, `of the instant shown: ${bestS} s vs ${expectS} s into the recording`);
    const far = scores.filter((_, i) => Math.abs(i - best) >= FPS);
    assert.ok(Math.min(...far) > scores[best]! + 8, 'and not of a second away');
  });
});
