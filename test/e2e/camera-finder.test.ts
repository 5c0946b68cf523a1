// End-to-end: finding a camera from the top bar (search results list, department → network/grid directory) or by its link;
// a pick flies the map there and plays it.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { launchBrowser, loginAs, newPage, endPage } from './browser';
import { offset, seedCity } from './seed';
import { waitRender } from './map-helpers';
import { assertOnScreen } from './screen-checks';

const SEARCH = '.topbar input[name=camera-search]';

describe('finding a camera (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let rtsp: RtspProcess;
  let browser: Browser;
  let cam: Camera;
  let netId: number;
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0 });
    await rtsp.start();
    tg = await startTestGateway();
    await tg.addUser('city', 'admin', null);
    await tg.addUser('padmin', 'admin', 'police');
    await tg.addUser('pview', 'viewer', 'police');
    await seedCity(tg, await tg.login('city'));
    const admin = await tg.login('padmin');
    const net = await tg.api('POST', '/api/v1/networks', {
      token: admin,
      body: { name: '公安视频专网', cidrs: ['127.0.0.0/8'] },
    });
    assert.equal(net.status, 201, net.text);
    netId = net.body.id;
    // 3 km from the city: far enough that finding it means flying there
    const [lng, lat] = offset(3000, 2000);
    const d = 0.002;
    const square = [
      [
        [lng - d, lat - d],
        [lng + d, lat - d],
        [lng + d, lat + d],
        [lng - d, lat + d],
        [lng - d, lat - d],
      ],
    ];
    const grid = await tg.api('POST', '/api/v1/grids', {
      token: await tg.login('city'),
      body: { name: '解放街道网格', kind: 'grid', geometry: { type: 'Polygon', coordinates: square } },
    });
    assert.equal(grid.status, 201, grid.text);
    const r = await tg.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: '模拟-解放路口',
        networkId: netId,
        mainUri: rtsp.url(0, 'main'),
        subUri: rtsp.url(0, 'sub'),
        streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
        lng,
        lat,
        bearing: 90,
        fov: 90,
        rangeM: 100,
        address: '解放路 18 号',
        tags: ['crossing', 'sim-cam'],
      },
    });
    assert.equal(r.status, 201, r.text);
    cam = r.body as Camera;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await rtsp?.close();
  });

  afterEach(async function () {
    await endPage(this, 'finder', page);
    page = undefined;
  });

  /** Types into the top bar's search and waits for the list to answer. */
  async function searchFor(p: Page, text: string): Promise<void> {
    await p.fill(SEARCH, '');
    await p.locator(SEARCH).pressSequentially(text, { delay: 20 });
    await p.waitForFunction((want) => {
      const box = document.querySelector('.search-results');
      const typed = document.querySelector<HTMLInputElement>('.topbar input[name=camera-search]')?.value;
      return (
        !!box &&
        !box.hasAttribute('hidden') &&
        typed === want &&
        box.querySelector('.search-hit, .search-none') !== null
      );
    }, text);
    await p.waitForTimeout(400); // a later answer for the whole text replaces an earlier one
  }

  /** The map has flown to the camera (close zoom, camera in the middle, its marker on screen) and its pane plays. */
  async function flownAndPlaying(p: Page): Promise<void> {
    await p.waitForFunction(
      ([lng, lat]) => {
        const { base } = window.cloudeye!;
        const m = base.map;
        const at = m.latLngToContainerPoint(base.toLatLng(lng as number, lat as number));
        const size = m.getSize();
        return m.getZoom() >= 18 && Math.abs(at.x - size.x / 2) < 3 && Math.abs(at.y - size.y / 2) < 3;
      },
      [cam.lng, cam.lat],
      { timeout: 10_000 },
    );
    await assertOnScreen(p, `.cam-marker[data-camera-id="${cam.id}"]`, 'the camera marker');
    const pane = `.video-wall .pane[data-camera-id="${cam.id}"]`;
    await p.waitForSelector(`${pane}[data-state=live]`, { timeout: 30_000 });
    await assertOnScreen(p, `${pane} video`, 'the playing video');
    assert.equal(await p.textContent(`${pane} .pane-name`), cam.name);
    const t0 = await p.$eval(`${pane} video`, (v) => (v as HTMLVideoElement).currentTime);
    await p.waitForTimeout(2500);
    const v = await p.$eval(`${pane} video`, (el) => ({
      t: (el as HTMLVideoElement).currentTime,
      w: (el as HTMLVideoElement).videoWidth,
    }));
    assert.ok(v.t - t0 > 1 && v.w > 0, `the video advances: ${t0} → ${v.t}, ${v.w} px wide`);
  }

  it('the top bar search lists cameras by address, id, tag and name; a click flies there and plays it', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pview');
    await waitRender(p, 0);
    const hit = `.search-results .search-hit[data-camera-id="${cam.id}"]`;

    await searchFor(p, '解放路 18');
    await assertOnScreen(p, hit, 'the hit by address');
    const shown = (await p.textContent(hit)) ?? '';
    for (const part of [cam.name, `#${cam.id}`, '解放路 18 号', 'crossing', 'sim-cam', '地址'])
      assert.ok(shown.includes(part), `the hit shows "${part}": ${shown}`);

    await searchFor(p, cam.id);
    assert.equal(
      await p.getAttribute('.search-results .search-hit >> nth=0', 'data-camera-id'),
      cam.id,
      'by id: the camera first',
    );
    assert.match((await p.textContent(`${hit} .hit-match`)) ?? '', /编号/);
    await searchFor(p, 'sim-c');
    assert.deepEqual(
      await p.$$eval('.search-results .search-hit', (els) => els.map((e) => (e as HTMLElement).dataset.cameraId)),
      [cam.id],
      'by tag',
    );
    await searchFor(p, '没有这台');
    await assertOnScreen(p, '.search-results .search-none', 'the "nothing found" line');

    await searchFor(p, '模拟-解放');
    await p.click(hit);
    await assertOnScreen(p, '#map', 'the map');
    assert.equal(await p.locator('.search-results').isVisible(), false, 'the list closes');
    await flownAndPlaying(p);
  });

  it("a camera's link (the popup's Copy link) opens the console on the camera, playing, from page load", async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pview');
    await waitRender(p, 0);
    await p.evaluate(
      ([lng, lat]) => {
        const { base } = window.cloudeye!;
        base.map.setView(base.toLatLng(lng!, lat!), 18, { animate: false });
      },
      [cam.lng, cam.lat],
    );
    await p.click(`.cam-marker[data-camera-id="${cam.id}"]`);
    await p.click('.cam-popup .link-btn');
    const told = (await p.textContent('.toast')) ?? '';
    const link = /https?:\/\/\S+/.exec(told)?.[0];
    assert.equal(link, `${tg.base}/#/map?camera=${cam.id}`, told);
    // the link loaded in the signed-in tab: the map opens on the camera and plays it
    await p.goto('about:blank');
    await p.goto(link);
    await flownAndPlaying(p);
  });

  it('the directory opens department → network → camera, and by grid; a click flies there and plays it; from an admin page too', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'padmin');
    await waitRender(p, 0);
    // start from another page: picking a camera brings the map back
    await p.click('.nav-link[data-page=users]');
    await assertOnScreen(p, '.users-page h1', 'the users page');
    await p.click('.topbar .tree-toggle');
    await assertOnScreen(p, '.camera-tree-panel', 'the directory');
    const dept = `.tree-dept[data-department="${tg.departments.police}"]`;
    await p.click(`${dept} > .tree-expand`);
    const group = `${dept} .tree-group[data-group="${netId}"]`;
    await assertOnScreen(p, `${group} > .tree-expand`, 'the network of the camera');
    assert.match((await p.textContent(`${group} > .tree-expand`)) ?? '', /公安视频专网 \(1\)/);
    assert.match(
      (await p.textContent(`${dept} .tree-group[data-group=none] > .tree-expand`)) ?? '',
      /未分配网络 \(\d+\)/,
    );
    await p.click(`${group} > .tree-expand`);
    const leaf = `${group} .tree-cam[data-camera-id="${cam.id}"]`;
    await assertOnScreen(p, leaf, 'the camera in the directory');

    await p.selectOption('.camera-tree-panel select[name=tree-by]', 'grid');
    await p.click(`${dept} > .tree-expand`);
    const gridNode = p.locator(`${dept} .tree-group`, { hasText: '解放街道网格' });
    assert.match((await gridNode.locator('> .tree-expand').textContent()) ?? '', /解放街道网格 \(1\)/);
    await gridNode.locator('> .tree-expand').click();
    await gridNode.locator(`.tree-cam[data-camera-id="${cam.id}"]`).click();
    assert.equal(await p.locator('.camera-tree-panel').isVisible(), false, 'the directory closes');
    await assertOnScreen(p, '#map', 'the map');
    assert.equal(
      await p
        .locator('.users-page')
        .isVisible()
        .catch(() => false),
      false,
      'the users page is gone',
    );
    await flownAndPlaying(p);
  });
});
