// End-to-end: drawing to select and exporting (CSV formula-injection safe), moving/rotating a camera, API keys shown once.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';
import { launchBrowser, loginAs, newPage, screenshot } from './browser';
import { seedCity, haversineM } from './seed';

async function centreOf(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box, `${selector} is on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(from.x + ((to.x - from.x) * i) / 8, from.y + ((to.y - from.y) * i) / 8);
  await page.mouse.up();
}

describe('console tools (e2e)', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let browser: Browser;
  let cams: Map<string, Camera>;
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    tg = await startTestGateway();
    await tg.addUser('city', 'admin', null);
    await tg.addUser('padmin', 'admin', 'police');
    await tg.addUser('pview', 'viewer', 'police');
    cams = await seedCity(tg, await tg.login('city'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await screenshot(page, `tools-${this.currentTest.title}`);
    await page?.context().close();
    page = undefined;
  });

  it('a drawn circle lists the visible cameras inside it, and the CSV export defuses formulas', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'pview');
    await page.click('.tab[data-tab=draw]');
    await page.click('.select-panel .draw-circle');
    const c = await centreOf(page, '#map');
    await page.mouse.click(c.x, c.y);
    await page.mouse.click(c.x + 32, c.y);
    await page.waitForSelector('.select-results .hit');
    const shape = await page.evaluate(() => window.cloudeye?.select.lastShape);
    assert.ok(shape && shape.kind === 'circle');
    const expected = [...cams.values()]
      .filter((x) => x.departmentId === tg.departments.police && haversineM(x.lng, x.lat, shape.centre[0], shape.centre[1]) <= shape.radiusM)
      .map((x) => x.id)
      .sort();
    const listed = (await page.$$eval('.select-results .hit', (els) => els.map((e) => (e as HTMLElement).dataset.cameraId ?? ''))).sort();
    assert.ok(expected.length >= 3, `the circle (r=${shape.radiusM} m) holds several cameras`);
    assert.deepEqual(listed, expected);
    await screenshot(page, 'tools-circle');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.select-results .export-csv')]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.replace(/^\ufeff/, '').trim().split('\r\n');
    assert.equal(lines.length, expected.length + 1, 'a header and one line per camera');
    const odd = lines.find((l) => l.includes('HYPERLINK'));
    assert.ok(odd, 'the odd camera is exported');
    assert.match(odd, /^\d+,"'=HYPERLINK\(""http:\/\/x""\)",/, 'the formula is quoted with a leading apostrophe');
  });

  it('an admin moves and rotates a camera on the map, saved with PATCH', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'padmin');
    const cam = cams.get('天网-西门')!;
    await page.click('.nav-link[data-page=cameras]');
    await page.click(`.cameras-page tr[data-camera-id="${cam.id}"] button`);
    await page.waitForSelector('.edit-panel .save-camera');
    await page.waitForTimeout(400); // the map settles on the camera
    const pos = await centreOf(page, '.edit-handle.edit-pos');
    await drag(page, pos, { x: pos.x + 60, y: pos.y });
    const moved = await centreOf(page, '.edit-handle.edit-pos');
    assert.ok(Math.abs(moved.x - pos.x - 60) < 3, 'the camera follows the pointer');
    // the bearing handle starts north of the camera (no bearing yet): drag it due east at the same distance
    const handle = await centreOf(page, '.edit-handle.edit-bearing');
    const dist = Math.hypot(handle.x - moved.x, handle.y - moved.y);
    await drag(page, handle, { x: moved.x + dist, y: moved.y });
    await screenshot(page, 'tools-edit');
    await page.click('.edit-panel .save-camera');
    await page.waitForSelector('.edit-panel', { state: 'detached' });
    const after = (await tg.api('GET', `/api/v1/cameras/${cam.id}`, { token: await tg.login('padmin') })).body as Camera;
    assert.ok(after.lng > cam.lng, `moved east: ${cam.lng} → ${after.lng}`);
    assert.ok(Math.abs(after.lat - cam.lat) < 1e-5, 'not moved north or south');
    assert.ok(after.bearing !== null && Math.abs(after.bearing - 90) <= 3, `faces east: ${after.bearing}`);
    assert.equal(after.fov, 90);
  });

  it('a new API key is shown once, then only its prefix', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'padmin');
    await page.click('.nav-link[data-page=api-keys]');
    await page.fill('.api-keys-page input[name=name]', 'vms-bridge');
    await page.click('.api-keys-page button[type=submit]');
    const key = (await page.textContent('.api-keys-page .key-value'))?.trim() ?? '';
    assert.ok(key.length >= 20, 'the key is shown');
    await page.waitForSelector('.api-keys-page tr[data-key=vms-bridge]');
    const r = await tg.api('GET', '/api/v1/cameras?limit=1', { apiKey: key });
    assert.equal(r.status, 200, 'the shown key works');
    await page.reload();
    await page.waitForSelector('.api-keys-page tr[data-key=vms-bridge]');
    assert.equal(await page.locator('.api-keys-page .key-value').count(), 0);
    assert.ok(!(await page.content()).includes(key), 'the key is not on the page any more');
  });
});
