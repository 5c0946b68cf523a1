// End-to-end: GCJ-02 tile sources shift the cameras onto the tiles' datum, WGS-84 ones do not, and unreachable tiles fall back to the offline grid.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';
import { wgs84ToGcj02 } from '../../gis/crs';
import { launchBrowser, loginAs, newPage, screenshot, endPage } from './browser';
import { seedCity } from './seed';
import { renderSeq, waitRender } from './map-helpers';

/** A 1×1 transparent PNG: what the routed tile requests of the "reachable" case answer. */
const BLANK_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const GCJ_NAME = 'GCJ tiles';
const WGS_NAME = 'WGS tiles';
const ZOOM = 16;

/** The camera marker's centre in map-container pixels, and where Leaflet puts [lng, lat] (display coordinates) at the same moment. */
async function markerVsPoint(
  page: Page,
  id: string,
  lng: number,
  lat: number,
): Promise<{ marker: { x: number; y: number }; point: { x: number; y: number } }> {
  return page.evaluate(
    ([id, lng, lat]) => {
      const map = window.cloudeye!.base.map;
      const icon = document.querySelector(`.cam-marker[data-camera-id="${id}"]`)?.closest('.leaflet-marker-icon');
      if (!icon) throw new Error(`camera ${id} has no marker on the map`);
      const r = icon.getBoundingClientRect();
      const m = map.getContainer().getBoundingClientRect();
      const p = map.latLngToContainerPoint([lat, lng]);
      return {
        marker: { x: r.left + r.width / 2 - m.left, y: r.top + r.height / 2 - m.top },
        point: { x: p.x, y: p.y },
      };
    },
    [id, lng, lat] as const,
  );
}

const px = (a: { x: number; y: number }, b: { x: number; y: number }): number => Math.hypot(a.x - b.x, a.y - b.y);

