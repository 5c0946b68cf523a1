// End-to-end: a paired screen page across in-process gateway restarts on the same port: it is not closed as if another
// browser had taken its credential, it connects again by itself, plays its camera again and follows the next push.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { endPage, launchBrowser } from './browser';
import { expectPaneShows, referenceFrame, type Rgb } from './frames';
import { addScreen, addSimCamera, pairScreenPage, type NewScreen, type TestPage } from './wall-rig';

describe('a wall screen page across gateway restarts (e2e)', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let rtsp: RtspProcess;
  let browser: Browser;
  let ref: Rgb;
  let token = '';
  const cams: string[] = [];
  let screen: NewScreen;
  const pages: TestPage[] = [];

  before(async function () {
    this.timeout(120_000);
    rtsp = await RtspProcess.start({ count: 2, codec: 'h264', pattern: 'bars' });
    ref = await referenceFrame(rtsp.url(0, 'main'));
    tg = await startTestGateway();
    await tg.addUser('radmin', 'admin', 'police');
    token = await tg.login('radmin');
    for (let i = 0; i < 2; i++) cams.push(await addSimCamera(tg, token, rtsp, i, `重启彩条-${i}`, 30 * i));
    screen = await addScreen(tg, token, { name: '重启屏', col: 0 });
    await tg.gw.reload();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await tg?.close();
    await rtsp?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') for (const p of pages) await endPage(this, 'wall-restart', p);
  });

  it('reconnects by itself after each restart, plays its camera again and follows a push; never closed', async () => {
    const page = await pairScreenPage(browser, tg.base, screen, pages);
    const put = (pane: number, cameraId: string) =>
      tg.api('PUT', `/api/v1/wall/screens/${screen.id}/panes/${pane}`, { token, body: { cameraId } });
    assert.equal((await put(0, cams[0]!)).status, 200);
    const pane0 = `.screen-pane[data-pane="0"] > .pane[data-camera-id="${cams[0]}"]`;
    await page.waitForSelector(`${pane0}[data-state=live]`, { timeout: 20_000 });
    for (let round = 1; round <= 2; round++) {
      await tg.restart({ samePort: true });
      // the page's socket is back (no reload: socket.io reconnects it) and is the screen's only one
      await waitFor(() => tg.gw.services.realtime.connections === 1, {
        what: `the screen page connected again after restart ${round}`,
        timeoutMs: 30_000,
      });
      const pane = round % 2 ? 1 : 2;
      assert.equal((await put(pane, cams[1]!)).status, 200);
      await page.waitForSelector(`.screen-pane[data-pane="${pane}"] > .pane[data-camera-id="${cams[1]}"]`, {
        timeout: 5000,
      });
      assert.equal(await page.locator('.screen-closed').count(), 0, `not closed after restart ${round}`);
      await page.waitForSelector(`${pane0}[data-state=live]`, { timeout: 30_000 });
      await expectPaneShows(page, pane0, ref, { samples: 2, everyMs: 300 });
    }
    assert.equal(tg.gw.services.realtime.connections, 1);
    assert.deepEqual(page.errors, []);
  });
});
