// End-to-end: the wall keeps its streams across 9 → 4 → 9, panes and the wall go fullscreen, roles without video get no wall.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { launchBrowser, loginAs, newPage, endPage, screenshot } from './browser';
import { offset } from './seed';

const COUNT = 9;

/** Ids of the panes whose video plays: state live and the picture advancing now. */
async function advancing(page: Page): Promise<string[]> {
  const at = (): Promise<Record<string, number>> =>
    page.$$eval('.video-wall .pane[data-state=live]', (els) =>
      Object.fromEntries(
        els.map((e) => [(e as HTMLElement).dataset.cameraId ?? '', e.querySelector('video')?.currentTime ?? 0]),
      ),
    );
  const t0 = await at();
  await page.waitForTimeout(1500);
  const t1 = await at();
  return Object.keys(t1)
    .filter((id) => t0[id] !== undefined && t1[id]! - t0[id]! > 0.5)
    .sort();
}

/** Waits until `want` panes are on screen and every one of them plays. */
async function allPlaying(page: Page, want: string[]): Promise<void> {
  let seen: string[] = [];
  for (let i = 0; i < 20; i++) {
    seen = await advancing(page);
    if (seen.length === want.length && seen.every((id, k) => id === want[k])) return;
  }
  assert.deepEqual(seen, want, 'the panes that play');
}

/** The element shown fullscreen: by the Fullscreen API, or filling the window. */
async function fullscreenOf(page: Page): Promise<{ cls: string; id: string | null; fills: boolean } | null> {
  return page.evaluate(() => {
    const el = (document.fullscreenElement ?? document.querySelector('.fill-window')) as HTMLElement | null;
    if (!el) return null;
    const r = el.getBoundingClientRect();
    const fills = r.left <= 0 && r.top <= 0 && r.width >= window.innerWidth - 1 && r.height >= window.innerHeight - 1;
    return { cls: el.className, id: el.dataset.cameraId ?? null, fills };
  });
}

