// End-to-end: the demo city's streets drawn locally with readable names, an offline MBTiles map picked in the layer switcher, graticule labels that fit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { DEMO_BASE_LAYER } from '../../gateway/cli/demo-map';
import { STREETS } from '../../sim/demo-city';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { flipRow, tileOf, writeMbtiles } from '../helpers/mbtiles';
import { solidTile } from '../helpers/png';
import { endPage, launchBrowser, loginAs, newPage, screenshot } from './browser';

/** The demo map's primary road fill (VECTOR_COLOURS.primary) and secondary road fill. */
const PRIMARY: [number, number, number] = [0xf6, 0xbf, 0x3c];
const WHITE: [number, number, number] = [255, 255, 255];
const CENTRE: [number, number] = [111.69, 29.03];
const ZOOM = 13;
/** Colour of the MBTiles tile at XYZ (x, y): a wrong row or column shows as a wrong colour, a missing one as none. */
const tileColour = (dx: number, dy: number): [number, number, number] => [40 + 30 * dx, 200, 40 + 30 * dy];

interface Label {
  text: string;
  kind: string;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Every base-map name on screen with its box, and the map's box, in page pixels. */
async function labelsShown(
  page: Page,
  selector: string,
): Promise<{ labels: Label[]; map: { x0: number; y0: number; x1: number; y1: number } }> {
  return page.evaluate((sel) => {
    const m = document.getElementById('map')!.getBoundingClientRect();
    const labels = [...document.querySelectorAll<HTMLElement>(sel)].map((el) => {
      const r = (el.firstElementChild ?? el).getBoundingClientRect();
      return {
        text: el.textContent ?? '',
        kind: el.closest<HTMLElement>('[data-kind]')?.dataset.kind ?? '',
        x0: r.left,
        y0: r.top,
        x1: r.right,
        y1: r.bottom,
      };
    });
    return { labels, map: { x0: m.left, y0: m.top, x1: m.right, y1: m.bottom } };
  }, selector);
}

/** Asserts each label lies wholly inside the map and no two overlap. */
function assertReadable(shown: Awaited<ReturnType<typeof labelsShown>>): void {
  const { labels, map } = shown;
  for (const l of labels) {
    assert.ok(l.x1 - l.x0 > 4 && l.y1 - l.y0 > 4, `"${l.text}" has a size`);
    const inside = l.x0 >= map.x0 - 0.5 && l.y0 >= map.y0 - 0.5 && l.x1 <= map.x1 + 0.5 && l.y1 <= map.y1 + 0.5;
    assert.ok(inside, `"${l.text}" is cut off: ${JSON.stringify(l)} outside ${JSON.stringify(map)}`);
  }
  for (let i = 0; i < labels.length; i++)
    for (let j = i + 1; j < labels.length; j++) {
      const a = labels[i]!,
        b = labels[j]!;
      const overlap =
        Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0) > 0.5 && Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0) > 0.5;
      assert.ok(!overlap, `"${a.text}" and "${b.text}" overlap: ${JSON.stringify(a)} ${JSON.stringify(b)}`);
    }
}

/** The RGBA of the base map's canvas where [lng, lat] is drawn, and the count of pixels within 10 of `rgb` on that canvas. */
async function canvasAt(
  page: Page,
  lng: number,
  lat: number,
  rgb: [number, number, number],
): Promise<{ at: number[]; matching: number }> {
  return page.evaluate(
    ([lng, lat, rgb]) => {
      const map = window.cloudeye!.base.map;
      const canvas = document.querySelector<HTMLCanvasElement>('.leaflet-ceBase-pane canvas');
      if (!canvas) throw new Error('no base map canvas');
      const ctx = canvas.getContext('2d')!;
      const c = canvas.getBoundingClientRect(),
        m = map.getContainer().getBoundingClientRect();
      const p = map.latLngToContainerPoint([lat, lng]);
      const sx = canvas.width / c.width,
        sy = canvas.height / c.height;
      // the pixel nearest the line's centre among the 3 × 3 around the point (lines are antialiased at their edges)
      const near = ctx.getImageData(
        Math.round((m.left + p.x - c.left) * sx) - 1,
        Math.round((m.top + p.y - c.top) * sy) - 1,
        3,
        3,
      ).data;
      const at = [...near.slice(16, 20)];
      // (no named functions in here: the test's transpiler would wrap them in a helper the page lacks)
      let best = Infinity;
      for (let i = 0; i < near.length; i += 4) {
        const off = Math.abs(near[i]! - rgb[0]) + Math.abs(near[i + 1]! - rgb[1]) + Math.abs(near[i + 2]! - rgb[2]);
        if (near[i + 3]! > 250 && off < best) {
          best = off;
          at.splice(0, 4, ...near.slice(i, i + 4));
        }
      }
      const all = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let matching = 0;
      for (let i = 0; i < all.length; i += 4) {
        if (
          all[i + 3]! > 250 &&
          Math.abs(all[i]! - rgb[0]) <= 10 &&
          Math.abs(all[i + 1]! - rgb[1]) <= 10 &&
          Math.abs(all[i + 2]! - rgb[2]) <= 10
        )
          matching++;
      }
      return { at, matching };
    },
    [lng, lat, rgb] as const,
  );
}