describe('map tiles and datums (e2e)', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let browser: Browser;
  let cam: Camera;
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    // both sources point at paths the gateway does not serve: "no tiles reachable" unless a test answers them itself
    tg = await startTestGateway({
      map: {
        baseLayers: [
          { type: 'xyz', id: 'gcj', name: GCJ_NAME, url: '/api/v1/no-such-tiles/gcj/{z}/{x}/{y}.png', crs: 'gcj02' },
          { type: 'xyz', id: 'wgs', name: WGS_NAME, url: '/api/v1/no-such-tiles/wgs/{z}/{x}/{y}.png', crs: 'wgs84' },
        ],
      },
    });
    await tg.addUser('city', 'admin', null);
    await tg.addUser('pview', 'viewer', 'police');
    const seeded = await seedCity(tg, await tg.login('city'), [
      { name: '天网-定位', dept: 'police', east: 0, north: 0, bearing: 90, fov: 60, rangeM: 80, tags: [] },
    ]);
    cam = seeded.get('天网-定位')!;
    const tile = await fetch(`${tg.base}/api/v1/no-such-tiles/gcj/${ZOOM}/1/1.png`);
    assert.equal(tile.status, 404, 'the configured tile address does not exist on the gateway');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
  });

  afterEach(async function () {
    await endPage(this, 'tiles', page);
    page = undefined;
  });

  /** Centres the map on the camera (in the current tiles' datum) at ZOOM and waits for the redraw. */
  async function centreOnCamera(p: Page): Promise<void> {
    const before = await renderSeq(p);
    await p.evaluate(
      ([lng, lat, z]) => {
        const { base } = window.cloudeye!;
        base.map.setView(base.toLatLng(lng, lat), z, { animate: false });
      },
      [cam.lng, cam.lat, ZOOM] as const,
    );
    await waitRender(p, before);
    await p.waitForSelector(`.cam-marker[data-camera-id="${cam.id}"]`);
  }

  it('a GCJ-02 source draws a camera at its GCJ-02 position, a WGS-84 source at its stored one', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    let tiles = 0;
    await p.route('**/no-such-tiles/**', (route) => {
      tiles++;
      return route.fulfill({ status: 200, contentType: 'image/png', body: BLANK_PNG });
    });
    await loginAs(p, 'pview');
    await waitRender(p, 0);
    assert.equal(await p.evaluate(() => window.cloudeye!.base.crs), 'gcj02', 'the first configured source is shown');
    await centreOnCamera(p);

    const [gx, gy] = wgs84ToGcj02(cam.lng, cam.lat);
    const onGcj = await markerVsPoint(p, cam.id, gx, gy);
    const unshifted = await markerVsPoint(p, cam.id, cam.lng, cam.lat);
    assert.ok(
      px(unshifted.point, onGcj.point) > 100,
      `the datum shift is visible at zoom ${ZOOM} (${px(unshifted.point, onGcj.point).toFixed(0)} px)`,
    );
    assert.ok(
      px(onGcj.marker, onGcj.point) <= 2,
      `the marker sits on the camera's GCJ-02 position: marker ${JSON.stringify(onGcj.marker)}, GCJ-02 point ${JSON.stringify(onGcj.point)}`,
    );
    const gcjTiles = await p.$$eval(
      '.leaflet-tile-loaded',
      (els) => els.filter((e) => (e as HTMLImageElement).src.includes('/no-such-tiles/gcj/')).length,
    );
    assert.ok(gcjTiles > 0 && tiles > 0, 'the GCJ-02 tiles loaded');
    assert.equal(await p.evaluate(() => window.cloudeye!.base.offlineFallback), false, 'reachable tiles: no fallback');
    assert.equal(await p.locator('.offline-notice').count(), 0);
    await screenshot(p, 'tiles-gcj02');

    // pick the WGS-84 source in the layers control: the marker moves back to the stored position
    const before = await renderSeq(p);
    await p.hover('.leaflet-control-layers');
    await p.click(`.leaflet-control-layers-base label:has-text("${WGS_NAME}")`);
    await waitRender(p, before);
    assert.equal(await p.evaluate(() => window.cloudeye!.base.crs), 'wgs84');
    await p.mouse.move(5, 5); // collapse the layers control
    await centreOnCamera(p);
    const onWgs = await markerVsPoint(p, cam.id, cam.lng, cam.lat);
    assert.ok(
      px(onWgs.marker, onWgs.point) <= 2,
      `the marker sits on the stored WGS-84 position: marker ${JSON.stringify(onWgs.marker)}, point ${JSON.stringify(onWgs.point)}`,
    );
    const shifted = await markerVsPoint(p, cam.id, gx, gy);
    assert.ok(px(shifted.marker, shifted.point) > 100, 'and not on the GCJ-02 one');
    assert.deepEqual(p.errors, []);
  });

  it('when no tile loads, the console switches to the offline grid with a notice and draws cameras at their WGS-84 positions', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    const failed: string[] = [];
    p.on('response', (r) => {
      if (r.url().includes('/no-such-tiles/') && r.status() === 404) failed.push(r.url());
    });
    await loginAs(p, 'pview');
    await p.waitForSelector('.leaflet-layer.graticule-layer canvas', { timeout: 15_000 });
    await p.waitForSelector('.offline-notice');
    assert.ok(failed.length >= 8, `the GCJ-02 tiles were asked for and failed (${failed.length})`);
    assert.match((await p.textContent('.offline-notice')) ?? '', /离线网格/);
    const state = await p.evaluate(() => ({
      crs: window.cloudeye!.base.crs,
      fallback: window.cloudeye!.base.offlineFallback,
      layers: document.querySelectorAll('.leaflet-tile-pane > .leaflet-layer').length,
      tileImages: document.querySelectorAll('.leaflet-tile-pane img.leaflet-tile').length,
    }));
    assert.deepEqual(
      state,
      { crs: 'wgs84', fallback: true, layers: 1, tileImages: 0 },
      'only the offline grid is shown, in WGS-84',
    );
    const checked = await p.$$eval('.leaflet-control-layers-base label', (els) =>
      els.filter((e) => e.querySelector('input')?.checked).map((e) => e.textContent?.trim()),
    );
    assert.deepEqual(checked, ['离线网格底图'], 'the layers control shows the offline grid as the base layer');

    await centreOnCamera(p);
    const onGrid = await markerVsPoint(p, cam.id, cam.lng, cam.lat);
    assert.ok(
      px(onGrid.marker, onGrid.point) <= 2,
      `on the grid the camera sits at its stored position: marker ${JSON.stringify(onGrid.marker)}, point ${JSON.stringify(onGrid.point)}`,
    );
    await screenshot(p, 'tiles-offline-fallback');

    // picking a tile source again hides the notice (and falls back again when it fails too)
    await p.evaluate(() => document.querySelector('.offline-notice')?.classList.add('first-notice'));
    await p.hover('.leaflet-control-layers');
    await p.click(`.leaflet-control-layers-base label:has-text("${WGS_NAME}")`);
    await p.waitForSelector('.offline-notice:not(.first-notice)', { timeout: 15_000 });
    assert.equal(await p.locator('.offline-notice').count(), 1, 'the old notice went away, a new one came');
    assert.equal(await p.evaluate(() => window.cloudeye!.base.crs), 'wgs84');
    assert.deepEqual(p.errors, []);
  });
});
