// End-to-end: click a camera, Play, and the live stream really plays (currentTime advances) from a simulated RTSP camera.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { launchBrowser, loginAs, newPage, screenshot, endPage } from './browser';
import { offset } from './seed';
import { setFilter, waitRender } from './map-helpers';

describe('console video (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let rtsp: RtspProcess;
  let browser: Browser;
  let cam: Camera;
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0 });
    await rtsp.start();
    tg = await startTestGateway();
    await tg.addUser('padmin', 'admin', 'police');
    await tg.addUser('pview', 'viewer', 'police');
    await tg.addUser('paudit', 'auditor', 'police');
    const [lng, lat] = offset(30, 30);
    const r = await tg.api('POST', '/api/v1/cameras', {
      token: await tg.login('padmin'),
      body: {
        name: '模拟-路口',
        mainUri: rtsp.url(0, 'main'),
        subUri: rtsp.url(0, 'sub'),
        streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
        lng,
        lat,
        bearing: 90,
        fov: 90,
        rangeM: 100,
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
    await endPage(this, 'video', page);
    page = undefined;
  });

  it('Play opens the stream on the wall and the video advances', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'pview');
    await waitRender(page, 0);
    await setFilter(page, 'q', '模拟');
    await page.click(`.cam-marker[data-camera-id="${cam.id}"]`);
    await page.click('.cam-popup .play-btn');
    const pane = `.video-wall .pane[data-camera-id="${cam.id}"]`;
    await page.waitForSelector(pane);
    await page.waitForSelector(`${pane}[data-state=live]`, { timeout: 30_000 });
    const t0 = await page.$eval(`${pane} video`, (v) => (v as HTMLVideoElement).currentTime);
    await page.waitForTimeout(2500);
    const t1 = await page.$eval(`${pane} video`, (v) => (v as HTMLVideoElement).currentTime);
    assert.ok(t1 - t0 > 1, `currentTime advances: ${t0} → ${t1}`);
    await screenshot(page, 'video-playing');
    const audit = await tg.api('GET', '/api/v1/audit?limit=50', { token: await tg.login('paudit') });
    assert.ok(
      (audit.body.items as Array<{ action: string; targetId: string | null }>).some(
        (e) => e.action.startsWith('stream') && e.targetId === cam.id,
      ),
      'the stream open is audited',
    );
  });

  it('a status change pushed over socket.io repaints the marker without a reload', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'pview');
    await waitRender(page, 0);
    await setFilter(page, 'q', '模拟');
    const marker = `.cam-marker[data-camera-id="${cam.id}"]`;
    await page.waitForSelector(marker);
    const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);
    // the path the health monitor takes: index status, then the batched realtime push
    tg.gw.services.directory.setStatus(cam.id, 'offline');
    tg.gw.services.realtime.publishStatus([{ id: cam.id, status: 'offline', reason: 'test', lastSeen: null }]);
    await page.waitForSelector(`${marker}[data-status="offline"]`, { timeout: 5000 });
    tg.gw.services.directory.setStatus(cam.id, 'online');
    tg.gw.services.realtime.publishStatus([
      { id: cam.id, status: 'online', reason: 'test', lastSeen: new Date().toISOString() },
    ]);
    await page.waitForSelector(`${marker}[data-status="online"]`, { timeout: 5000 });
    assert.equal(await page.evaluate(() => performance.getEntriesByType('navigation').length), loads, 'no reload');
  });
});
