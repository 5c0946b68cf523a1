// End-to-end: a key place picked in incident mode, "play all" onto the 1/4/9 wall, filters, the grids layer, wall density.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { launchBrowser, loginAs, newPage, screenshot, endPage } from './browser';
import { offset } from './seed';
import { renderSeq, setFilter, shownCameras, waitRender } from './map-helpers';

describe('console wall, places and filters (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let rtsp: RtspProcess;
  let browser: Browser;
  let page: Page | undefined;
  const ids: string[] = [];
  let deadId = '';

  before(async function () {
    this.timeout(120_000);
    rtsp = await RtspProcess.start({ count: 5, codec: 'h264', width: 320, height: 180 });
    tg = await startTestGateway();
    await tg.addUser('wadmin', 'admin', 'police');
    await tg.addUser('wview', 'viewer', 'police');
    await tg.addUser('wcity', 'admin', null);
    const admin = await tg.login('wadmin');
    const [x0, y0] = offset(-100, -100);
    const [x1, y1] = offset(100, 100);
    const place = await tg.api('POST', '/api/v1/grids', {
      token: await tg.login('wcity'),
      body: {
        name: '站前广场',
        kind: 'place',
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [x0, y0],
              [x1, y0],
              [x1, y1],
              [x0, y1],
              [x0, y0],
            ],
          ],
        },
      },
    });
    assert.equal(place.status, 201, place.text);
    for (let i = 0; i < 5; i++) {
      const [lng, lat] = offset(-40 + i * 20, 10 * i);
      const r = await tg.api('POST', '/api/v1/cameras', {
        token: admin,
        body: {
          name: `广场-${i}`,
          mainUri: rtsp.url(i, 'main'),
          subUri: rtsp.url(i, 'sub'),
          streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
          lng,
          lat,
          tags: i % 2 ? ['广场'] : ['路口'],
        },
      });
      assert.equal(r.status, 201, r.text);
      ids.push(r.body.id);
    }
    await tg.gw.repos.cameras.setStatuses([{ id: ids[4]!, status: 'offline', reason: 'test', lastSeen: null }]);
    // a camera whose RTSP port has nobody behind it (loopback, port 9)
    const [dx, dy] = offset(400, 400);
    const dead = await tg.api('POST', '/api/v1/cameras', {
      token: admin,
      body: { name: '断线-1', mainUri: 'rtsp://127.0.0.1:9/cam/0/main', lng: dx, lat: dy },
    });
    assert.equal(dead.status, 201, dead.text);
    deadId = dead.body.id;
    await tg.gw.reload();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await rtsp?.close();
  });

  afterEach(async function () {
    await endPage(this, 'wall', page);
    page = undefined;
  });

  it('a key place picked in incident mode lists its cameras; "play all" fills the wall (5 cameras → 9 panes); 1/4/9 switch the layout', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'wview');
    await page.click('.tab[data-tab=incident]');
    await page.fill('.incident-panel input[name=radius]', '150');
    await page.waitForSelector('.incident-panel select[name=place] option:nth-child(2)', { state: 'attached' });
    await page.selectOption('.incident-panel select[name=place]', { label: '站前广场 (重点场所)' }).catch(async () => {
      const value = await page!.$eval(
        '.incident-panel select[name=place]',
        (s) => [...(s as HTMLSelectElement).options].find((o) => o.textContent?.startsWith('站前广场'))?.value ?? '',
      );
      await page!.selectOption('.incident-panel select[name=place]', value);
    });
    await page.waitForSelector('.incident-results .hit');
    const listed = await page.$$eval('.incident-results .hit', (els) =>
      els.map((e) => (e as HTMLElement).dataset.cameraId),
    );
    assert.deepEqual([...listed].sort(), [...ids].sort(), 'every camera around the place, nothing else');
    await page.click('.incident-results .play-all');
    await page.waitForSelector('.wall-grid.layout-9');
    const panes = await page.$$eval('.video-wall .pane', (els) => els.map((e) => (e as HTMLElement).dataset.cameraId));
    assert.deepEqual([...panes].sort(), [...ids].sort(), 'each listed camera on the wall once');
    await page.waitForSelector(`.video-wall .pane[data-camera-id="${ids[0]}"][data-state=live]`, { timeout: 30_000 });
    for (const n of [1, 4, 9]) {
      await page.click(`.wall-bar button[data-layout="${n}"]`);
      assert.equal(await page.$eval('.wall-grid', (g) => g.className), `wall-grid layout-${n}`);
    }
    await screenshot(page, 'wall-playing');
    await page.click('.wall-bar button[data-i18n="wall.stopAll"]');
    await page.waitForFunction(() => document.querySelectorAll('.video-wall .pane').length === 0);
  });

  it("a camera that delivers no video shows the server's reason on its pane and keeps retrying", async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'wview');
    await page.waitForFunction(() => 'cloudeye' in window);
    await page.evaluate(
      (id) =>
        (window as unknown as { cloudeye: { play(c: Array<{ id: string; name: string }>): void } }).cloudeye.play([
          { id, name: '断线-1' },
        ]),
      deadId,
    );
    const pane = `.video-wall .pane[data-camera-id="${deadId}"]`;
    // 503 + Retry-After: the pane says why and retries (reconnecting), or gives up (failed)
    await page.waitForSelector(`${pane}[data-state=reconnecting], ${pane}[data-state=failed]`, { timeout: 30_000 });
    // the reason comes from the API (503 detail) or from the server's stream:state events (retries)
    const reasons: string[] = [];
    for (let i = 0; i < 60 && !reasons.some((r) => /did not deliver video|Connection refused|failing/.test(r)); i++) {
      reasons.push((await page.textContent(`${pane} .pane-reason`)) ?? '');
      await page.waitForTimeout(250);
    }
    assert.ok(
      reasons.some((r) => /did not deliver video|Connection refused|failing/.test(r)),
      `a reason was shown: ${[...new Set(reasons)].join(' | ')}`,
    );
  });

  it('status and tag filters narrow the map, the grids layer toggles, wall density enlarges the console', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'wview');
    await waitRender(page, 0);
    assert.equal((await shownCameras(page)).total, 6);
    const offline = (await tg.api('GET', '/api/v1/cameras?status=offline', { token: await tg.login('wview') })).body
      .items.length;
    assert.ok(offline >= 1 && offline < 6);
    await setFilter(page, 'status', 'offline');
    assert.equal((await shownCameras(page)).total, offline);
    await setFilter(page, 'status', '');
    await setFilter(page, 'tag', '广场');
    assert.equal((await shownCameras(page)).total, 2);
    assert.ok((await page.$$('.grid-shape')).length > 0, 'grids and places are drawn');
    await page.uncheck('.filter-panel input[name=grids]');
    assert.equal((await page.$$('.grid-shape')).length, 0, 'the grids layer is hidden');
    await page.check('.filter-panel input[name=grids]');
    assert.ok((await page.$$('.grid-shape')).length > 0);
    const before = await page.$eval('.topbar', (e) => e.getBoundingClientRect().height);
    await page.click('.density-switch');
    assert.equal(await page.$eval('html', (e) => e.dataset.density), 'wall');
    assert.ok((await page.$eval('.topbar', (e) => e.getBoundingClientRect().height)) > before, 'larger on a wall');
    assert.ok((await renderSeq(page)) > 0);
  });
});
