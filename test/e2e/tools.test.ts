// End-to-end: drawing to select and exporting (CSV formula-injection safe), moving/rotating a camera, API keys shown once.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';
import { launchBrowser, loginAs, newPage, screenshot, endPage } from './browser';
import { seedCity, haversineM, offset, CENTRE } from './seed';
import { booleanPointInPolygon, pointToLineDistance, point, polygon, lineString } from '@turf/turf';

async function centreOf(page: Page, selector: string): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).first().boundingBox();
  assert.ok(box, `${selector} is on screen`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

async function drag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++)
    await page.mouse.move(from.x + ((to.x - from.x) * i) / 8, from.y + ((to.y - from.y) * i) / 8);
  await page.mouse.up();
}

/** Screen (page) pixels of WGS-84 positions on the console's map as it is drawn now. */
async function toScreen(page: Page, pts: Array<[number, number]>): Promise<Array<{ x: number; y: number }>> {
  return page.evaluate((pts) => {
    const { base } = window.cloudeye!;
    const r = base.map.getContainer().getBoundingClientRect();
    return pts.map(([lng, lat]) => {
      const p = base.map.latLngToContainerPoint(base.toLatLng(lng, lat));
      return { x: r.left + p.x, y: r.top + p.y };
    });
  }, pts);
}

/** Centres the map on the seeded city at zoom 16 (~2 m a pixel: the city spans a good part of the map). */
async function showCity(page: Page): Promise<void> {
  await page.evaluate(([lng, lat]) => {
    const { base } = window.cloudeye!;
    base.map.setView(base.toLatLng(lng, lat), 16, { animate: false });
  }, CENTRE);
}

/** The listed hits' camera ids (sorted) once the selection results are shown. */
async function listedIds(page: Page): Promise<string[]> {
  await page.waitForSelector('.select-results .hit');
  return (
    await page.$$eval('.select-results .hit', (els) => els.map((e) => (e as HTMLElement).dataset.cameraId ?? ''))
  ).sort();
}

