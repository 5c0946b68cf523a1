// End-to-end: the HLS fallback shows what the camera drew: forced by the integrators' switch, after a refused WebSocket, after an MSE decode error.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { clickPlay, expectMoving, expectPaneShows, referenceFrame, waitMoving, type Rgb } from './frames';
import { offset } from './seed';

/** Stream token lifetime in this file, seconds. */
const TOKEN_TTL_S = 30;

describe('console video frames over HLS (e2e): the fallback shows what the camera drew', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let sim264: RtspProcess;
  let sim265: RtspProcess;
  const refs = new Map<string, Rgb>();
  const ids: Record<'h264' | 'h265', string> = { h264: '', h265: '' };
  let browser: Browser;
  let page: Page | undefined;

  before(async function () {
    this.timeout(120_000);
    [sim264, sim265] = await Promise.all([
      RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' }),
      RtspProcess.start({ count: 1, codec: 'h265', pattern: 'bars' }),
    ]);
    refs.set('h264', await referenceFrame(sim264.url(0, 'main')));
    refs.set('h265', await referenceFrame(sim265.url(0, 'main')));
    // short stream tokens: the console renews its grant every 10 s (the last test plays beyond the first token's life)
    tg = await startTestGateway({ transcoder: { maxTranscodes: 4 }, security: { streamTokenTtlS: TOKEN_TTL_S } });
    await tg.addUser('hadmin', 'admin', 'police');
    await tg.addUser('hview', 'viewer', 'police');
    const admin = await tg.login('hadmin');
    for (const [i, [g, sim]] of (
      [
        ['h264', sim264],
        ['h265', sim265],
      ] as const
    ).entries()) {
      const [lng, lat] = offset(-200 + i * 400, 200);
      const r = await tg.api('POST', '/api/v1/cameras', {
        token: admin,
        body: {
          name: `彩条回退-${g}`,
          mainUri: sim.url(0, 'main'),
          subUri: sim.url(0, 'sub'),
          streams: { main: { codec: g }, sub: { codec: g } },
          lng,
          lat,
        },
      });
      assert.equal(r.status, 201, r.text);
      ids[g] = r.body.id;
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await Promise.all([sim264?.close(), sim265?.close()]);
  });

  afterEach(async function () {
    await endPage(this, 'video-frames-hls', page);
    page = undefined;
  });

  it("an integrator's switch (localStorage cloudeye.transport = hls): LL-HLS through hls.js, no WebSocket, the bars the camera drew", async () => {
    page = await newPage(browser, tg.base);
    await page.addInitScript(() => localStorage.setItem('cloudeye.transport', 'hls'));
    const sockets: string[] = [];
    page.on('websocket', (ws) => {
      if (ws.url().includes('/live/')) sockets.push(ws.url());
    });
    await loginAs(page, 'hview');
    const { pane } = await clickPlay(page, '彩条回退-h264', ids.h264);
    await page.waitForSelector(`${pane}[data-transport=ll-hls]`, { timeout: 10_000 });
    await expectPaneShows(page, pane, refs.get('h264')!);
    await expectMoving(page, pane);
    assert.deepEqual(sockets, [], 'no live WebSocket was opened');
  });

  it('the WebSocket refused (tampered token: 401 at upgrade): the pane falls back to HLS on its own, the H.265 camera as H.264', async () => {
    page = await newPage(browser, tg.base);
    // the grant's live path carries a broken token; the playlist URL stays as the gateway made it
    await page.route(`**/api/v1/cameras/${ids.h265}/streams`, async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { live?: string };
      if (body.live)
        body.live = body.live.replace(/^\/live\/([^/]+)\//, (_m, tok: string) => `/live/${tok.slice(0, -4)}AAAA/`);
      await route.fulfill({ response: res, json: body });
    });
    const refused: string[] = [];
    page.on('websocket', (ws) => ws.on('close', () => refused.push(ws.url())));
    await loginAs(page, 'hview');
    const { pane } = await clickPlay(page, '彩条回退-h265', ids.h265);
    await page.waitForSelector(`${pane}[data-transport$=hls][data-state=live]`, { timeout: 30_000 });
    assert.match((await page.getAttribute(pane, 'data-transport')) ?? '', /^(ll-)?hls$/, 'played through HLS');
    assert.equal(refused.length, 1, 'one WebSocket tried and closed');
    const why = (await page.getAttribute(`${pane} .pane-transport`, 'title')) ?? '';
    assert.match(why, /HLS/, `the pane says why it plays HLS: ${why}`);
    await expectPaneShows(page, pane, refs.get('h265')!);
  });

  it('a decode error in MSE (garbage appended once): the pane falls back to HLS without a click and shows the bars', async () => {
    page = await newPage(browser, tg.base);
    // the third append of the page (the second fragment of the WebSocket stream) is replaced by a broken box
    await page.addInitScript(() => {
      const append = SourceBuffer.prototype.appendBuffer;
      let n = 0;
      SourceBuffer.prototype.appendBuffer = function (data: BufferSource) {
        n++;
        return append.call(this, n === 3 ? new Uint8Array([0, 0, 0, 3, 0x6d, 0x6f, 0x6f, 0x66, 1, 2, 3, 4]) : data);
      };
    });
    await loginAs(page, 'hview');
    const { pane } = await clickPlay(page, '彩条回退-h264', ids.h264);
    await page.waitForSelector(`${pane}[data-transport$=hls][data-state=live]`, { timeout: 30_000 });
    assert.match((await page.getAttribute(pane, 'data-transport')) ?? '', /^(ll-)?hls$/, 'fell back to HLS');
    const why = (await page.getAttribute(`${pane} .pane-transport`, 'title')) ?? '';
    assert.match(why, /decode/, `the pane names the decode error: ${why}`);
    await expectPaneShows(page, pane, refs.get('h264')!);
  });

  it('an HLS pane plays beyond its first token: the grant is renewed (same session) and hls.js asks with the new token', async function () {
    this.timeout(90_000);
    page = await newPage(browser, tg.base);
    await page.addInitScript(() => localStorage.setItem('cloudeye.transport', 'hls'));
    const renewals: string[] = [];
    page.on('request', (r) => {
      if (
        r.method() === 'POST' &&
        r.url().endsWith(`/cameras/${ids.h264}/streams`) &&
        /sessionId/.test(r.postData() ?? '')
      )
        renewals.push(r.postData() ?? '');
    });
    const hls: Array<{ at: number; token: string; status: number }> = [];
    page.on('response', (r) => {
      const m = /\/hls\/([^/]+)\//.exec(r.url());
      if (m) hls.push({ at: Date.now(), token: m[1]!, status: r.status() });
    });
    await loginAs(page, 'hview');
    const { pane, grant } = await clickPlay(page, '彩条回退-h264', ids.h264);
    const first = /\/hls\/([^/]+)\//.exec(grant.url)?.[1];
    const expired = Date.now() + TOKEN_TTL_S * 1000;
    await page.waitForTimeout(expired - Date.now() + 4000);
    // still playing past the first token (HLS on a loaded machine may stall a moment: a second of video within 10 s)
    await waitMoving(page, pane, 10_000);
    assert.equal(await page.getAttribute(pane, 'data-state'), 'live');
    assert.ok(renewals.length >= 2, `renewed with the session id: ${renewals.length} times`);
    const late = hls.filter((h) => h.at > expired);
    assert.ok(late.length > 0, 'hls.js kept loading after the first token expired');
    assert.ok(
      late.every((h) => h.token !== first),
      'after the first token expired, every request carries a renewed one',
    );
    assert.deepEqual(
      hls.filter((h) => h.status >= 400).map((h) => `${h.status} ${h.token.slice(0, 8)}`),
      [],
      'no refused HLS request',
    );
  });
});
