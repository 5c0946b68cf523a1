// End-to-end: an MSE pane recovers on its own — its pull cut (native connection reset, ffmpeg killed: moving video within 3 s), the camera gone and back.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
  /** A second gateway whose pulls are ffmpeg's (the first one's are native), for the ffmpeg-killed case. */
  let tgFfmpeg: TestGateway | undefined;
  let sim: RtspProcess;
  let browser: Browser;
  let page: Page | undefined;
  let camId = '';

  /** A gateway pulling with `engine`, its users and the camera; resolves the camera's id. */
  async function gatewayWithCamera(engine: 'native' | 'ffmpeg'): Promise<[TestGateway, string]> {
    const g = await startTestGateway({ transcoder: { pullEngine: engine } });
    await g.addUser('radmin', 'admin', 'police');
    await g.addUser('rview', 'viewer', 'police');
    const [lng, lat] = offset(120, -80);
    const r = await g.api('POST', '/api/v1/cameras', {
      token: await g.login('radmin'),
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
    return [g, r.body.id as string];
  }

  before(async function () {
    this.timeout(120_000);
    sim = await RtspProcess.start({ count: 1, codec: 'h264' });
    [tg, camId] = await gatewayWithCamera('native');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await tgFfmpeg?.close();
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

  /**
   * Plays the camera in an MSE pane of gateway `g`, cuts its pull with `cut` and checks that the same
   * pane shows moving video of the new run within 3 s, without a click.
   */
  async function recoversFromCut(g: TestGateway, cam: string, cut: () => void): Promise<void> {
    page = await newPage(browser, g.base);
    await loginAs(page, 'rview');
    const { pane } = await clickPlay(page, '恢复-路口', cam);
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
    const runs = g.gw.services.supervisor.get(`${cam}.main`)?.runs ?? 0;
    const cutAt = Date.now();
    cut();
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
    const ms = recoveredAt - cutAt;
    assert.ok(ms <= 3000, `moving video again ${ms} ms after the cut (at most 3000)`);
    assert.ok((g.gw.services.supervisor.get(`${cam}.main`)?.runs ?? 0) > runs, 'a new run of the pull');
    assert.ok(await samePane(page, pane), 'the same pane, nobody clicked');
    await page.waitForSelector(`${pane}[data-state=live]`, { timeout: 5000 });
    await expectMoving(page, pane);
  }

  it('the native pull’s connection to the camera is reset: the MSE pane shows moving video of the new run within 3 s, without a click', async () => {
    await recoversFromCut(tg, camId, () => {
      // the kernel aborts the gateway's TCP connection to the camera, as a network fault would
      execFileSync('ss', ['-K', 'dst', '127.0.0.1', 'dport', '=', String(sim.port)], { stdio: 'ignore' });
      const info = tg.gw.services.supervisor.get(`${camId}.main`);
      assert.equal(info?.engine, 'native', 'the pull that was cut is native');
      assert.equal(info?.pid, null, 'it runs no process');
    });
  });

  it('ffmpeg killed (a gateway whose pulls are ffmpeg’s): the MSE pane shows moving video of the new run within 3 s', async function () {
    this.timeout(160_000);
    const [g, cam] = await gatewayWithCamera('ffmpeg');
    tgFfmpeg = g;
    let killed = 0;
    await recoversFromCut(g, cam, () => {
      const info = g.gw.services.supervisor.list().find((x) => x.cameraId === cam && x.pid);
      assert.ok(info?.pid, `the stream's ffmpeg runs: ${JSON.stringify(g.gw.services.supervisor.list())}`);
      killed = info.pid;
      process.kill(info.pid, 'SIGKILL');
    });
    const after = g.gw.services.supervisor.list().find((x) => x.cameraId === cam && x.pid);
    assert.notEqual(after?.pid, killed, 'a new ffmpeg runs');
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
