// End-to-end: play a camera, click the pane's "save still" button, and a real JPEG of the camera arrives as a download.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { grabReference, hasContrast, jpegLuma, jpegSize, lumaStats, meanAbsDiff } from '../helpers/jpeg-picture';
import { launchBrowser, loginAs, newPage, endPage, screenshot } from './browser';
import { offset } from './seed';
import { setFilter, waitRender } from './map-helpers';

describe('console: save a still from a playing pane (e2e)', function () {
  this.timeout(90_000);
  let sims: SimCameras;
  let tg: TestGateway;
  let browser: Browser;
  let page: Page | undefined;
  let camId = '';
  let deadId = '';

  before(async function () {
    this.timeout(120_000);
    sims = await startSimCameras({
      count: 1,
      codec: 'h264',
      username: 'admin',
      password: 'cam-pw',
      vendorMix: ['hikvision'],
    });
    tg = await startTestGateway();
    await tg.addUser('still-admin', 'admin', 'police');
    await tg.addUser('still-view', 'viewer', 'police');
    const c = sims.cameras[0]!;
    const [lng, lat] = offset(20, 20);
    const r = await tg.api('POST', '/api/v1/cameras', {
      token: await tg.login('still-admin'),
      body: {
        name: '截图-路口',
        mainUri: c.rtspMain,
        subUri: c.rtspSub,
        snapshotUri: `http://127.0.0.1:${c.port}/snapshot.jpg`,
        username: 'admin',
        password: 'cam-pw',
        streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
        lng,
        lat,
      },
    });
    assert.equal(r.status, 201, r.text);
    camId = r.body.id;
    const [dx, dy] = offset(400, 400);
    // nobody listens on loopback port 9: the camera is down
    const dead = await tg.api('POST', '/api/v1/cameras', {
      token: await tg.login('still-admin'),
      body: { name: '停机-断线', mainUri: 'rtsp://127.0.0.1:9/cam/0/main', lng: dx, lat: dy },
    });
    assert.equal(dead.status, 201, dead.text);
    deadId = dead.body.id;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await sims?.close();
  });

  afterEach(async function () {
    await endPage(this, 'still', page);
    page = undefined;
  });

  it('the pane’s 保存截图 button downloads a full-resolution JPEG of what the camera shows, and the still is audited', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'still-view');
    await waitRender(page, 0);
    await setFilter(page, 'q', '截图');
    await page.click(`.cam-marker[data-camera-id="${camId}"]`);
    await page.click('.cam-popup .play-btn');
    const pane = page.locator(`.video-wall .pane[data-camera-id="${camId}"]`);
    await pane.and(page.locator('[data-state=live]')).waitFor({ timeout: 30_000 });
    const button = pane.getByRole('button', { name: '保存截图' });
    assert.ok(await button.isVisible(), 'the save-still button is shown on the pane');
    const box = await button.boundingBox();
    const view = page.viewportSize()!;
    const onScreen =
      box && box.x >= 0 && box.y >= 0 && box.x + box.width <= view.width && box.y + box.height <= view.height;
    assert.ok(onScreen, `the button is on screen: ${JSON.stringify(box)}`);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), button.click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^cloudeye-${camId}-\\d{8}-\\d{6}\\.jpg$`));
    const jpeg = readFileSync((await download.path())!);
    assert.deepEqual(await jpegSize(jpeg), { width: 640, height: 360 }, 'full resolution');
    const still = await jpegLuma(jpeg);
    const ref = await jpegLuma(await grabReference(sims.cameras[0]!.rtspMain));
    assert.ok(hasContrast(still), `a picture, not a flat image: ${JSON.stringify(lumaStats(still))}`);
    assert.ok(
      meanAbsDiff(still, ref) < 25,
      `the still looks like the camera's own frame (mean difference ${meanAbsDiff(still, ref).toFixed(1)})`,
    );
    await pane.getByRole('status').filter({ hasText: '截图已保存' }).waitFor({ timeout: 5000 });
    await screenshot(page, 'still-saved');
    const rows = await tg.gw.db
      .knex('audit_log')
      .where({ action: 'camera.still', target_id: camId, actor_name: 'still-view', outcome: 'ok' });
    assert.equal(rows.length, 1, 'the still is audited');
  });

  it('a camera that is down: the button says why no still was saved, and no download starts', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'still-view');
    await waitRender(page, 0);
    await setFilter(page, 'q', '断线');
    await page.click(`.cam-marker[data-camera-id="${deadId}"]`);
    await page.click('.cam-popup .play-btn');
    const pane = page.locator(`.video-wall .pane[data-camera-id="${deadId}"]`);
    await pane.waitFor();
    let downloads = 0;
    page.on('download', () => downloads++);
    await pane.getByRole('button', { name: '保存截图' }).click();
    const note = pane.getByRole('status').filter({ hasText: '截图失败' });
    await note.waitFor({ timeout: 15_000 });
    assert.match(
      (await note.textContent()) ?? '',
      /截图失败: snapshot: camera \d+ gave no picture .*Connection refused/,
    );
    assert.equal(downloads, 0, 'no download for a failed still');
    const rows = await tg.gw.db
      .knex('audit_log')
      .where({ action: 'camera.still', target_id: deadId, outcome: 'failed' });
    assert.equal(rows.length, 1, 'the failed attempt is audited');
  });
});
