// End-to-end: the wall driven from the console as people do it. An admin registers screens with the form (the secret
// shown once pairs the screen page), changes and removes them; an operator drags cameras onto panes from the wall
// page's list, the top bar's search and the map (a marker, into the map's wall panel), uses "send to screen", saves,
// renames, shows and removes a view; a screen cut off from the network comes back to the state the server holds.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { endPage, launchBrowser } from './browser';
import { expectPaneShows, referenceFrame, type Rgb } from './frames';
import { offset } from './seed';
import { addSimCamera, openWallPage, pairScreenPage, type TestPage } from './wall-rig';

/** How long the screen is offline: 30 s, as a wall PC's network may drop (WALL_OFFLINE_MS to try others). */
const OFFLINE_MS = Number(process.env.WALL_OFFLINE_MS ?? 30_000);

describe('the wall driven from the console: forms, drag and drop, views, a network drop (e2e)', function () {
  this.timeout(60_000 + OFFLINE_MS);
  let tg: TestGateway;
  let rtsp: RtspProcess;
  let browser: Browser;
  let ref: Rgb;
  const cams: string[] = [];
  let screenId = 0;
  let screen: TestPage;
  let admin: TestPage;
  let op: TestPage;
  const pages: TestPage[] = [];

  before(async function () {
    this.timeout(120_000);
    rtsp = await RtspProcess.start({ count: 2, codec: 'h264', pattern: 'bars' });
    ref = await referenceFrame(rtsp.url(0, 'main'));
    tg = await startTestGateway();
    await tg.addUser('wcadmin', 'admin', 'police');
    await tg.addUser('wcop', 'operator', 'police');
    const token = await tg.login('wcadmin');
    for (let i = 0; i < 2; i++) cams.push(await addSimCamera(tg, token, rtsp, i, `墙彩条-${i}`, 40 * i));
    await tg.gw.reload();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tg?.close();
    await rtsp?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const p of pages) await endPage(this, 'wall-console', p);
  });

  const open = (user: string): Promise<TestPage> => openWallPage(browser, tg.base, user, pages);
  const consolePane = (n: number): string =>
    `.wall-page .wall-screen[data-screen-id="${screenId}"] .wall-pane[data-pane="${n}"]`;
  const screenPane = (n: number): string => `.screen-pane[data-pane="${n}"]`;
  const shows = (n: number, cam: string, live = false): Promise<unknown> =>
    screen.waitForSelector(`${screenPane(n)} .pane[data-camera-id="${cam}"]${live ? '[data-state=live]' : ''}`, {
      timeout: live ? 20_000 : 5000,
    });

  it('an admin adds a screen with the form, pairs it with the secret shown, changes it, re-pairs and removes one', async () => {
    admin = await open('wcadmin');
    const create = async (name: string, col: number): Promise<string> => {
      await admin.fill('.wall-screen-create input[name=name]', name);
      await admin.fill('.wall-screen-create input[name=col]', String(col));
      await admin.selectOption('.wall-screen-create select[name=layout]', '4');
      await admin.click('.wall-screen-create button[type=submit]');
      await admin.waitForSelector(`.wall-secret:has-text("${name}") .wall-secret-value`);
      return (await admin.textContent('.wall-secret-value'))!;
    };
    const secret = await create('指挥左屏', 0);
    screenId = Number(await admin.getAttribute('.wall-screen:has-text("指挥左屏")', 'data-screen-id'));
    assert.match((await admin.textContent('.wall-pair-link')) ?? '', new RegExp(`/screen/${screenId}#pair=`));

    screen = await pairScreenPage(browser, tg.base, { id: screenId, secret }, pages);
    await screen.waitForSelector(`.screen-page ${screenPane(3)}`);

    // layout 4 → 6 with the edit form: the screen follows
    await admin.click(`.wall-screen[data-screen-id="${screenId}"] .wall-screen-edit`);
    await admin.selectOption(`.wall-screen-form[data-screen-id="${screenId}"] select[name=layout]`, '6');
    await admin.click(`.wall-screen-form[data-screen-id="${screenId}"] button[type=submit]`);
    await screen.waitForSelector(screenPane(5), { timeout: 5000 });
    assert.equal(await screen.locator('.screen-pane-empty').count(), 6);

    await admin.click(`.wall-screen[data-screen-id="${screenId}"] .wall-screen-repair`);
    await admin.waitForFunction((old) => document.querySelector('.wall-secret-value')?.textContent !== old, secret);

    await create('临时屏', 1);
    const temp = await admin.getAttribute('.wall-screen:has-text("临时屏")', 'data-screen-id');
    admin.once('dialog', (d) => void d.accept());
    await admin.click(`.wall-screen[data-screen-id="${temp}"] .wall-screen-remove`);
    await admin.waitForSelector(`.wall-screen[data-screen-id="${temp}"]`, { state: 'detached' });
    assert.equal(await admin.locator('.wall-screen').count(), 1);
    assert.deepEqual(admin.errors, []);
  });

  it('an operator drags cameras onto panes from the list, the top bar search and a map marker; send to screen', async () => {
    op = await open('wcop');
    await op.dragAndDrop(`.wall-side .wall-camera[data-camera-id="${cams[0]}"]`, consolePane(0));
    await shows(0, cams[0]!, true);
    await expectPaneShows(screen, screenPane(0), ref, { samples: 3, everyMs: 300 });

    await op.fill('.camera-search input', '墙彩条-1');
    await op.waitForSelector(`.search-results .search-hit[data-camera-id="${cams[1]}"]`);
    await op.dragAndDrop(`.search-results .search-hit[data-camera-id="${cams[1]}"]`, consolePane(2));
    await shows(2, cams[1]!);

    // the map page: its wall panel beside the map takes a marker
    await op.click('.nav-link[data-page=map]');
    await op.click('.wall-panel-toggle');
    const panelPane = (n: number): string =>
      `.wall-panel .wall-screen[data-screen-id="${screenId}"] .wall-pane[data-pane="${n}"]`;
    await op.waitForSelector(panelPane(3));
    const [lng, lat] = offset(40, 0);
    await op.evaluate(
      ([x, y]) => window.cloudeye!.base.map.setView(window.cloudeye!.base.toLatLng(x, y), 18, { animate: false }),
      [lng, lat] as const,
    );
    const marker = `.cam-marker[data-camera-id="${cams[1]}"]`;
    await op.waitForSelector(marker);
    await op.dragAndDrop(marker, panelPane(3));
    await shows(3, cams[1]!);
    await op.waitForSelector(`${panelPane(3)}.filled`);

    // "send to screen" in the camera's popup: the first empty pane (1)
    await op.click(marker);
    await op.waitForSelector('.cam-popup .send-to-screen-row:not([hidden]) .send-to-screen');
    await op.click('.cam-popup .send-to-screen');
    await shows(1, cams[1]!);
    assert.deepEqual(op.errors, []);
  });

  it('an operator saves the screen as a shared view, renames it, shows it again after a change, removes it', async () => {
    await op.click('.nav-link[data-page=wall]');
    await op.click(`${consolePane(0).replace(/ \.wall-pane.*/, '')} .wall-save-view`);
    await op.fill('.wall-view-save input[name=view-name]', '夜班');
    await op.check('.wall-view-save input[name=view-shared]');
    await op.click('.wall-view-save button[type=submit]');
    await op.waitForSelector('.wall-view:has-text("夜班")');
    await op.click('.wall-view:has-text("夜班") .wall-view-rename');
    await op.fill('.wall-view-rename-form input[name=view-rename]', '夜班视图');
    await op.click('.wall-view-rename-form button[type=submit]');
    await op.waitForSelector('.wall-view .wall-view-name:text-is("夜班视图")');

    await op.click(`${consolePane(0)} .wall-pane-clear`);
    await screen.waitForSelector(`${screenPane(0)} .screen-pane-empty`, {
      timeout: 5000,
    });
    await op.click(`.wall-screen[data-screen-id="${screenId}"] .wall-apply-view`);
    await shows(0, cams[0]!);

    op.once('dialog', (d) => void d.accept());
    await op.click('.wall-view:has-text("夜班视图") .wall-view-remove');
    await op.waitForSelector('.wall-view', { state: 'detached' });
    assert.deepEqual(op.errors, []);
  });

  it(`a screen offline for ${OFFLINE_MS / 1000} s while the operator changes it shows the server's state when back`, async () => {
    await screen.context().setOffline(true);
    await op.click(`${consolePane(2)} .wall-pane-clear`);
    await op.dragAndDrop(`.wall-side .wall-camera[data-camera-id="${cams[0]}"]`, consolePane(4));
    await op.waitForSelector(`${consolePane(4)}.filled`);
    await screen.waitForTimeout(OFFLINE_MS);
    // cut off: the screen still shows what it had
    assert.equal(await screen.locator(`${screenPane(2)} .pane[data-camera-id="${cams[1]}"]`).count(), 1);
    assert.equal(await screen.locator(`${screenPane(4)} .pane`).count(), 0);
    await screen.context().setOffline(false);
    await shows(4, cams[0]!, true);
    await screen.waitForSelector(`${screenPane(2)} .pane`, { state: 'detached', timeout: 5000 });
    await expectPaneShows(screen, screenPane(4), ref, { samples: 3, everyMs: 300 });
  });
});