const near = (rgba: number[], rgb: [number, number, number], tol = 12): boolean =>
  rgba[3]! > 250 && rgb.every((v, i) => Math.abs(rgba[i]! - v) <= tol);

/** A point `f` of the way along segment `i` of a demo street. */
function onStreet(name: string, i: number, f: number): [number, number] {
  const line = STREETS.find((s) => s.name === name)!.line;
  const [a, b] = [line[i]!, line[i + 1]!];
  return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
}

/** Clicks the map's + button as a person does and waits for the zoom animation to end (Leaflet sets the new zoom at its start). */
async function zoomIn(page: Page): Promise<number> {
  const ended = page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const map = window.cloudeye!.base.map;
        map.once('zoomend', () => resolve(map.getZoom()));
      }),
  );
  await page.click('.leaflet-control-zoom-in');
  return ended;
}

describe('base maps in the console (e2e)', function () {
  this.timeout(90_000);
  let demo: TestGateway;
  let both: TestGateway;
  let browser: Browser;
  let dir: string;
  let page: Page | undefined;
  const centreTile = tileOf(CENTRE[0], CENTRE[1], ZOOM);

  before(async function () {
    this.timeout(120_000);
    dir = mkdtempSync(path.join(tmpdir(), 'ce-e2e-mbtiles-'));
    const file = path.join(dir, 'imagery.mbtiles');
    const tiles = [];
    for (let dx = 0; dx <= 6; dx++)
      for (let dy = 0; dy <= 4; dy++) {
        const x = centreTile.x - 3 + dx,
          y = centreTile.y - 2 + dy;
        tiles.push({ z: ZOOM, x, row: flipRow(ZOOM, y), data: solidTile(tileColour(dx, dy)) });
      }
    writeMbtiles(
      file,
      { name: 'imagery', format: 'png', minzoom: String(ZOOM), maxzoom: String(ZOOM), attribution: 'Test survey' },
      tiles,
    );
    // the demo's own configuration (one base layer), and the demo city beside an offline MBTiles map
    demo = await startTestGateway({ map: { center: CENTRE, zoom: ZOOM, baseLayers: [DEMO_BASE_LAYER] } });
    both = await startTestGateway({
      map: {
        center: CENTRE,
        zoom: ZOOM,
        baseLayers: [
          DEMO_BASE_LAYER,
          { type: 'mbtiles', id: 'imagery', name: '离线影像', nameEn: 'Offline imagery', path: file },
        ],
      },
    });
    for (const tg of [demo, both]) await tg.addUser('viewer1', 'viewer', 'police');
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await demo?.close();
    await both?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  afterEach(async function () {
    await endPage(this, 'map-base', page);
    page = undefined;
  });

  it('the demo city shows its streets, districts and landmarks, named in zh-CN and en without overlap, on a map drawn locally', async () => {
    const p = await newPage(browser, demo.base);
    page = p;
    const outside: string[] = [];
    p.on('request', (r) => {
      if (!r.url().startsWith(demo.base) && !r.url().startsWith('data:')) outside.push(r.url());
    });
    await loginAs(p, 'viewer1');
    await p.locator('.base-label-road-primary > span').first().waitFor({ state: 'visible', timeout: 15_000 });
    await screenshot(p, 'map-base-demo-city');

    const start = await labelsShown(p, '.base-label');
    const roads = new Set(start.labels.filter((l) => l.kind.startsWith('road-')).map((l) => l.text));
    assert.ok(
      ['武陵大道', '人民路', '洞庭大道', '朗州路'].every((n) => roads.has(n)),
      `main streets are named: ${[...roads].join(', ')}`,
    );
    assert.ok(
      start.labels.some((l) => l.kind === 'district' && l.text === '武陵区'),
      'the district is named',
    );
    assertReadable(start);
    assert.equal(await p.locator('.leaflet-control-layers').count(), 0, 'one base map: no layer switcher');
    assert.equal(await p.locator('.graticule-layer').count(), 0, 'the city, not the bare grid');

    // the roads are drawn where they are: primary and secondary fills under their lines, nothing on an empty block
    const [wx, wy] = onStreet('武陵大道', 1, 0.5);
    const [rx, ry] = onStreet('人民路', 1, 0.5);
    const primary = await canvasAt(p, wx, wy, PRIMARY);
    assert.ok(near(primary.at, PRIMARY), `武陵大道 is drawn in the primary road colour: ${primary.at}`);
    assert.ok(primary.matching > 500, `many pixels of primary road colour (${primary.matching})`);
    assert.ok(near((await canvasAt(p, rx, ry, WHITE)).at, WHITE), '人民路 is drawn in the street colour');
    assert.equal((await canvasAt(p, 111.679, 29.019, WHITE)).at[3], 0, 'an empty block is bare land');

    // zoom in with the + button: landmarks get their names, still clear of each other
    assert.equal(await zoomIn(p), 14);
    assert.equal(await zoomIn(p), 15);
    const zoomed = await labelsShown(p, '.base-label');
    assert.ok(
      zoomed.labels.some((l) => l.kind === 'landmark' && l.text === '步行街'),
      `landmarks are named: ${zoomed.labels.map((l) => l.text).join(', ')}`,
    );
    assertReadable(zoomed);

    // in English, the same map speaks English
    await p.selectOption('select.lang-switch', 'en');
    await p.waitForFunction(() =>
      [...document.querySelectorAll('.base-label')].some((e) => e.textContent === 'Renmin Road'),
    );
    const english = await labelsShown(p, '.base-label');
    assert.ok(
      english.labels.every((l) => !/\p{Script=Han}/u.test(l.text)),
      `English names only: ${english.labels.map((l) => l.text).join(', ')}`,
    );
    assertReadable(english);
    await screenshot(p, 'map-base-demo-city-en');
    assert.deepEqual(outside, [], 'nothing is fetched from outside the gateway');
    assert.deepEqual(p.errors, []);
  });

  it('a city map that cannot be loaded gives way to the offline grid, with a notice', async () => {
    const cases: Array<[string, (r: Route) => Promise<void>]> = [
      ['missing', (r) => r.fulfill({ status: 404, contentType: 'application/json', body: '{}' })],
      [
        'not GeoJSON',
        (r) =>
          r.fulfill({ status: 200, contentType: 'application/geo+json', body: '{"type":"Point","coordinates":[1,2]}' }),
      ],
    ];
    for (const [name, answer] of cases) {
      await page?.context().close();
      const p = await newPage(browser, demo.base);
      page = p;
      await p.route('**/map/demo-city.geojson', answer);
      await loginAs(p, 'viewer1');
      await p.waitForSelector('.offline-notice', { timeout: 15_000 });
      assert.match((await p.textContent('.offline-notice')) ?? '', /离线网格/, name);
      await p.waitForSelector('.graticule-label-lng');
      assert.equal(await p.locator('.base-label').count(), 0, name);
      assert.equal(await p.evaluate(() => window.cloudeye!.base.offlineFallback), true, name);
      assert.deepEqual(p.errors, [], name);
    }
  });

  it('an offline MBTiles map is offered in the layer switcher (zh-CN/en) and its tiles are shown at their places', async () => {
    const p = await newPage(browser, both.base);
    page = p;
    await loginAs(p, 'viewer1');
    await p.locator('.base-label-road-primary > span').first().waitFor({ state: 'visible', timeout: 15_000 });
    await p.hover('.leaflet-control-layers');
    const names = await p.$$eval('.leaflet-control-layers-base label', (els) => els.map((e) => e.textContent?.trim()));
    assert.deepEqual(names, ['演示城市（常德）', '离线影像', '离线网格底图']);
    await p.click('.leaflet-control-layers-base label:has-text("离线影像")');
    await p.mouse.move(5, 5);
    await p.waitForSelector('.base-tiles-imagery img.leaflet-tile-loaded');
    await p.waitForFunction(
      () => document.querySelectorAll('.base-tiles-imagery img.leaflet-tile:not(.leaflet-tile-loaded)').length === 0,
    );
    assert.equal(await p.locator('.base-label').count(), 0, "the city's names went with the city");
    assert.match((await p.textContent('.leaflet-control-attribution')) ?? '', /Test survey/);

    // the tile under the map's centre is the file's tile for that place: colour by column and row
    const centre = await p.evaluate(() => {
      const map = window.cloudeye!.base.map;
      const m = map.getContainer().getBoundingClientRect();
      const c = map.latLngToContainerPoint(map.getCenter());
      const [x, y] = [m.left + c.x, m.top + c.y];
      const img = [...document.querySelectorAll<HTMLImageElement>('.base-tiles-imagery img.leaflet-tile-loaded')].find(
        (i) => {
          const r = i.getBoundingClientRect();
          return x >= r.left && x < r.right && y >= r.top && y < r.bottom;
        },
      );
      if (!img) return null;
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 256;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return {
        src: new URL(img.src).pathname,
        rgba: [...ctx.getImageData(128, 128, 1, 1).data],
        visible: img.getBoundingClientRect().width > 200,
      };
    });
    assert.ok(centre, 'a tile is shown under the centre');
    assert.equal(centre.src, `/api/v1/map/tiles/imagery/${ZOOM}/${centreTile.x}/${centreTile.y}`);
    assert.ok(near(centre.rgba, tileColour(3, 2), 2), `the centre tile has the colour stored for it: ${centre.rgba}`);
    assert.ok(centre.visible);
    await screenshot(p, 'map-base-mbtiles');

    await p.selectOption('select.lang-switch', 'en');
    await p.hover('.leaflet-control-layers');
    const english = await p.$$eval('.leaflet-control-layers-base label', (els) =>
      els.map((e) => e.textContent?.trim()),
    );
    assert.deepEqual(english, ['Demo city (Changde)', 'Offline imagery', 'Offline grid']);
    const checked = await p.$$eval('.leaflet-control-layers-base label', (els) =>
      els.filter((e) => e.querySelector('input')?.checked).map((e) => e.textContent?.trim()),
    );
    assert.deepEqual(checked, ['Offline imagery'], 'the chosen map stays chosen');
    await p.click('.leaflet-control-layers-base label:has-text("Demo city (Changde)")');
    await p.locator('.base-label-road-primary > span').first().waitFor({ state: 'visible' });
    const back = await labelsShown(p, '.base-label');
    const inEnglish =
      back.labels.filter((l) => l.kind.startsWith('road-')).length >= 3 &&
      back.labels.every((l) => !/\p{Script=Han}/u.test(l.text));
    assert.ok(inEnglish, `the city is back, in English: ${back.labels.map((l) => l.text).join(', ')}`);
    assert.deepEqual(p.errors, []);
  });

  it('the offline grid labels its lines along the edges: every label whole, none over another, each beside its line', async () => {
    const p = await newPage(browser, both.base);
    page = p;
    await loginAs(p, 'viewer1');
    await p.hover('.leaflet-control-layers');
    await p.click('.leaflet-control-layers-base label:has-text("离线网格底图")');
    await p.mouse.move(5, 5);
    for (const zoom of [13, 15, 17]) {
      while ((await p.evaluate(() => window.cloudeye!.base.map.getZoom())) < zoom) await zoomIn(p);
      await p.waitForSelector('.graticule-label-lng');
      const shown = await labelsShown(p, '.graticule-label');
      assert.ok(shown.labels.length >= 6, `zoom ${zoom}: the grid is labelled (${shown.labels.length})`);
      assertReadable(shown);
      // each longitude label starts just right of its meridian, each latitude label sits just above its parallel
      const offsets = await p.evaluate(() => {
        const map = window.cloudeye!.base.map;
        const m = map.getContainer().getBoundingClientRect();
        return [...document.querySelectorAll<HTMLElement>('.graticule-label')].map((el) => {
          const r = el.getBoundingClientRect();
          const v = Number(el.dataset.value);
          if (el.classList.contains('graticule-label-lng'))
            return r.left - (m.left + map.latLngToContainerPoint([map.getCenter().lat, v]).x);
          return m.top + map.latLngToContainerPoint([v, map.getCenter().lng]).y - r.bottom;
        });
      });
      assert.ok(
        offsets.every((d) => d >= 0 && d <= 4),
        `zoom ${zoom}: labels beside their lines (${offsets.map((d) => d.toFixed(1)).join(' ')})`,
      );
    }
    await screenshot(p, 'map-base-graticule');
    assert.deepEqual(p.errors, []);
  });
});
