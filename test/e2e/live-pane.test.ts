// End-to-end: an MSE pane shows transport, resolution and latency on hover; a hidden pane closes its WebSocket, plays again when shown; instant replay.
import assert from 'node:assert/strict';
import type { Browser, Page, WebSocket as PwWebSocket } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay, expectMoving } from './frames';
import { offset } from './seed';

/** The stream key in a grant's live path, `/live/<token>/<key>`. */
const keyOf = (live: string | undefined): string => decodeURIComponent(live?.split('/')[3] ?? '');

describe('live pane (e2e): overlay, hidden panes, instant replay', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let sim: RtspProcess;
  let browser: Browser;
  let page: Page | undefined;
  let camId = '';

  before(async function () {
    this.timeout(120_000);
    sim = await RtspProcess.start({ count: 1, codec: 'h264' });
    tg = await startTestGateway();
    await tg.addUser('ladmin', 'admin', 'police');
    const [lng, lat] = offset(-150, 90);
    const r = await tg.api('POST', '/api/v1/cameras', {
      token: await tg.login('ladmin'),
      body: {
        name: '直播-广场',
        mainUri: sim.url(0, 'main'),
        subUri: sim.url(0, 'sub'),
        streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
        lng,
        lat,
      },
    });
    assert.equal(r.status, 201, r.text);
    camId = r.body.id;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await sim?.close();
  });

  afterEach(async function () {
    await endPage(this, 'live-pane', page);
    page = undefined;
  });

  it('on hover the pane shows MSE, the decoded resolution and a latency in seconds', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'ladmin');
    const { pane } = await clickPlay(page, '直播-广场', camId);
    const info = `${pane} .pane-info`;
    assert.equal(await page.isVisible(info), false, 'hidden until the pointer is on the pane');
    await page.hover(`${pane} video`);
    await page.waitForSelector(`${info}[data-latency-ms]`, { timeout: 10_000 });
    assert.ok(await page.isVisible(info), 'shown on hover');
    const size = await page.$eval(`${pane} video`, (v) => {
      const el = v as HTMLVideoElement;
      return `${el.videoWidth}×${el.videoHeight}`;
    });
    assert.match(size, /^[1-9]\d*×[1-9]\d*$/);
    const text = (await page.textContent(info)) ?? '';
    assert.match(text, /传输 MSE/, text);
    assert.ok(text.includes(`分辨率 ${size}`), `resolution ${size} in: ${text}`);
    const m = /延迟 (\d+\.\d\d) s/.exec(text);
    assert.ok(m, `a latency in seconds: ${text}`);
    const ms = Number(await page.getAttribute(info, 'data-latency-ms'));
    // a sanity bound, not a timing floor (those are measured by cloudeye bench live)
    assert.ok(Number.isFinite(ms) && ms >= 0 && ms < 5000, `latency ${ms} ms`);
    await page.mouse.move(1, 1);
    await page.waitForSelector(info, { state: 'hidden' });
  });

  it('a pane hidden by going to another page closes its WebSocket (the gateway holds no viewer), and plays again when shown', async () => {
    page = await newPage(browser, tg.base);
    const sockets: PwWebSocket[] = [];
    page.on('websocket', (ws) => {
      if (ws.url().includes('/live/')) sockets.push(ws);
    });
    await loginAs(page, 'ladmin');
    const { pane, grant } = await clickPlay(page, '直播-广场', camId);
    const key = keyOf(grant.live);
    assert.ok(key, `a live path in the grant: ${grant.live}`);
    assert.equal(sockets.length, 1);
    assert.equal(tg.gw.services.supervisor.hub(key)?.sinkCount, 1, 'one viewer at the gateway');
    const closed = sockets[0]!.waitForEvent('close', { timeout: 10_000 });
    await page.click('.nav-link[data-page=cameras]');
    await closed;
    await page.waitForSelector(`${pane}[data-state=paused]`, { state: 'attached', timeout: 5000 });
    const deadline = Date.now() + 5000;
    while ((tg.gw.services.supervisor.hub(key)?.sinkCount ?? 0) > 0 && Date.now() < deadline)
      await page.waitForTimeout(100);
    assert.equal(
      tg.gw.services.supervisor.hub(key)?.sinkCount ?? 0,
      0,
      'the gateway holds no viewer of the hidden pane',
    );
    await page.waitForTimeout(1500);
    assert.equal(sockets.length, 1, 'no new WebSocket while hidden');
    await page.click('.nav-link[data-page=map]');
    await page.waitForSelector(`${pane}[data-state=live]`, { timeout: 20_000 });
    assert.equal(sockets.length, 2, 'a new WebSocket once shown');
    assert.equal(await page.getAttribute(pane, 'data-transport'), 'mse');
    await expectMoving(page, pane);
  });

  it('instant replay plays the last seconds in the pane, and "back to live" returns to the live picture', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'ladmin');
    const { pane } = await clickPlay(page, '直播-广场', camId);
    // let the gateway hold a few GOPs of this run
    await expectMoving(page, pane, 4000);
    await page.click(`${pane} .pane-replay-btn`);
    const replay = `${pane} .pane-replay video`;
    await page.waitForSelector(replay, { timeout: 10_000 });
    await page.waitForFunction(
      (sel) => (document.querySelector(sel) as HTMLVideoElement | null)?.readyState! >= 2,
      replay,
      {
        timeout: 10_000,
      },
    );
    const got = await page.$eval(replay, (v) => {
      const el = v as HTMLVideoElement;
      const b = el.buffered;
      return { w: el.videoWidth, heldS: b.length ? b.end(b.length - 1) - b.start(0) : 0 };
    });
    assert.ok(got.w > 0, 'the replay has a picture');
    assert.ok(got.heldS >= 2, `several seconds to replay: ${got.heldS.toFixed(2)} s`);
    const t0 = await page.$eval(replay, (v) => (v as HTMLVideoElement).currentTime);
    await page.waitForTimeout(1500);
    const t1 = await page.$eval(replay, (v) => (v as HTMLVideoElement).currentTime);
    assert.ok(t1 - t0 > 0.5, `the replay plays: ${t0} → ${t1}`);
    assert.equal((await page.textContent(`${pane} .replay-back`))?.trim(), '回到直播');
    await page.click(`${pane} .replay-back`);
    await page.waitForSelector(`${pane} .pane-replay`, { state: 'detached', timeout: 5000 });
    assert.equal(await page.getAttribute(pane, 'data-state'), 'live');
    await expectMoving(page, pane);
  });
});
