// End-to-end: event search in the console: kind and a partial plate typed in (湘J*8*) list exactly the matching
// checkpoint reads; a row centres the map on its read; the same search within a circle drawn with the Select tool;
// the table relabelled in English.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { postWebhook } from '../helpers/events';
import { alarmWorld, at, type AlarmWorld } from '../helpers/alarms';
import { endPage, launchBrowser, loginAs, newPage, screenshot } from './browser';
import { showAt, toScreen } from './map-helpers';
import { haversineM } from './seed';

describe('event search (e2e)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let w: AlarmWorld;
  let browser: Browser;
  let page: (Page & { errors: string[] }) | undefined;

  before(async function () {
    this.timeout(90_000);
    t = await startTestGateway();
    w = await alarmWorld(t);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async function () {
    await endPage(this, 'event-search', page);
    page = undefined;
  });

  it('a partial plate typed in lists exactly the matching reads; a row centres the map on it', async () => {
    const plates = ['湘J12845', '湘J80000', '湘J12345', '湘A18888', '湘J98765', '粤J18000'];
    const ids = new Map<string, { plate: string; lng: number; lat: number }>();
    for (const [i, plate] of plates.entries()) {
      const pos = at(30 * i, 200);
      const body = JSON.stringify({ id: `read-${i}`, kind: 'anpr', location: { position: pos }, anpr: { plate } });
      const r = await postWebhook(t, w.source, body);
      assert.equal(r.status, 200, r.text);
      ids.set(String(r.body.events[0].id), { plate, ...pos });
    }
    const expected = [...ids].filter(([, e]) => /^湘J.*8.*$/.test(e.plate)).map(([id]) => id);
    assert.equal(expected.length, 3);
    page = await newPage(browser, t.base);
    await loginAs(page, 'top');
    await page.click('.tab[data-tab=events]');
    await page.selectOption('.event-search select[name=kind]', 'anpr');
    await page.locator('.event-search input[name=plate]').pressSequentially('湘J*8*');
    await page.click('.event-search .event-go');
    await page.waitForSelector('.event-search .event-row');
    const listed = await page.$$eval('.event-search .event-row', (els) =>
      els.map((e) => (e as HTMLElement).dataset.event),
    );
    assert.deepEqual([...listed].sort(), [...expected].sort());
    const target = ids.get(expected[1]!)!;
    assert.match((await page.textContent(`.event-row[data-event="${expected[1]}"]`)) ?? '', new RegExp(target.plate));
    await page.click(`.event-row[data-event="${expected[1]}"]`);
    await page.waitForSelector('.event-point');
    await screenshot(page, 'event-search-plate');

    // the same search within a circle drawn with the Select tool around the first three reads
    await showAt(page, at(30, 200).lng, at(30, 200).lat, 17);
    await page.click('.tab[data-tab=draw]');
    await page.click('.select-panel .draw-circle');
    const c = at(0, 200);
    const edge = at(75, 200);
    const [p0, p1] = [await toScreen(page, c.lng, c.lat), await toScreen(page, edge.lng, edge.lat)];
    await page.mouse.click(p0.x, p0.y);
    await page.mouse.click(p1.x, p1.y);
    await page.waitForFunction(() => window.cloudeye?.select.lastShape?.kind === 'circle');
    const shape = (await page.evaluate(() => window.cloudeye!.select.lastShape))!;
    assert.ok(shape.kind === 'circle');
    const inside = expected.filter((id) => {
      const e = ids.get(id)!;
      return haversineM(e.lng, e.lat, shape.centre[0], shape.centre[1]) <= shape.radiusM;
    });
    assert.equal(inside.length, 2, `the circle (r=${shape.radiusM} m) holds two matching reads`);
    await page.click('.tab[data-tab=events]');
    await page.check('.event-search input[name=area]');
    await page.click('.event-search .event-go');
    await page.waitForFunction(
      (n) => document.querySelectorAll('.event-search .event-row').length === n,
      inside.length,
    );
    const within = await page.$$eval('.event-search .event-row', (els) =>
      els.map((e) => (e as HTMLElement).dataset.event),
    );
    assert.deepEqual([...within].sort(), [...inside].sort());
    // in English: the tabs, the table and its rows are relabelled in place
    await page.selectOption('.lang-switch', 'en');
    assert.equal(await page.textContent('.tab[data-tab=events] span'), 'Events');
    assert.equal(await page.textContent('.tab[data-tab=alarms] span'), 'Alarms');
    assert.deepEqual(await page.$$eval('.event-search table.events th', (els) => els.map((e) => e.textContent)), [
      'Time',
      'Kind',
      'What',
    ]);
    assert.match((await page.textContent('.event-search .event-row')) ?? '', /Checkpoint read/);
    const centre = await page.evaluate(() => {
      const { base } = window.cloudeye!;
      return base.toWgs(base.map.getCenter());
    });
    assert.ok(
      Math.abs(centre[0] - target.lng) < 1e-6 && Math.abs(centre[1] - target.lat) < 1e-6,
      JSON.stringify(centre),
    );
    assert.deepEqual(page.errors, []);
  });
});
