// End-to-end: a simulated GB/T 28181 IPC registers; its channel is on the map; a click on it and Play, and the live video advances.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { SimGbDevice } from '../../sim/gb28181/device';
import { launchBrowser, loginAs, newPage, screenshot, endPage } from './browser';
import { offset } from './seed';
import { setFilter, waitRender } from './map-helpers';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';

describe('console: a GB/T 28181 channel plays from the map (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let ipc: SimGbDevice;
  let browser: Browser;
  let camId = '';
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    tg = await startTestGateway({
      gb28181: {
        enabled: true,
        id: SERVER_ID,
        realm: REALM,
        udpPort: 0,
        tcpPort: 0,
        password: 'pw',
        defaultDepartment: 'police',
      },
    });
    await tg.addUser('gbpview', 'viewer', 'police');
    const [lng, lat] = offset(40, 20);
    ipc = new SimGbDevice({
      id: '43070200001320000001',
      server: { host: '127.0.0.1', port: tg.gw.services.gb!.server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'pw',
      channels: [{ id: '43070200001310000001', name: '国标-路口', ptzType: 3, longitude: lng, latitude: lat }],
    });
    await ipc.start();
    const token = await tg.login('gbpview');
    camId = await waitFor(
      async () => {
        const r = await tg.api('GET', '/api/v1/cameras?limit=10', { token });
        return (r.body.items as any[]).find((c) => c.source === 'gb28181' && c.status === 'online')?.id as string;
      },
      { timeoutMs: 15_000, what: 'the channel as a camera' },
    );
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await ipc?.close();
    await tg?.close();
  });

  afterEach(async function () {
    await endPage(this, 'gb-play', page);
    page = undefined;
  });

  it('Play on the channel marker opens it on the wall and the video advances', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'gbpview');
    await waitRender(page, 0);
    await setFilter(page, 'q', '国标');
    await page.click(`.cam-marker[data-camera-id="${camId}"]`);
    await page.click('.cam-popup .play-btn');
    const pane = `.video-wall .pane[data-camera-id="${camId}"]`;
    await page.waitForSelector(`${pane}[data-state=live]`, { timeout: 30_000 });
    const t0 = await page.$eval(`${pane} video`, (v) => (v as HTMLVideoElement).currentTime);
    await page.waitForTimeout(2500);
    const t1 = await page.$eval(`${pane} video`, (v) => (v as HTMLVideoElement).currentTime);
    assert.ok(t1 - t0 > 1, `currentTime advances: ${t0} → ${t1}`);
    await screenshot(page, 'gb-playing');
    assert.ok(ipc.playing().length >= 1, 'the IPC was INVITEd');
  });
});
