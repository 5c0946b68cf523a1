// End-to-end: an MSE pane recovers on its own — the stream's ffmpeg killed (moving video again within 3 s), the camera gone ("reconnecting") and back.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay, expectMoving, waitMoving } from './frames';
import { offset } from './seed';

/** Samples of the pane's video every 50 ms: [Date.now(), currentTime, src] (a new run of the stream is a new MediaSource, a new src). */
type Sample = [number, number, string];

describe('live pane recovery (e2e): drops are recovered without a click', function () {
  this.timeout(100_000);
  let tg: TestGateway;
  let sim: RtspProcess;
  let browser: Browser;
  let page: Page | undefined;
  let camId = '';

  before(async function () {
    this.timeout(120_000);
    sim = await RtspProcess.start({ count: 1, codec: 'h264' });
    tg = await startTestGateway();
    await tg.addUser('radmin', 'admin', 'police');
    await tg.addUser('rview', 'viewer', 'police');
    const [lng, lat] = offset(120, -80);
    const r = await tg.api('POST', '/api/v1/cameras', {
      token: await tg.login('radmin'),
      body: {
        name: '恢复-路口',
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
    await endPage(this, 'live-recovery', page);
    page = undefined;
  });

  /** Marks the pane element, so that a test can tell it was never replaced (no click, no new pane). */
  async function markPane(p: Page, pane: string): Promise<void> {
    await p.$eval(pane, (el) => ((el as HTMLElement & { testMark?: boolean }).testMark = true));
  }
  async function samePane(p: Page, pane: string): Promise<boolean> {
    return p.$eval(pane, (el) => (el as HTMLElement & { testMark?: boolean }).testMark === true);
  }

  it('ffmpeg killed: the MSE pane shows moving video of the new run within 3 s, without a click', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'rview');
    const { pane } = await clickPlay(page, '恢复-路口', camId);
    assert.equal(await page.getAttribute(pane, 'data-transport'), 'mse');
    await expectMoving(page, pane, 1500);
    await markPane(page, pane);
    const before = await page.$eval(`${pane} video`, (v) => (v as HTMLVideoElement).src);
    await page.$eval(`${pane} video`, (el) => {
      const v = el as HTMLVideoElement;
      const w = window as unknown as { samples: Sample[] };
      w.samples = [];
      setInterval(() => w.samples.push([Date.now(), v.currentTime, v.src]), 50);
    });
    const info = tg.gw.services.supervisor.list().find((s) => s.cameraId === camId && s.pid);
    assert.ok(info?.pid, `the stream's ffmpeg runs: ${JSON.stringify(tg.gw.services.supervisor.list())}`);
    const killedAt = Date.now();
    process.kill(info.pid, 'SIGKILL');
    // moving again: in a new run, currentTime beyond where that run's picture started by 0.1 s
    const recoveredAt = await page
      .waitForFunction(
        (src) => {
          const s = (window as unknown as { samples: Sample[] }).samples.filter((x) => x[2] !== src && x[2] !== '');
          const first = s[0];
          const moving = first && s.find((x) => x[1] > first[1] + 0.1);
          return moving ? moving[0] : false;
        },
        before,
        { timeout: 15_000, polling: 100 },
      )
      .then((h) => h.jsonValue() as Promise<number>);
    const ms = recoveredAt - killedAt;
    assert.ok(ms <= 3000, `moving video again ${ms} ms after the kill (at most 3000)`);
    const after = tg.gw.services.supervisor.list().find((s) => s.cameraId === camId && s.pid);
    assert.notEqual(after?.pid, info.pid, 'a new ffmpeg runs');
    assert.ok(await samePane(page, pane), 'the same pane, nobody clicked');
    await page.waitForSelector(`${pane}[data-state=live]`, { timeout: 5000 });
    await expectMoving(page, pane);
  });

  it('the camera vanishes: the pane shows "reconnecting" (重新连接中); it comes back: the pane plays again on its own', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'rview');
    const { pane } = await clickPlay(page, '恢复-路口', camId);
    await expectMoving(page, pane, 1500);
    await markPane(page, pane);
    await sim.down(0);
    await page.waitForSelector(`${pane}[data-state=reconnecting]`, { timeout: 20_000 });
    assert.equal((await page.textContent(`${pane} .pane-state`))?.trim(), '重新连接中');
    await page.waitForTimeout(2000);
    assert.notEqual(await page.getAttribute(pane, 'data-state'), 'live', 'not live while the camera is away');
    await sim.up(0);
    await waitMoving(page, pane, 45_000);
    assert.ok(await samePane(page, pane), 'the same pane, nobody clicked');
  });
});