/** The camera ids (sorted) of the GeoJSON export of the current selection. */
async function exportedGeoJsonIds(page: Page): Promise<{ ids: string[]; positions: Map<string, [number, number]> }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('.select-results .export-geojson')]);
  const fc = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
    type: string;
    features: Array<{
      type: string;
      geometry: { type: string; coordinates: [number, number] };
      properties: { id: string };
    }>;
  };
  assert.equal(fc.type, 'FeatureCollection');
  const positions = new Map(fc.features.map((f) => [f.properties.id, f.geometry.coordinates] as const));
  return { ids: fc.features.map((f) => f.properties.id).sort(), positions };
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
    await endPage(this, 'tools', page);
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
      .filter(
        (x) =>
          x.departmentId === tg.departments.police &&
          haversineM(x.lng, x.lat, shape.centre[0], shape.centre[1]) <= shape.radiusM,
      )
      .map((x) => x.id)
      .sort();
    const listed = (
      await page.$$eval('.select-results .hit', (els) => els.map((e) => (e as HTMLElement).dataset.cameraId ?? ''))
    ).sort();
    assert.ok(expected.length >= 3, `the circle (r=${shape.radiusM} m) holds several cameras`);
    assert.deepEqual(listed, expected);
    await screenshot(page, 'tools-circle');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.select-results .export-csv')]);
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    assert.equal(lines.length, expected.length + 1, 'a header and one line per camera');
    const odd = lines.find((l) => l.includes('HYPERLINK'));
    assert.ok(odd, 'the odd camera is exported');
    assert.match(odd, /^\d+,"'=HYPERLINK\(""http:\/\/x""\)",/, 'the formula is quoted with a leading apostrophe');
  });

  /** The police cameras as stored now (another test moves one), which is what a police viewer can select. */
  async function policeNow(): Promise<Camera[]> {
    const r = await tg.api('GET', `/api/v1/cameras?limit=500&department=${tg.departments.police}`, {
      token: await tg.login('pview'),
    });
    assert.equal(r.status, 200, r.text);
    const items = r.body.items as Camera[];
    assert.ok(items.length >= 6 && items.every((c) => c.departmentId === tg.departments.police));
    return items;
  }

  it('a drawn polygon (concave, finished by double-click) lists exactly the visible cameras inside it, and the GeoJSON export holds the same', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'pview');
    await showCity(page);
    await page.click('.tab[data-tab=draw]');
    await page.click('.select-panel .draw-polygon');
    // an L shape (metres east/north of the centre) whose notch leaves out 人民路口北 (0, 90); traffic cameras inside are not visible to a police viewer
    const corners: Array<[number, number]> = [
      [-350, -120],
      [120, -120],
      [120, 50],
      [-60, 50],
      [-60, 300],
      [-350, 300],
    ];
    const clicks = await toScreen(
      page,
      corners.map(([e, n]) => offset(e, n)),
    );
    for (const c of clicks.slice(0, -1)) await page.mouse.click(c.x, c.y);
    const last = clicks[clicks.length - 1]!;
    await page.mouse.dblclick(last.x, last.y);
    const listed = await listedIds(page);

    const shape = await page.evaluate(() => window.cloudeye?.select.lastShape);
    assert.ok(shape && shape.kind === 'polygon', 'a polygon was drawn');
    assert.equal(shape.ring.length, corners.length + 1, 'one vertex a click (the double-click adds none), closed');
    const area = polygon([shape.ring]);
    const visible = await policeNow();
    const inside = visible.filter((c) => booleanPointInPolygon(point([c.lng, c.lat]), area));
    const expected = inside.map((c) => c.id).sort();
    assert.ok(
      inside.length >= 3 && inside.length < visible.length,
      `a discriminating polygon: ${inside.map((c) => c.name).join(', ')}`,
    );
    assert.ok(!inside.some((c) => c.name === '天网-人民路口北'), 'the camera in the notch is outside');
    // nothing sits within a pixel or two of an edge, where the drawn shape's rounding could decide
    for (const c of visible)
      assert.ok(
        pointToLineDistance(point([c.lng, c.lat]), lineString(shape.ring), { units: 'meters' }) > 10,
        `${c.name} is clear of the edges`,
      );
    assert.deepEqual(listed, expected);
    await screenshot(page, 'tools-polygon');

    const exported = await exportedGeoJsonIds(page);
    assert.deepEqual(exported.ids, expected, 'the GeoJSON export holds the listed cameras');
    for (const c of inside)
      assert.deepEqual(exported.positions.get(c.id), [c.lng, c.lat], `${c.name} exported at its WGS-84 position`);
  });

  it(
    'a drawn route (finished with the button) lists exactly the visible cameras within ' +
      'the buffer along it, and the GeoJSON export holds the same',
    async () => {
      page = await newPage(browser, tg.base);
      await loginAs(page, 'pview');
      await showCity(page);
      await page.click('.tab[data-tab=draw]');
      const bufferM = 120;
      await page.fill('.select-panel input[name=buffer]', String(bufferM));
      await page.click('.select-panel .draw-route');
      const vertices: Array<[number, number]> = [
        [-400, 240],
        [-100, 240],
        [-100, 0],
        [300, 0],
      ];
      for (const c of await toScreen(
        page,
        vertices.map(([e, n]) => offset(e, n)),
      ))
        await page.mouse.click(c.x, c.y);
      await page.click('.select-panel .draw-finish');
      const listed = await listedIds(page);

      const shape = await page.evaluate(() => window.cloudeye?.select.lastShape);
      assert.ok(shape && shape.kind === 'route', 'a route was drawn');
      assert.equal(shape.line.length, vertices.length);
      const route = lineString(shape.line);
      const visible = await policeNow();
      const dist = new Map(
        visible.map((c) => [c.id, pointToLineDistance(point([c.lng, c.lat]), route, { units: 'meters' })]),
      );
      const along = visible.filter((c) => dist.get(c.id)! <= bufferM);
      const expected = along.map((c) => c.id).sort();
      assert.ok(
        along.length >= 3 && along.length < visible.length,
        `a discriminating route: ${along.map((c) => c.name).join(', ')}`,
      );
      assert.ok(
        visible.some((c) => dist.get(c.id)! > 50 && dist.get(c.id)! <= bufferM),
        'the typed buffer (not the default 50 m) decides some cameras',
      );
      for (const c of visible)
        assert.ok(
          Math.abs(dist.get(c.id)! - bufferM) > 10,
          `${c.name} (${dist.get(c.id)!.toFixed(0)} m) is clear of the buffer's edge`,
        );
      assert.deepEqual(listed, expected);
      await screenshot(page, 'tools-route');

      const exported = await exportedGeoJsonIds(page);
      assert.deepEqual(exported.ids, expected, 'the GeoJSON export holds the listed cameras');
      for (const c of along)
        assert.deepEqual(exported.positions.get(c.id), [c.lng, c.lat], `${c.name} exported at its WGS-84 position`);
    },
  );

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
    const after = (await tg.api('GET', `/api/v1/cameras/${cam.id}`, { token: await tg.login('padmin') }))
      .body as Camera;
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
