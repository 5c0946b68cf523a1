// End-to-end: an operator keeps a tour on the console's wall page (creates it from the camera list, edits it), sends it
// to a screen by clicks, sees which screen runs it; the screen page shows camera A's picture, then camera B's (decoded
// frames compared with what each simulated camera drew); the operator stops it and the screen stays on its last step.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { endPage, launchBrowser } from './browser';
import { compareFrame, expectPaneShows, probes, referenceFrame, type Rgb } from './frames';
import { addScreen, addSimCamera, openWallPage, pairScreenPage, type NewScreen, type TestPage } from './wall-rig';

/** Seconds each camera stays on the screen: long enough to compare a few frames of each on a loaded machine. */
const DWELL_S = 10;

describe('wall tours driven from the console (e2e)', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let simA: RtspProcess;
  let simB: RtspProcess;
  let browser: Browser;
  let refA: Rgb;
  let refB: Rgb;
  let camA = '';
  let camB = '';
  let screen: NewScreen;
  const pages: TestPage[] = [];

  before(async function () {
    this.timeout(120_000);
    // two still pictures that tell the cameras apart: 75% and 100% colour bars
    [simA, simB] = await Promise.all([
      RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' }),
      RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars100' }),
    ]);
    [refA, refB] = await Promise.all([referenceFrame(simA.url(0, 'main')), referenceFrame(simB.url(0, 'main'))]);
    const apart = compareFrame(refB, probes(refA));
    assert.ok(
      apart.wrong > apart.probes * 0.2,
      `the two cameras draw different pictures (${apart.wrong} of ${apart.probes})`,
    );
    tg = await startTestGateway();
    await tg.addUser('tadmin', 'admin', 'police');
    await tg.addUser('top', 'operator', 'police');
    const admin = await tg.login('tadmin');
    camA = await addSimCamera(tg, admin, simA, 0, '轮巡甲', 0);
    camB = await addSimCamera(tg, admin, simB, 0, '轮巡乙', 30);
    screen = await addScreen(tg, admin, { name: '轮巡屏', col: 0 });
    await tg.gw.reload();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tg?.close();
    await simA?.close();
    await simB?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const p of pages) await endPage(this, 'wall-tours', p);
  });

  it('an operator creates and edits a tour, starts it on a screen: A then B on the screen page; stops it', async () => {
    const page = await pairScreenPage(browser, tg.base, screen, pages);
    const op = await openWallPage(browser, tg.base, 'top', pages);
    const header = `.wall-screen[data-screen-id="${screen.id}"] header`;
    await op.waitForSelector(`${header} .wall-tour-start`);

    // a new tour: camera A then camera B, each picked in the list and added, with its dwell
    await op.click('.wall-tour-new');
    await op.fill('.wall-tour-form input[name=tour-name]', '夜巡');
    for (const [i, cam] of [camA, camB].entries()) {
      await op.click(`.wall-side .wall-camera[data-camera-id="${cam}"]`);
      await op.click('.wall-tour-form .wall-tour-add-camera');
      await op.fill(`.wall-tour-step[data-step="${i}"] input[name=dwell]`, String(DWELL_S));
    }
    await op.click('.wall-tour-form button[type=submit]');
    const item = '.wall-tour:has(.wall-tour-name:text-is("夜巡"))';
    await op.waitForSelector(item);
    assert.equal(await op.textContent(`${item} .wall-tour-running`), '未运行');

    // edited: renamed, its steps kept
    await op.click(`${item} .wall-tour-edit`);
    assert.equal(await op.locator('.wall-tour-form .wall-tour-step').count(), 2);
    assert.equal(await op.textContent('.wall-tour-step[data-step="1"] .wall-tour-step-name'), '轮巡乙');
    await op.fill('.wall-tour-form input[name=tour-name]', '夜间轮巡');
    await op.click('.wall-tour-form button[type=submit]');
    const renamed = '.wall-tour:has(.wall-tour-name:text-is("夜间轮巡"))';
    await op.waitForSelector(renamed);
    const tourId = await op.getAttribute(renamed, 'data-tour-id');
    const tour = await tg.api('GET', `/api/v1/wall/tours/${tourId}`, { token: await tg.login('top') });
    assert.deepEqual(tour.body.steps, [
      { cameraId: camA, dwellS: DWELL_S },
      { cameraId: camB, dwellS: DWELL_S },
    ]);

    // sent to the screen by clicks
    await op.selectOption(`${header} select[name=tour]`, tourId!);
    await op.click(`${header} .wall-tour-start`);
    // the pane on the screen, not the next one playing hidden under it
    const shown = (cam: string): string =>
      `.screen-pane[data-pane="0"] > .pane:not(.screen-pane-next)[data-camera-id="${cam}"]`;
    await page.waitForSelector(`${shown(camA)}[data-state=live]`, { timeout: 20_000 });
    await expectPaneShows(page, shown(camA), refA, { samples: 3, everyMs: 300 });
    assert.equal(await page.getAttribute('.screen-grid', 'data-layout'), '1', 'a camera step fills the screen');
    // the console says which screen runs which tour
    await op.waitForSelector(`${header} .wall-screen-tour[data-tour-id="${tourId}"]`);
    assert.match((await op.textContent(`${header} .wall-screen-tour-name`)) ?? '', /^轮巡：夜间轮巡（1\/2）/);
    assert.equal(await op.textContent(`${renamed} .wall-tour-running`), '运行于：轮巡屏');

    await page.waitForSelector(`${shown(camB)}[data-state=live]`, { timeout: DWELL_S * 1000 + 10_000 });
    await expectPaneShows(page, shown(camB), refB, { samples: 3, everyMs: 300 });
    assert.equal(await page.locator(shown(camA)).count(), 0, 'camera A is gone from the screen');
    await op.waitForSelector(`${header} .wall-screen-tour[data-step="1"]`);

    // stopped: the console shows no tour on the screen, the screen keeps its last step past the dwell
    await op.click(`${header} .wall-tour-stop`);
    await op.waitForSelector(`${header} .wall-tour-start`);
    assert.equal(await op.textContent(`${renamed} .wall-tour-running`), '未运行');
    await page.waitForTimeout(DWELL_S * 1000 + 1000);
    assert.equal(await page.locator(shown(camA)).count(), 0, 'the tour did not go on');
    await expectPaneShows(page, shown(camB), refB, { samples: 2, everyMs: 300 });
    const stops = await tg.gw.db
      .knex('audit_log')
      .where({ action: 'wall.tour.stop', actor_name: 'top' })
      .count('* as n');
    assert.equal(Number(stops[0]?.n), 1, 'the stop is audited');
    assert.deepEqual(op.errors, []);
    assert.deepEqual(page.errors, []);
  });
});
