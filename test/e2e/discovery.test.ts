// End-to-end: an admin scans a department network from the console, watches the progress, and registers a found camera.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { launchBrowser, loginAs, newPage, endPage } from './browser';

describe('console discovery (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let sims: SimCameras;
  let browser: Browser;
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    sims = await startSimCameras({ count: 3, codec: 'h264', username: 'admin', password: 'cam-pass', rtsp: false });
    tg = await startTestGateway();
    await tg.addUser('uadmin', 'admin', 'urban');
    const net = await tg.api('POST', '/api/v1/networks', {
      token: await tg.login('uadmin'),
      body: {
        name: '城管专网',
        hosts: sims.cameras.map((c) => `${c.host}:${c.port}`),
        username: 'admin',
        password: 'cam-pass',
      },
    });
    assert.equal(net.status, 201, net.text);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await sims?.close();
  });

  afterEach(async function () {
    await endPage(this, 'discovery', page);
    page = undefined;
  });

  it('scans with live progress, lists the found devices, registers one', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'uadmin');
    await page.evaluate(() => (location.hash = '#/discovery'));
    await page.click('button[data-i18n="discovery.scan"]');
    await page.waitForSelector('.scan-progress .badge', { timeout: 30_000 });
    const progress = await page.textContent('.scan-progress');
    assert.match(progress ?? '', /3/, `progress shows the devices found: ${progress}`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('form.register-form').length === n,
      sims.cameras.length,
      { timeout: 10_000 },
    );
    const xaddrs = await page.$$eval('code', (els) => els.map((e) => e.textContent));
    for (const c of sims.cameras) assert.ok(xaddrs.includes(c.xaddr), `${c.xaddr} listed`);
    const form = page.locator('form.register-form').first();
    await form.locator('input[name=name]').fill('东门 1 号');
    await form.locator('button[type=submit]').click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('form.register-form').length === n,
      sims.cameras.length - 1,
      { timeout: 10_000 },
    );
    const cams = await tg.api('GET', '/api/v1/cameras?limit=10', { token: await tg.login('uadmin') });
    assert.deepEqual(
      cams.body.items.map((c: { name: string; source: string }) => [c.name, c.source]),
      [['东门 1 号', 'onvif']],
    );
    assert.deepEqual(page && (await (page as Page & { errors: string[] }).errors), []);
  });
});
