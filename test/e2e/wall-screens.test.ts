// End-to-end: two wall screens paired in their own browsers, an operator's console sending a camera to a pane by clicks;
// the screen shows what the camera drew, shows it again after a reload, and a second browser with its credential closes it.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { endPage, launchBrowser, newPage } from './browser';
import { expectPaneShows, referenceFrame, type Rgb } from './frames';
import { addScreen, addSimCamera, openWallPage, pairScreenPage, type NewScreen, type TestPage } from './wall-rig';

describe('wall screens driven from the console (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let rtsp: RtspProcess;
  let browser: Browser;
  let ref: Rgb;
  let cameraId = '';
  const screens: NewScreen[] = [];
  const pages: TestPage[] = [];

  before(async function () {
    this.timeout(120_000);
    // colour bars: still but for the clock at the top left, so any decoded frame can be compared with the drawn one
    rtsp = await RtspProcess.start({ count: 2, codec: 'h264', pattern: 'bars' });
    ref = await referenceFrame(rtsp.url(0, 'main'));
    tg = await startTestGateway();
    await tg.addUser('sadmin', 'admin', 'police');
    await tg.addUser('sop', 'operator', 'police');
    const admin = await tg.login('sadmin');
    cameraId = await addSimCamera(tg, admin, rtsp, 0, '大屏彩条-0', 0);
    await addSimCamera(tg, admin, rtsp, 1, '大屏彩条-1', 20);
    for (const [col, name] of ['左屏', '右屏'].entries()) screens.push(await addScreen(tg, admin, { name, col }));
    await tg.gw.reload();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await rtsp?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const p of pages) await endPage(this, 'wall-screens', p);
  });

  const pairScreen = async (s: NewScreen): Promise<TestPage> => {
    const page = await pairScreenPage(browser, tg.base, s, pages);
    await page.waitForSelector('.screen-page .screen-pane[data-pane="3"]');
    return page;
  };

  it('an operator clicks a camera and a pane; the screen shows what the camera drew, again after a reload', async () => {
    const [left, right] = [await pairScreen(screens[0]!), await pairScreen(screens[1]!)];
    assert.equal(await left.locator('.screen-pane-empty').count(), 4, 'a new screen: four empty panes');
    const console = await openWallPage(browser, tg.base, 'sop', pages);
    await console.waitForSelector(`.wall-screen[data-screen-id="${screens[1]!.id}"] .wall-pane[data-pane="3"]`);
    await console.click(`.wall-camera[data-camera-id="${cameraId}"]`);
    const t0 = Date.now();
    await console.click(`.wall-screen[data-screen-id="${screens[0]!.id}"] .wall-pane[data-pane="1"] .wall-pane-send`);
    const pane = `.screen-pane[data-pane="1"]`;
    await left.waitForSelector(`${pane} .pane[data-camera-id="${cameraId}"]`, { timeout: 5000 });
    const followedMs = Date.now() - t0;
    // within a second on an idle machine; the margin is for a loaded one
    assert.ok(followedMs < 3000, `the screen followed in ${followedMs} ms`);
    await console.waitForSelector(`.wall-screen[data-screen-id="${screens[0]!.id}"] .wall-pane.filled[data-pane="1"]`);
    await left.waitForSelector(`${pane} .pane[data-state=live]`, { timeout: 20_000 });
    await expectPaneShows(left, pane, ref, { samples: 4, everyMs: 400 });
    assert.equal(await right.locator('.screen-pane-empty').count(), 4, 'the other screen is untouched');

    await left.reload();
    await left.waitForSelector(`${pane} .pane[data-camera-id="${cameraId}"][data-state=live]`, { timeout: 20_000 });
    await expectPaneShows(left, pane, ref, { samples: 3, everyMs: 400 });
    assert.equal(await left.locator('.screen-pane-empty').count(), 3);

    // the operator clears the pane: the screen follows
    await console.click(`.wall-screen[data-screen-id="${screens[0]!.id}"] .wall-pane[data-pane="1"] .wall-pane-clear`);
    await left.waitForFunction(() => document.querySelectorAll('.screen-pane-empty').length === 4, undefined, {
      timeout: 5000,
    });
    assert.deepEqual(left.errors, []);
    assert.deepEqual(console.errors, []);
  });

  it('the same screen credential in a second browser: the first page is told and closed', async () => {
    const first = pages[0]!;
    const token = await first.evaluate((id) => localStorage.getItem(`cloudeye.screen.${id}`), screens[0]!.id);
    assert.match(token ?? '', /^ces_/);
    const second = await newPage(browser, tg.base, { width: 960, height: 540 });
    pages.push(second);
    await second.addInitScript(([id, tok]) => localStorage.setItem(`cloudeye.screen.${id}`, tok!), [
      String(screens[0]!.id),
      token,
    ] as const);
    await second.goto(`/screen/${screens[0]!.id}`);
    await second.waitForSelector('.screen-page .screen-pane[data-pane="3"]');
    await first.waitForSelector('.screen-closed[data-reason="screen.replaced"]', { timeout: 5000 });
    assert.equal(await first.textContent('.screen-closed'), '此大屏已在另一浏览器打开，本页已关闭');
    assert.equal(await first.locator('video').count(), 0, 'nothing plays on the closed page');
    assert.equal(await second.locator('.screen-closed').count(), 0);
  });
});
