// End-to-end: GB/T 28181 channels play from the map and show what the camera drew: a simulated IPC's channel, and the demo city's
// NVR (as `cloudeye demo` configures and starts it) with each of its channels; clicked as a person does, frames read from a canvas.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { SimGbDevice } from '../../sim/gb28181/device';
import { demoGbChannels, startDemoNvr, withDemoGb, DEMO_GB_REALM, DEMO_GB_SERVER_ID } from '../../gateway/cli/demo-gb';
import { startTestGateway, testConfig, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { launchBrowser, loginAs, newPage, screenshot, endPage } from './browser';
import { clickPlay, expectPaneShows, referenceFrame, type Rgb } from './frames';
import { offset } from './seed';

const IPC = '43070200001320000001';
const IPC_CHANNEL = '43070200001310000101';

describe('console: GB/T 28181 channels play from the map, showing what the camera drew (e2e)', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  let bars: RtspProcess;
  let ipc: SimGbDevice;
  let nvr: SimGbDevice;
  let browser: Browser;
  let page: Page | undefined;
  const refs: Rgb[] = [];
  /** Camera id of each channel id. */
  const cams = new Map<string, string>();

  before(async function () {
    this.timeout(180_000);
    // the pictures the GB/T 28181 devices send: simulated RTSP cameras drawing SMPTE colour bars
    bars = await RtspProcess.start({ count: 5, codec: 'h264', pattern: 'bars', width: 640, height: 360 });
    for (let i = 0; i < 5; i++) refs.push(await referenceFrame(bars.url(i, 'main')));
    // the demo's GB/T 28181 settings (its realm, NVR password, civil code → police), on free ports
    const demo = withDemoGb(testConfig({}), 0).gb28181;
    tg = await startTestGateway({ gb28181: { ...demo, udpPort: 0, tcpPort: 0, password: 'pw' } });
    await tg.addUser('gbpview', 'viewer', 'police');
    const endpoint = tg.gw.services.gb!.server.endpoint;
    const [lng, lat] = offset(40, 20);
    ipc = new SimGbDevice({
      id: IPC,
      server: { host: '127.0.0.1', port: endpoint.udpPort, id: DEMO_GB_SERVER_ID, realm: DEMO_GB_REALM },
      password: 'pw',
      channels: [
        { id: IPC_CHANNEL, name: '国标-路口', ptzType: 3, longitude: lng, latitude: lat, rtspUrl: bars.url(4, 'main') },
      ],
    });
    await ipc.start();
    nvr = await startDemoNvr(tg.gw.config, endpoint.tcpPort, (i) => bars.url(i, 'main'));
    const token = await tg.login('gbpview');
    const want = [IPC_CHANNEL, ...demoGbChannels().map((c) => c.id)];
    await waitFor(
      async () => {
        const r = await tg.api('GET', '/api/v1/cameras?limit=100', { token });
        for (const c of r.body.items as any[])
          if (c.source === 'gb28181' && c.status === 'online') cams.set(c.gbChannelId, c.id);
        return want.every((id) => cams.has(id));
      },
      { timeoutMs: 20_000, what: 'the IPC channel and the four NVR channels as cameras on line' },
    );
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await ipc?.close();
    await nvr?.close();
    await tg?.close();
    await bars?.close();
  });

  afterEach(async function () {
    await endPage(this, 'gb-play', page);
    page = undefined;
  });

  it("Play on an IPC channel's marker: the pane shows the picture the camera drew", async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'gbpview');
    const { pane } = await clickPlay(page, '国标', cams.get(IPC_CHANNEL)!);
    await expectPaneShows(page, pane, refs[4]!, { samples: 6, everyMs: 400 });
    await screenshot(page, 'gb-playing');
    assert.deepEqual(ipc.playing(), [IPC_CHANNEL], 'the IPC was INVITEd');
  });

  it("the demo city's NVR: each of its channels plays from the map with its camera's picture", async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'gbpview');
    for (const [i, ch] of demoGbChannels().entries()) {
      // the last marker's popup closed first, as a person does (it may cover the next marker)
      if (i > 0) await page.click('.leaflet-popup-close-button');
      const { pane } = await clickPlay(page, ch.name, cams.get(ch.id)!);
      await expectPaneShows(page, pane, refs[i]!, { samples: 3, everyMs: 400 });
    }
    assert.deepEqual(
      nvr.playing().sort(),
      demoGbChannels()
        .map((c) => c.id)
        .sort(),
      'every channel INVITEd',
    );
  });
});
