// End-to-end: a city operator clicks a township camera on the city's map and plays it; what Chromium decodes (carried
// over the cascade link, muxed by the city) is what the simulated camera drew.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { makeCascadeCerts } from '../../bench/cascade-certs';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay, expectPaneShows, referenceFrame, type Rgb } from './frames';
import { offset } from './seed';

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

  before(async function () {
    this.timeout(180_000);
    const certs = makeCascadeCerts();
    sim = await RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' });
    ref = await referenceFrame(sim.url(0, 'main'));
    city = await startTestGateway({
      cascade: {
        server: {
          enabled: true,
          host: '127.0.0.1',
          port: 0,
          cert: certs.serverCert,
          key: certs.serverKey,
          ca: certs.ca,
          peers: [{ name: 'town-e', token: TOKEN, department: 'urban', commonName: 'town-a' }],
        },
      },
    });
    town = await startTestGateway({
      cascade: {
        upstream: {
          enabled: true,
          url: `wss://127.0.0.1:${city.gw.services.cascade.upper!.server.port}/cascade/v1/link`,
          name: 'town-e',
          token: TOKEN,
          cert: certs.clientCert,
          key: certs.clientKey,
          ca: certs.ca,
          actAs: 'e2e-city',
          retryMinMs: 100,
          retryMaxMs: 500,
          catalogIntervalS: 1,
        },
      },
    });
    await town.addUser('e2e-city', 'admin', 'police');
    await town.addUser('tadmin', 'admin', 'police');
    await city.addUser('cview', 'viewer', 'urban');
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
});
