// End-to-end: playback from a pane's timeline on footage a real gateway recorded of simulated cameras that draw their clock; sync; export.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { decodeClock } from '../../bench/clock-pattern';
import type { RecordingService } from '../../gateway/recordings/recording-service';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { addSource, postWebhook } from '../helpers/events';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay } from './frames';
import { offset } from './seed';

const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };
const NAMES = ['回放-东门', '回放-西门', '回放-南门', '回放-北门'];
const DOWN_MS = 4000;
const iso = (ms: number): string => new Date(ms).toISOString();

interface Box {
  start: number;
  end: number;
  left: number;
  width: number;
}

/** The capture time the camera drew into the frame a <video> shows now (read from a canvas), or null. */
function shownClock(page: Page, video: string): Promise<number | null> {
  return page.$eval(video, (el) => {
    const v = el as HTMLVideoElement;
    if (v.readyState < 2 || v.videoWidth === 0) return null;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const g = c.getContext('2d', { willReadFrequently: true })!;
    g.drawImage(v, 0, 0);
    const w = window as unknown as { __decodeClock: (img: ImageData) => number | null };
    return w.__decodeClock(g.getImageData(0, 0, c.width, c.height));
  });
}

/** Waits until the pane's playback shows a frame whose clock `ok` accepts; returns that clock. */
async function clockWhen(page: Page, pane: string, ok: (clock: number) => boolean, what: string): Promise<number> {
  let last: number | null = null;
  try {
    return await waitFor(
      async () => {
        last = await shownClock(page, `${pane} .pb-video`);
        return last !== null && ok(last) ? last : null;
      },
      { what, timeoutMs: 15_000, intervalMs: 100 },
    );
  } catch (err) {
    const video = await page.$eval(`${pane} .pb-video`, (el) => {
      const v = el as HTMLVideoElement;
      const b = [...Array(v.buffered.length).keys()].map((i) => `${v.buffered.start(i)}-${v.buffered.end(i)}`);
      return `currentTime ${v.currentTime}, readyState ${v.readyState}, paused ${v.paused}, buffered ${b.join(' ')}`;
    });
    const status = await page.textContent(`${pane} .pb-status`);
    throw new Error(`${(err as Error).message}; last clock ${last === null ? 'none' : iso(last)}; ${video}; ${status}`);
  }
}

/** Spans, gaps and the track of a pane's timeline as laid out on screen. */
async function layout(page: Page, pane: string) {
  return page.$eval(pane, (el) => {
    const boxes = (sel: string) =>
      [...el.querySelectorAll<HTMLElement>(sel)].map((b) => {
        const r = b.getBoundingClientRect();
        return { start: Number(b.dataset.start), end: Number(b.dataset.end), left: r.left, width: r.width };
      });
    const tl = el.querySelector<HTMLElement>('.timeline')!;
    const tr = el.querySelector<HTMLElement>('.tl-track')!.getBoundingClientRect();
    return {
      spans: boxes('.tl-span'),
      gaps: boxes('.tl-gap'),
      startMs: Number(tl.dataset.startMs),
      spanMs: Number(tl.dataset.spanMs),
      track: { left: tr.left, top: tr.top, width: tr.width, height: tr.height },
    };
  });
}

/** Clicks a pane's timeline track at wall-clock `ms`. */
async function clickAt(page: Page, pane: string, ms: number): Promise<void> {
  const l = await layout(page, pane);
  const x = ((ms - l.startMs) / l.spanMs) * l.track.width;
  assert.ok(x >= 0 && x <= l.track.width, `${iso(ms)} is inside the view`);
  await page.mouse.click(l.track.left + x, l.track.top + l.track.height / 2);
}

