// End-to-end: a simulated GB/T 28181 NVR keeps its own recording; the channel's timeline shows it as device footage; a
// click on it plays it from the NVR, and the picture is the one the NVR encoded for that instant (testsrc2 at that time).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { SimGbDevice } from '../../sim/gb28181/device';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay } from './frames';
import { expectFootageOfInstant } from './footage-frames';
import { offset } from './seed';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const NVR = '43070200001180000004';
const CH = '43070200001310000041';
const NAME = '国标-录像通道';
const W = 320;
const H = 240;
const FPS = 25;

describe('console: footage kept by a GB/T 28181 NVR on the timeline, played from the device (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let nvr: SimGbDevice;
  let browser: Browser;
  let page: Page | undefined;
  let camId = '';
  // one recording of the NVR: from 7 minutes ago to 1 minute ago (inside the timeline's first 10-minute view)
  const recStart = Math.floor(Date.now() / 1000) * 1000 - 420_000;
  const recEnd = recStart + 360_000;

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
        mediaPorts: [20000 + (process.pid % 300) * 100, 20099 + (process.pid % 300) * 100],
      },
    });
    await tg.addUser('gbrecview', 'operator', 'police');
    const [lng, lat] = offset(60, 40);
    nvr = new SimGbDevice({
      id: NVR,
      server: { host: '127.0.0.1', port: tg.gw.services.gb!.server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'pw',
      channels: [{ id: CH, name: NAME, ptzType: 3, longitude: lng, latitude: lat }],
      recordings: [{ channelId: CH, startMs: recStart, endMs: recEnd }],
      video: { width: W, height: H, fps: FPS },
    });
    await nvr.start();
    const token = await tg.login('gbrecview');
    camId = await waitFor(
      async () => {
        const r = await tg.api('GET', '/api/v1/cameras?limit=10', { token });
        return (r.body.items as any[]).find((c) => c.gbChannelId === CH && c.status === 'online')?.id as string;
      },
      { timeoutMs: 15_000, what: 'the channel as a camera' },
    );
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await nvr?.close();
    await tg?.close();
  });

  afterEach(async function () {
    await endPage(this, 'gb-device-playback', page);
    page = undefined;
  });

  it('the device span is on the timeline; a click on it shows the picture the NVR recorded at that instant', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'gbrecview');
    const { pane } = await clickPlay(page, NAME, camId);
    await page.click(`${pane} .pane-playback-btn`);
    const span = `${pane} .pane-playback .tl-span[data-kind=device]`;
    await page.waitForSelector(span, { timeout: 15_000 });
    const drawn = await page.$eval(span, (e) => {
      const r = e.getBoundingClientRect();
      const d = (e as HTMLElement).dataset;
      return { start: Number(d.start), end: Number(d.end), left: r.left, width: r.width, top: r.top, height: r.height };
    });
    // the recording as the NVR listed it (cut to the range the timeline asked for)
    assert.equal(drawn.end, recEnd);
    assert.ok(
      drawn.start >= recStart && drawn.start < recEnd - 120_000,
      `span from ${new Date(drawn.start).toISOString()}`,
    );
    assert.ok((await page.getAttribute(span, 'title'))?.length, 'a device span says what it is');
    // a click two thirds into the span
    await page.mouse.click(drawn.left + (drawn.width * 2) / 3, drawn.top + drawn.height / 2);
    await waitFor(() => nvr.playing().length >= 2, {
      what: 'a Playback INVITE next to the live one',
      timeoutMs: 15_000,
    });
    await expectFootageOfInstant(page, pane, { width: W, height: H, fps: FPS, startMs: recStart, endMs: recEnd });
  });
});
