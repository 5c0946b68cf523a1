// End-to-end: a city operator clicks a township camera on the city's map and plays it live and recorded; what Chromium
// decodes (carried over the cascade link) is what the simulated camera drew, and the footage of the instant clicked.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { cascadeServerConfig, cascadeUpstreamConfig, makeCascadeCerts } from '../../bench/cascade-certs';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay, expectPaneShows, referenceFrame, type Rgb } from './frames';
import { offset } from './seed';
import { expectFootageOfInstant, type TestsrcFootage } from './footage-frames';
import { recordFootage } from '../helpers/footage';

const TOKEN = 'e2e-town-token-0123456789';

describe('cascade (e2e): a township camera played from the city map shows what the camera drew', function () {
  this.timeout(120_000);
  let sim: RtspProcess;
  let city: TestGateway;
  let town: TestGateway;
  let browser: Browser;
  let page: Page | undefined;
  let ref: Rgb;
  let cityId = '';
  // a minute of the township's recording, five minutes ago (inside the timeline's first view)
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 300_000;
  const footage: TestsrcFootage = { width: 320, height: 240, fps: 25, startMs: t0, endMs: t0 + 60_000 };

  before(async function () {
    this.timeout(180_000);
    const certs = makeCascadeCerts();
    sim = await RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' });
    ref = await referenceFrame(sim.url(0, 'main'));
    city = await startTestGateway({
      cascade: cascadeServerConfig(certs, [
        { name: 'town-e', token: TOKEN, department: 'urban', commonName: 'town-a' },
      ]),
    });
    town = await startTestGateway({
      cascade: cascadeUpstreamConfig(certs, {
        port: city.gw.services.cascade.upper!.server.port,
        name: 'town-e',
        token: TOKEN,
        actAs: 'e2e-city',
      }),
    });
    await town.addUser('e2e-city', 'admin', 'police');
    await town.addUser('tadmin', 'admin', 'police');
    await city.addUser('cview', 'viewer', 'urban');
    await city.addUser('cpb', 'operator', 'urban');
    const [lng, lat] = offset(0, 0);
    const r = await town.api('POST', '/api/v1/cameras', {
      token: await town.login('tadmin'),
      body: {
        name: '乡镇彩条',
        mainUri: sim.url(0, 'main'),
        subUri: sim.url(0, 'sub'),
        streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
        lng,
        lat,
      },
    });
    assert.equal(r.status, 201, r.text);
    const volume = [...town.gw.services.recordings.volumes.keys()][0]!;
    await recordFootage(town.gw.services.playback.repo, volume, r.body.id, town.departments.police, t0, 12, 5, {
      size: '320x240',
    });
    const cam = await waitFor(
      async () => (await city.gw.repos.cameras.cascadeCameras('town-e')).find((c) => c.cascadeCameraId === r.body.id),
      { timeoutMs: 15_000, what: 'the township camera at the city' },
    );
    cityId = cam.id;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await town?.close();
    await city?.close();
    await sim?.close();
  });

  afterEach(async function () {
    await endPage(this, 'cascade-play', page);
    page = undefined;
  });

  it('the city operator clicks the township camera on the map and Play: the pane shows the colour bars', async () => {
    page = await newPage(browser, city.base);
    await loginAs(page, 'cview');
    const { pane, grant } = await clickPlay(page, '乡镇彩条', cityId);
    assert.equal(grant.codec, 'h264');
    await expectPaneShows(page, pane, ref);
  });

  it("the township's recording is on the city's timeline; a click on it shows the picture of that instant", async () => {
    page = await newPage(browser, city.base);
    await loginAs(page, 'cpb');
    const { pane } = await clickPlay(page, '乡镇彩条', cityId);
    await page.click(`${pane} .pane-playback-btn`);
    const span = `${pane} .pane-playback .tl-span[data-kind=continuous]`;
    await page.waitForSelector(span, { timeout: 15_000 });
    const drawn = await page.$eval(span, (e) => {
      const r = e.getBoundingClientRect();
      const d = (e as HTMLElement).dataset;
      return { start: Number(d.start), end: Number(d.end), left: r.left, width: r.width, top: r.top, height: r.height };
    });
    assert.deepEqual([drawn.start, drawn.end], [footage.startMs, footage.endMs], 'the span the township recorded');
    await page.mouse.click(drawn.left + drawn.width / 2, drawn.top + drawn.height / 2);
    await expectFootageOfInstant(page, pane, footage);
    assert.equal(city.gw.services.cascade.upper!.links.size, 1, 'through the one link');
  });
});