describe('playback timeline (e2e): spans, gaps and event marks, seek by click, back 30 s, 2×2 sync, clip export', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let sim: RtspProcess;
  let rec: RecordingService;
  let browser: Browser;
  let page: Page | undefined;
  const cams: string[] = [];
  let downAt = 0;
  let upAt = 0;
  let eventAt = 0;
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-pb-e2e-'));

  async function open(): Promise<Page> {
    const p = await newPage(browser, tg.base);
    // tsx compiles page callbacks with esbuild's keepNames helper, which the page does not have
    await p.addInitScript({ content: `window.__name = (f) => f; window.__decodeClock = ${decodeClock.toString()};` });
    await loginAs(p, 'pbadm');
    return p;
  }

  before(async function () {
    this.timeout(90_000);
    sim = await RtspProcess.start({ count: 4, codec: 'h264', clock: true, width: 320, height: 180, fps: 10, gopS: 1 });
    tg = await startTestGateway({
      transcoder: { backoffInitialMs: 300, backoffMaxMs: 1500 },
      recording: { segmentSeconds: 2, planIntervalS: 0.5, retryS: 1 },
    });
    rec = tg.gw.services.recordings;
    await tg.addUser('pbadm', 'admin', 'police');
    const token = await tg.login('pbadm');
    for (const [i, name] of NAMES.entries()) {
      const [lng, lat] = offset(-300 + i * 200, 60);
      const r = await tg.api('POST', '/api/v1/cameras', {
        token,
        body: {
          name,
          mainUri: sim.url(i, 'main'),
          subUri: sim.url(i, 'sub'),
          streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
          lng,
          lat,
        },
      });
      assert.equal(r.status, 201, r.text);
      cams.push(r.body.id);
      await rec.setPlan({ scope: 'camera', cameraId: r.body.id, mode: 'continuous' }, SYSTEM);
    }
    browser = await launchBrowser();
    // camera 0 records a few seconds, drops for DOWN_MS, and records again: one gap in its footage
    const segs = (cam: string) => rec.footage.segments(cam, iso(Date.now() - 600_000), iso(Date.now() + 1000));
    await waitFor(async () => (await segs(cams[0]!)).length >= 3, {
      what: 'footage before the drop',
      timeoutMs: 30_000,
    });
    // an event of camera 0 (a door opened), posted through a signed webhook source: a mark on its timeline
    const source = await addSource(tg, token, { kind: 'webhook', name: 'door-sensors' });
    eventAt = Date.now() - 1500;
    const ev = {
      id: 'door-1',
      kind: 'custom',
      type: 'door.open',
      at: iso(eventAt),
      location: { cameraId: cams[0] },
      data: {},
    };
    const posted = await postWebhook(tg, source, JSON.stringify({ events: [ev] }));
    assert.equal(posted.body?.accepted, 1, posted.text);
    downAt = Date.now();
    await sim.down(0);
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await sim.up(0);
    upAt = Date.now();
    await waitFor(async () => (await segs(cams[0]!)).filter((s) => s.startMs > upAt).length >= 2, {
      what: 'footage after the drop',
      timeoutMs: 40_000,
    });
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async function () {
    await endPage(this, 'playback-timeline', page);
    page = undefined;
  });

  it('spans, the gap and an event mark on the timeline; a click plays that time, across the gap; the cursor follows the frames', async () => {
    page = await open();
    const { pane } = await clickPlay(page, NAMES[0]!, cams[0]!);
    await page.click(`${pane} .pane-playback-btn`);
    await page.waitForSelector(`${pane} .pane-playback .tl-span`, { timeout: 10_000 });
    // wheel: down zooms out, up zooms in; then the + button twice: 10 min → 2.5 min
    const tl = `${pane} .timeline`;
    const span = async () => Number(await page!.getAttribute(tl, 'data-span-ms'));
    assert.equal(await span(), 600_000);
    await page.hover(`${pane} .tl-track`);
    await page.mouse.wheel(0, 300);
    await waitFor(async () => (await span()) === 1_200_000, { what: 'zoomed out by the wheel' });
    await page.mouse.wheel(0, -300);
    await waitFor(async () => (await span()) === 600_000, { what: 'zoomed back in by the wheel' });
    await page.click(`${pane} .tl-zoom-in`);
    await page.click(`${pane} .tl-zoom-in`);
    assert.equal(await span(), 150_000);
    await page.waitForTimeout(400); // the footage of the new view

    // the gap where the camera was down, between two spans, as the index has it
    const index = await rec.footage.spans(cams[0]!, iso(downAt - 120_000), iso(Date.now()));
    assert.equal(index.length, 2, JSON.stringify(index));
    const l = await layout(page, pane);
    const gap = l.gaps.find((g) => Math.abs(g.start - index[0]!.endMs) <= 1);
    assert.ok(gap, `a gap drawn from ${iso(index[0]!.endMs)}: ${JSON.stringify(l.gaps)}`);
    assert.ok(Math.abs(gap.end - index[1]!.startMs) <= 1, 'to the next span');
    assert.ok(gap.end - gap.start >= DOWN_MS - 1000, `gap of ${gap.end - gap.start} ms`);
    const before = l.spans.find((s) => Math.abs(s.end - gap.start) <= 1)!;
    const after = l.spans.find((s) => Math.abs(s.start - gap.end) <= 1)!;
    assert.ok(before && after, `spans either side: ${JSON.stringify(l.spans)}`);
    const pxPerMs = l.track.width / l.spanMs;
    const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1.5, `${what}: ${a} vs ${b}`);
    near(gap.width, (gap.end - gap.start) * pxPerMs, 'gap width');
    near(before.left + before.width, gap.left, 'the span ends where the gap begins');
    near(gap.left + gap.width, after.left, 'the gap ends where the next span begins');
    near(gap.left - l.track.left, (gap.start - l.startMs) * pxPerMs, 'the gap sits at its time');
    const marks = await page.$$eval(`${pane} .tl-event`, (els) =>
      els.map((e) => ({ at: Number((e as HTMLElement).dataset.start), left: e.getBoundingClientRect().left })),
    );
    const mark = marks.find((m) => Math.abs(m.at - eventAt) <= 1);
    assert.ok(mark, `the event's mark at ${iso(eventAt)}: ${JSON.stringify(marks)}`);
    near(mark.left + 1 - l.track.left, (eventAt - l.startMs) * pxPerMs, 'the event mark sits at its time');

    // a click 2 s before the gap: those frames, then the cursor jumps the gap with the picture
    const t1 = gap.start - 2000;
    await clickAt(page, pane, t1);
    const c1 = await clockWhen(page, pane, (c) => Math.abs(c - t1) < 1500, `the frame of ${iso(t1)}`);
    const after1 = await clockWhen(page, pane, (c) => c >= gap.end - 500, 'a frame after the gap');
    // the cursor is placed four times a second
    const cursor = await waitFor(
      async () => {
        const ms = Number(await page!.getAttribute(`${pane} .tl-cursor`, 'data-ms'));
        return ms >= gap.end - 500 ? ms : null;
      },
      { what: `the cursor past the gap's end ${iso(gap.end)}`, timeoutMs: 2000 },
    );
    const shown1 = (await shownClock(page, `${pane} .pb-video`))!;
    assert.ok(Math.abs(cursor - shown1) < 1000, `cursor ${iso(cursor)} with the picture ${iso(shown1)}`);
    assert.ok(after1 - c1 > DOWN_MS, 'the gap was jumped, not played');

    // a click back before the gap (well away from the time playing): the frames of that time, the cursor with them
    const t2 = Math.max(before.start + 1500, gap.start - 5000);
    await clickAt(page, pane, t2);
    const c2 = await clockWhen(page, pane, (c) => Math.abs(c - t2) < 1500, `the frame of ${iso(t2)}`);
    const together = async () => {
      const wall = Number(await page!.getAttribute(`${pane} .pane-playback`, 'data-wall-ms'));
      const drawn = (await shownClock(page!, `${pane} .pb-video`))!;
      return Math.abs(wall - drawn) < 1000 ? { wall, drawn } : null;
    };
    // the readout is placed four times a second
    await waitFor(together, { what: 'the wall clock shown with the frame drawn', timeoutMs: 2000 });
    await page.waitForTimeout(1500);
    const { wall: w3, drawn: c3 } = await waitFor(together, { what: 'still together', timeoutMs: 2000 });
    assert.ok(c3 - c2 >= 700, `the picture moves on: ${iso(c2)} → ${iso(c3)}`);
    const cursor3 = Number(await page.getAttribute(`${pane} .tl-cursor`, 'data-ms'));
    assert.ok(Math.abs(cursor3 - w3) < 600, `the cursor ${iso(cursor3)} at the time shown ${iso(w3)}`);
    await page.click(`${pane} .pb-live`);
    await page.waitForSelector(`${pane} .pane-playback`, { state: 'detached' });
    assert.equal(await page.getAttribute(pane, 'data-state'), 'live');
  });

  it('2×2 synchronized playback: a click on one timeline shows the same time in all four panes', async () => {
    page = await open();
    const panes: string[] = [];
    for (const [i, name] of NAMES.entries()) panes.push((await clickPlay(page, name, cams[i]!)).pane);
    assert.equal(await page.$$eval('.video-wall .pane', (els) => els.length), 4);
    await page.click('.wall-sync');
    await page.click(`${panes[0]} .pane-playback-btn`);
    for (const p of panes) await page.waitForSelector(`${p} .pane-playback .tl-span`, { timeout: 10_000 });
    const t = upAt + 4000;
    await clickAt(page, panes[1]!, t);
    for (const p of panes) await clockWhen(page, p, (c) => Math.abs(c - t) < 3000, `${p} near ${iso(t)}`);
    await page.waitForTimeout(2000);
    const clocks: number[] = [];
    for (const p of panes) clocks.push((await shownClock(page, `${p} .pb-video`))!);
    const spread = Math.max(...clocks) - Math.min(...clocks);
    // the panes are read one after another (a few tens of ms apart)
    assert.ok(spread < 1000, `one clock: ${clocks.map(iso).join(', ')}`);
    for (const c of clocks) assert.ok(c - t > 0 && c - t < 6000, `${iso(c)} follows ${iso(t)}`);
  });

  it('clip export: a range dragged on the timeline, a required reason, a link that downloads an MP4', async () => {
    page = await open();
    const { pane } = await clickPlay(page, NAMES[1]!, cams[1]!);
    await page.click(`${pane} .pane-playback-btn`);
    await page.waitForSelector(`${pane} .pane-playback .tl-span`, { timeout: 10_000 });
    await page.click(`${pane} .pb-export`);
    const l = await layout(page, pane);
    const a = upAt - 6000;
    const b = upAt;
    const xa = l.track.left + ((a - l.startMs) / l.spanMs) * l.track.width;
    const xb = l.track.left + ((b - l.startMs) / l.spanMs) * l.track.width;
    const y = l.track.top + l.track.height / 2;
    await page.mouse.move(xa, y);
    await page.mouse.down();
    await page.mouse.move((xa + xb) / 2, y, { steps: 3 });
    await page.mouse.move(xb, y, { steps: 3 });
    await page.mouse.up();
    assert.ok(await page.isVisible(`${pane} .tl-sel`), 'the range is shown on the timeline');
    assert.notEqual(await page.inputValue(`${pane} .export-from`), '');
    await page.click(`${pane} .export-submit`);
    assert.match((await page.textContent(`${pane} .export-status`)) ?? '', /导出原因/);
    await page.fill(`${pane} .export-reason`, '案件 2026-118 调取');
    await page.click(`${pane} .export-submit`);
    const link = await page.waitForSelector(`${pane} .export-link`, { timeout: 30_000 });
    const href = (await link.getAttribute('href'))!;
    const res = await page.request.get(href);
    assert.equal(res.status(), 200);
    const body = await res.body();
    assert.equal(body.subarray(4, 8).toString('latin1'), 'ftyp', 'an MP4');
    const file = path.join(dir, 'clip.mp4');
    writeFileSync(file, body);
    const dur = Number(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
        encoding: 'utf8',
      }),
    );
    // whole segments (2 s) are remuxed, not re-encoded: the range, widened to the segments it touches
    assert.ok(dur >= 5 && dur <= 11, `the 6 s range in whole segments: ${dur} s`);
  });

  it('back 30 s from live plays footage about 30 s old; the date/time picker jumps; "live" returns', async () => {
    const segs = await rec.footage.segments(cams[2]!, iso(Date.now() - 600_000), iso(Date.now()));
    const since = segs[0]!.startMs;
    if (Date.now() - since < 34_000) await new Promise((r) => setTimeout(r, 34_000 - (Date.now() - since)));
    page = await open();
    const { pane } = await clickPlay(page, NAMES[2]!, cams[2]!);
    const clicked = Date.now();
    await page.click(`${pane} .pane-back30`);
    await page.waitForSelector(`${pane} .pane-playback`);
    const c = await clockWhen(page, pane, (x) => Math.abs(x - (clicked - 30_000)) < 2500, 'footage of 30 s ago');
    assert.ok(Date.now() - c >= 27_000, `footage ${Date.now() - c} ms old`);
    // the picker: a time typed in the browser's zone
    const target = since + 5000;
    const d = new Date(target);
    const pad = (n: number) => String(n).padStart(2, '0');
    const local = await page.evaluate((ms) => {
      const x = new Date(ms);
      const p2 = (n: number) => String(n).padStart(2, '0');
      return `${x.getFullYear()}-${p2(x.getMonth() + 1)}-${p2(x.getDate())}T${p2(x.getHours())}:${p2(x.getMinutes())}:${p2(x.getSeconds())}`;
    }, target);
    assert.ok(local.endsWith(`:${pad(d.getUTCSeconds())}`));
    await page.fill(`${pane} .pb-when`, local);
    await page.click(`${pane} .pb-jump`);
    const whole = Math.floor(target / 1000) * 1000;
    await clockWhen(page, pane, (x) => Math.abs(x - whole) < 1500, `the frame of ${iso(whole)}`);
    await page.click(`${pane} .pb-live`);
    await page.waitForSelector(`${pane} .pane-playback`, { state: 'detached' });
    await page.waitForSelector(`${pane}[data-state=live]`);
  });
});
