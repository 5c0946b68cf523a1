// End-to-end: what Chromium decodes through MSE over the WebSocket is what the simulated camera drew, one pane and 9-pane walls.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay, expectPaneShows, referenceFrame, type Rgb, type SeenGrant } from './frames';
import { offset } from './seed';

type Group = 'h264' | 'h265';

describe('console video frames (e2e): what the camera drew is what the pane shows', function () {
  this.timeout(120_000);
  let tg: TestGateway;
  const sims: Partial<Record<Group | 'split', RtspProcess>> = {};
  const refs = new Map<string, Rgb>();
  const ids: Record<Group | 'split', string[]> = { h264: [], h265: [], split: [] };
  const places: Record<Group, string> = { h264: '彩条广场-264', h265: '彩条广场-265' };
  let browser: Browser;
  let page: Page | undefined;

  before(async function () {
    this.timeout(180_000);
    // colour bars at the demo's size (sub 320×180): x264 makes two slices a frame at both sizes
    const [a, b, c] = await Promise.all([
      RtspProcess.start({ count: 9, codec: 'h264', pattern: 'bars' }),
      RtspProcess.start({ count: 9, codec: 'h265', pattern: 'bars' }),
      RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars', repeatParameterSets: true }),
    ]);
    Object.assign(sims, { h264: a, h265: b, split: c });
    for (const g of ['h264', 'h265'] as const)
      for (const p of ['main', 'sub'] as const) refs.set(`${g}.${p}`, await referenceFrame(sims[g]!.url(0, p)));
    tg = await startTestGateway({ transcoder: { maxTranscodes: 10 } });
    await tg.addUser('fadmin', 'admin', 'police');
    await tg.addUser('fview', 'viewer', 'police');
    await tg.addUser('fcity', 'admin', null);
    const admin = await tg.login('fadmin');
    const city = await tg.login('fcity');
    for (const [gi, g] of (['h264', 'h265'] as const).entries()) {
      const east = gi === 0 ? -3000 : 3000;
      const [x0, y0] = offset(east - 150, -150);
      const [x1, y1] = offset(east + 150, 150);
      const geometry = {
        type: 'Polygon',
        coordinates: [
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ],
        ],
      };
      const place = await tg.api('POST', '/api/v1/grids', {
        token: city,
        body: { name: places[g], kind: 'place', geometry },
      });
      assert.equal(place.status, 201, place.text);
      for (let i = 0; i < 9; i++) {
        const [lng, lat] = offset(east - 60 + (i % 3) * 60, -60 + Math.floor(i / 3) * 60);
        const r = await tg.api('POST', '/api/v1/cameras', {
          token: admin,
          body: {
            name: `彩条-${g}-${i}`,
            mainUri: sims[g]!.url(i, 'main'),
            subUri: sims[g]!.url(i, 'sub'),
            streams: { main: { codec: g }, sub: { codec: g } },
            lng,
            lat,
          },
        });
        assert.equal(r.status, 201, r.text);
        ids[g].push(r.body.id);
      }
    }
    const [lng, lat] = offset(0, 3000);
    const r = await tg.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: '彩条-重复参数集',
        mainUri: sims.split!.url(0, 'main'),
        subUri: sims.split!.url(0, 'sub'),
        streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
        lng,
        lat,
      },
    });
    assert.equal(r.status, 201, r.text);
    ids.split.push(r.body.id);
    await tg.gw.reload();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await Promise.all(Object.values(sims).map((s) => s?.close()));
  });

  afterEach(async function () {
    await endPage(this, 'video-frames', page);
    page = undefined;
  });

  /** Clicks the camera's marker and Play, as a person does; resolves with the pane once it plays through MSE. */
  async function playOne(name: string, id: string): Promise<{ pane: string; grant: SeenGrant }> {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'fview');
    const played = await clickPlay(page, name, id);
    assert.equal(
      await page.getAttribute(played.pane, 'data-transport'),
      'mse',
      'played through MSE over the WebSocket',
    );
    return played;
  }

  /** Picks the key place in incident mode and clicks "play all": nine panes of sub streams. */
  async function playWall(g: Group): Promise<void> {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'fview');
    await page.click('.tab[data-tab=incident]');
    await page.fill('.incident-panel input[name=radius]', '300');
    await page.waitForSelector('.incident-panel select[name=place] option:nth-child(2)', { state: 'attached' });
    const value = await page.$eval(
      '.incident-panel select[name=place]',
      (s, name) => [...(s as HTMLSelectElement).options].find((o) => o.textContent?.startsWith(name))?.value ?? '',
      places[g],
    );
    await page.selectOption('.incident-panel select[name=place]', value);
    await page.waitForSelector('.incident-results .hit');
    await page.click('.incident-results .play-all');
    await page.waitForSelector('.wall-grid.layout-9');
    const shown = await page.$$eval('.video-wall .pane', (els) =>
      els.map((e) => (e as HTMLElement).dataset.cameraId ?? ''),
    );
    assert.deepEqual([...shown].sort(), [...ids[g]].sort(), 'the nine cameras of the place on the wall');
    for (const id of ids[g])
      await page.waitForSelector(`.video-wall .pane[data-camera-id="${id}"][data-state=live]`, { timeout: 60_000 });
    const transports = await page.$$eval('.video-wall .pane', (els) =>
      els.map((e) => (e as HTMLElement).dataset.transport),
    );
    assert.deepEqual(transports, Array(9).fill('mse'), 'every pane plays through MSE');
  }

  it('one pane through MSE, H.264 copied: every probe of ten frames over 5 s shows the colour the camera drew', async () => {
    const { pane, grant } = await playOne('彩条-h264-0', ids.h264[0]!);
    assert.deepEqual([grant.codec, grant.transcoded], ['h264', false], 'copied, not transcoded');
    await expectPaneShows(page!, pane, refs.get('h264.main')!);
  });

  it('one pane through MSE, H.265 → H.264 for a browser without H.265: the pane shows what the camera drew', async () => {
    const { pane, grant } = await playOne('彩条-h265-0', ids.h265[0]!);
    assert.equal(
      await page!.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="hvc1.1.6.L93.B0"')),
      false,
      'this Chromium has no H.265 in MSE: the console asks for H.264',
    );
    assert.deepEqual([grant.codec, grant.transcoded], ['h264', true], 'transcoded once for this browser');
    await expectPaneShows(page!, pane, refs.get('h265.main')!);
  });

  it('one pane of a camera that sends parameter sets before every slice: pictures are not split, the pane shows the bars', async () => {
    const { pane } = await playOne('彩条-重复参数集', ids.split[0]!);
    await expectPaneShows(page!, pane, refs.get('h264.main')!);
  });

  for (const g of ['h264', 'h265'] as const) {
    it(`a full wall of 9 ${g === 'h264' ? 'H.264 copied' : 'H.265 transcoded'} cameras: every pane shows what its camera drew`, async () => {
      await playWall(g);
      for (const id of ids[g])
        await expectPaneShows(page!, `.video-wall .pane[data-camera-id="${id}"]`, refs.get(`${g}.sub`)!, {
          samples: 3,
          everyMs: 400,
        });
    });
  }
});