describe('console wall layouts, fullscreen and roles (e2e)', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let rtsp: RtspProcess;
  let browser: Browser;
  let page: Page | undefined;
  const ids: string[] = [];
  const [lng0, lat0] = offset(0, 0);

  before(async function () {
    this.timeout(120_000);
    rtsp = await RtspProcess.start({ count: COUNT, codec: 'h264', width: 320, height: 180 });
    tg = await startTestGateway();
    await tg.addUser('lop', 'operator', 'police');
    await tg.addUser('ladmin', 'admin', 'police');
    await tg.addUser('laudit', 'auditor', 'police');
    const admin = await tg.login('ladmin');
    for (let i = 0; i < COUNT; i++) {
      const [lng, lat] = offset(-40 + (i % 3) * 40, -40 + Math.floor(i / 3) * 40);
      const streams = { main: { codec: 'h264' }, sub: { codec: 'h264' } };
      const body = { name: `墙-${i}`, mainUri: rtsp.url(i, 'main'), subUri: rtsp.url(i, 'sub'), streams, lng, lat };
      const r = await tg.api('POST', '/api/v1/cameras', { token: admin, body });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    ids.sort();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await rtsp?.close();
  });

  afterEach(async function () {
    await endPage(this, 'wall-layout', page);
    page = undefined;
  });

  /** Lists the nine cameras in incident mode and puts them all on the wall. */
  async function fillWall(p: Page): Promise<void> {
    await p.click('.tab[data-tab=incident]');
    await p.fill('.incident-panel input[name=radius]', '200');
    await p.fill('.incident-panel input[name=lng]', String(lng0));
    await p.fill('.incident-panel input[name=lat]', String(lat0));
    await p.click('.incident-panel form.coords button[type=submit]');
    await p.waitForFunction((n) => document.querySelectorAll('.incident-results .hit').length === n, COUNT);
    await p.click('.incident-results .play-all');
    await p.waitForSelector('.wall-grid.layout-9');
  }

  it('9 playing panes → 4 → 9: all nine play again', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'lop');
    await fillWall(page);
    await allPlaying(page, ids);
    await page.click('.wall-bar button[data-layout="4"]');
    assert.equal(await page.locator('.video-wall .pane').count(), 4, 'four panes shown');
    const four = (
      await page.$$eval('.video-wall .pane', (els) => els.map((e) => (e as HTMLElement).dataset.cameraId ?? ''))
    ).sort();
    await allPlaying(page, four);
    await page.click('.wall-bar button[data-layout="9"]');
    await page.waitForFunction(() => document.querySelectorAll('.video-wall .pane').length === 9);
    await allPlaying(page, ids);
    for (const id of ids)
      assert.ok(
        await page.locator(`.video-wall .pane[data-camera-id="${id}"] video`).isVisible(),
        `pane ${id} visible`,
      );
    await screenshot(page, 'wall-nine-again');
  });

  it('double-click makes a pane fullscreen and Esc or another double-click leaves; the wall has a fullscreen button', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'lop');
    await fillWall(page);
    const id = ids[4]!;
    const pane = `.video-wall .pane[data-camera-id="${id}"]`;
    await page.waitForSelector(`${pane}[data-state=live]`, { timeout: 30_000 });
    await page.dblclick(`${pane} video`);
    await page.waitForFunction(
      () => document.fullscreenElement !== null || document.querySelector('.fill-window') !== null,
    );
    let full = await fullscreenOf(page);
    assert.equal(full?.id, id, 'the double-clicked pane is fullscreen');
    assert.ok(full.fills, 'and fills the screen');
    assert.ok(
      await page.evaluate(() => document.fullscreenElement?.classList.contains('pane')),
      'through the Fullscreen API',
    );
    assert.ok(await page.locator(`${pane} video`).isVisible());
    await screenshot(page, 'wall-pane-fullscreen');
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      () => document.fullscreenElement === null && document.querySelector('.fill-window') === null,
    );
    assert.equal(await page.locator('.video-wall .pane').count(), 9, 'back on the wall with its nine panes');

    await page.dblclick(`${pane} video`);
    await page.waitForFunction(
      () => document.fullscreenElement !== null || document.querySelector('.fill-window') !== null,
    );
    await page.dblclick(`${pane} video`);
    await page.waitForFunction(
      () => document.fullscreenElement === null && document.querySelector('.fill-window') === null,
    );

    // the pane's own button does the same
    await page.click(`${pane} .pane-fullscreen`);
    await page.waitForFunction(
      () => document.fullscreenElement !== null || document.querySelector('.fill-window') !== null,
    );
    assert.equal((await fullscreenOf(page))?.id, id);
    await page.click(`${pane} .pane-fullscreen`);
    await page.waitForFunction(
      () => document.fullscreenElement === null && document.querySelector('.fill-window') === null,
    );

    await page.click('.wall-bar .wall-fullscreen');
    await page.waitForFunction(
      () => document.fullscreenElement !== null || document.querySelector('.fill-window') !== null,
    );
    full = await fullscreenOf(page);
    assert.ok(full?.cls.includes('video-wall') && full.fills, `the wall is fullscreen: ${JSON.stringify(full)}`);
    assert.equal(await page.locator('.video-wall .pane video').count(), 9);
    for (const v of await page.locator('.video-wall .pane video').all()) assert.ok(await v.isVisible());
    await page.keyboard.press('Escape');
    await page.waitForFunction(
      () => document.fullscreenElement === null && document.querySelector('.fill-window') === null,
    );
    assert.ok(await page.locator('#map').isVisible(), 'the map is back beside the wall');
  });

  it('an auditor (no video rights) sees no wall or video controls; an operator does', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'laudit');
    await page.waitForSelector('.audit-page');
    for (const sel of [
      '.density-switch',
      '.video-wall',
      '.wall-bar button',
      '.play-btn',
      '.hit-play',
      '.play-all',
      'video',
    ]) {
      assert.equal(await page.locator(sel).count(), 0, `${sel} is not offered`);
    }
    await page.context().close();
    page = await newPage(browser, tg.base);
    await loginAs(page, 'lop');
    assert.ok(await page.locator('.density-switch').isVisible(), 'the wall density button is there for an operator');
  });
});
