// End-to-end: details of the map a person meets: the popup inside the map, whole coordinates, a circle by dragging, a translated attribution.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';
import { launchBrowser, loginAs, newPage, endPage } from './browser';
import { CENTRE, haversineM, offset, seedCity } from './seed';
import { waitRender } from './map-helpers';
import { assertOnScreen, boxInside } from './screen-checks';
import { DEMO_BASE_LAYER } from '../../gateway/cli/demo-map';

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

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

describe('map details (e2e)', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let browser: Browser;
  let cams: Map<string, Camera>;
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    tg = await startTestGateway();
    await tg.addUser('city', 'admin', null);
    await tg.addUser('pview', 'viewer', 'police');
    cams = await seedCity(tg, await tg.login('city'));
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
  });

  afterEach(async function () {
    await endPage(this, 'map-details', page);
    page = undefined;
  });

  it("a camera's popup opened at the map's corners is drawn whole inside the map, clear of the map's controls", async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pview');
    await waitRender(p, 0);
    const cam = cams.get('天网-西门')!;
    const size = (await p.locator('#map').boundingBox())!;
    const corners = [
      [64, 26, 'top left, beside the zoom buttons'],
      [size.width - 40, size.height - 60, 'bottom right'],
      [size.width - 30, 30, 'top right'],
    ] as const;
    for (const [x, y, corner] of corners) {
      // the map is placed so that the camera sits at that corner (as after a person's panning)
      await p.evaluate(
        ([lng, lat, x, y]) => {
          const { base } = window.cloudeye!;
          const m = base.map;
          m.setView(base.toLatLng(lng, lat), 17, { animate: false });
          const at = m.latLngToContainerPoint(base.toLatLng(lng, lat));
          m.panBy([at.x - x, at.y - y], { animate: false });
        },
        [cam.lng, cam.lat, x, y] as const,
      );
      const marker = p.locator(`.cam-marker[data-camera-id="${cam.id}"]`);
      await marker.waitFor({ state: 'visible' });
      await marker.click();
      await p.waitForSelector('.cam-popup .cam-name');
      await p.waitForSelector('.cam-popup .snapshot-box img, .cam-popup .snapshot-box [data-i18n="camera.noSnapshot"]');
      // autopan animates for about 250 ms
      await p.waitForTimeout(700);
      const popup = (await p.locator('.leaflet-popup').boundingBox())!;
      const map = (await p.locator('#map').boundingBox())!;
      assert.ok(
        boxInside(popup, map),
        `${corner}: the popup ${JSON.stringify(popup)} lies inside the map ${JSON.stringify(map)}`,
      );
      for (const control of ['.leaflet-control-zoom', '.leaflet-control-scale', '.leaflet-control-attribution']) {
        const c = await p.locator(control).first().boundingBox();
        if (c)
          assert.ok(
            !overlaps(popup, c),
            `${corner}: the popup ${JSON.stringify(popup)} is clear of ${control} ${JSON.stringify(c)}`,
          );
      }
      await assertOnScreen(p, '.cam-popup .cam-name', `${corner}: the camera's name`);
      await assertOnScreen(p, '.cam-popup .play-btn', `${corner}: the play button`);
      await p.click('.leaflet-popup-close-button');
      await p.waitForSelector('.cam-popup', { state: 'detached' });
    }
    // Play from a popup at the right edge: the wall takes part of the map's width, the popup stays whole
    await p.evaluate(
      ([lng, lat, x]) => {
        const { base } = window.cloudeye!;
        const m = base.map;
        const at = m.latLngToContainerPoint(base.toLatLng(lng, lat));
        m.panBy([at.x - x, at.y - m.getSize().y / 2], { animate: false });
      },
      [cam.lng, cam.lat, size.width - 60] as const,
    );
    await p.locator(`.cam-marker[data-camera-id="${cam.id}"]`).click();
    await p.click('.cam-popup .play-btn');
    await p.waitForSelector(`.video-wall .pane[data-camera-id="${cam.id}"]`);
    await p.waitForTimeout(800);
    const narrowed = (await p.locator('#map').boundingBox())!;
    assert.ok(
      narrowed.width < size.width - 100,
      `the wall took room from the map: ${size.width} → ${narrowed.width} px`,
    );
    const popup = (await p.locator('.leaflet-popup').boundingBox())!;
    assert.ok(
      boxInside(popup, narrowed),
      `with the wall open the popup ${JSON.stringify(popup)} lies inside the map ${JSON.stringify(narrowed)}`,
    );
    await assertOnScreen(p, '.cam-popup .cam-name', "the camera's name with the wall open");
  });

  it('the incident coordinate boxes show every digit of a 7-decimal position, in normal and wall density', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pview');
    await p.click('.tab[data-tab=incident]');
    for (const density of ['normal', 'wall']) {
      if (density === 'wall') await p.click('.topbar .density-switch');
      await p.fill('.incident-panel input[name=lng]', '-111.6912345');
      await p.fill('.incident-panel input[name=lat]', '-29.0312345');
      for (const name of ['lng', 'lat']) {
        const sel = `.incident-panel input[name=${name}]`;
        await assertOnScreen(p, sel, `${density}: the ${name} box`);
        const fit = await p.$eval(sel, (el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
        assert.ok(
          fit.scroll <= fit.client,
          `${density}: the ${name} box shows its whole text (text ${fit.scroll} px, box ${fit.client} px)`,
        );
      }
      await assertOnScreen(p, '.incident-panel form.coords button[type=submit]', `${density}: the search button`);
    }
  });

  it('pressing at a point and dragging draws a circle there and lists the cameras inside; the map does not pan', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pview');
    await waitRender(p, 0);
    await p.evaluate(([lng, lat]) => {
      const { base } = window.cloudeye!;
      base.map.setView(base.toLatLng(lng, lat), 16, { animate: false });
    }, CENTRE);
    await p.click('.tab[data-tab=draw]');
    await p.click('.select-panel .draw-circle');
    const radiusM = 250;
    const [from, to] = await toScreen(p, [CENTRE, offset(radiusM, 0)]);
    await p.mouse.move(from!.x, from!.y);
    await p.mouse.down();
    for (let i = 1; i <= 10; i++)
      await p.mouse.move(from!.x + ((to!.x - from!.x) * i) / 10, from!.y + ((to!.y - from!.y) * i) / 10);
    await p.mouse.up();
    await p.waitForSelector('.select-results .hit', { timeout: 5000 });
    const [after] = await toScreen(p, [CENTRE]);
    assert.ok(Math.hypot(after!.x - from!.x, after!.y - from!.y) < 1, 'the map stayed where it was');
    const shape = await p.evaluate(() => window.cloudeye?.select.lastShape);
    assert.ok(shape && shape.kind === 'circle', 'a circle was drawn');
    assert.ok(
      haversineM(shape.centre[0], shape.centre[1], CENTRE[0], CENTRE[1]) < 6,
      `centred where the press began: ${shape.centre}`,
    );
    assert.ok(Math.abs(shape.radiusM - radiusM) < 8, `reaching where the button was released: ${shape.radiusM} m`);
    const inside = (c: Camera): boolean => haversineM(c.lng, c.lat, shape.centre[0], shape.centre[1]) <= shape.radiusM;
    const expected = [...cams.values()]
      .filter((c) => c.departmentId === tg.departments.police && inside(c))
      .map((c) => c.id)
      .sort();
    const listed = (
      await p.$$eval('.select-results .hit', (els) => els.map((e) => (e as HTMLElement).dataset.cameraId ?? ''))
    ).sort();
    assert.ok(expected.length >= 3, 'the circle holds several police cameras');
    assert.deepEqual(listed, expected);
    // the circle is drawn (not interactive, so it is checked by its box rather than by what a click would hit)
    const circle = await p.locator('path.drawn-shape').boundingBox();
    assert.ok(circle && boxInside(circle, (await p.locator('#map').boundingBox())!), 'the drawn circle is on the map');
    assert.ok(
      Math.abs(circle.width / 2 - (to!.x - from!.x)) < 4,
      `its radius on screen is the drag's length: ${circle.width / 2} vs ${to!.x - from!.x}`,
    );
  });

  it("the map's attribution speaks the interface language", async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pview');
    await waitRender(p, 0);
    await assertOnScreen(p, '.leaflet-control-attribution', 'the attribution');
    const zh = (await p.textContent('.leaflet-control-attribution')) ?? '';
    assert.match(zh, /地图引擎/, `zh-CN: ${zh}`);
    // every layer's attribution too (the offline grid's is "Cloud Eye offline grid" in English)
    assert.match(zh, /\|/, `zh-CN: the base layer's attribution is shown: ${zh}`);
    assert.doesNotMatch(
      zh.replace('Leaflet', ''),
      /[A-Za-z]{3,}/,
      `zh-CN: no English words but the library's name: ${zh}`,
    );
    await p.selectOption('.topbar select.lang-switch', 'en');
    const en = (await p.textContent('.leaflet-control-attribution')) ?? '';
    assert.match(en, /Map engine Leaflet/, `en: ${en}`);
    assert.doesNotMatch(en, /[\u4e00-\u9fff]/, `en: no Chinese: ${en}`);
    await assertOnScreen(p, '.leaflet-control-attribution', 'the attribution in English');
  });

  it('the demo city\'s credit (configured as "演示数据 Demo data") is shown in the interface language only', async () => {
    const demo = await startTestGateway({ map: { center: CENTRE, zoom: 15, baseLayers: [DEMO_BASE_LAYER] } });
    try {
      await demo.addUser('dview', 'viewer', 'police');
      const p = await newPage(browser, demo.base);
      page = p;
      await loginAs(p, 'dview');
      await p.waitForFunction(() =>
        /演示数据/.test(document.querySelector('.leaflet-control-attribution')?.textContent ?? ''),
      );
      await assertOnScreen(p, '.leaflet-control-attribution', 'the attribution');
      assert.equal((await p.textContent('.leaflet-control-attribution'))?.trim(), '地图引擎 Leaflet | 演示数据');
      await p.selectOption('.topbar select.lang-switch', 'en');
      assert.equal((await p.textContent('.leaflet-control-attribution'))?.trim(), 'Map engine Leaflet | Demo data');
    } finally {
      // the page stays for afterEach (a screenshot if this failed)
      await demo.close();
    }
  });
});
