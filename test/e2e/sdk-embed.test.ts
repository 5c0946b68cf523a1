// End-to-end: an integrator's page on another origin embeds Cloud Eye's map and player: the player shows what the camera
// drew, the map only the token's cameras; refused tokens and origins say why; 100 mounts leave nothing open.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startIntegratorApp, type IntegratorApp } from '../../sim/integrator-app';
import { buildSdk } from '../../scripts/build-sdk.mjs';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { endPage, launchBrowser, newPage } from './browser';
import { expectPaneShows, referenceFrame, type Rgb } from './frames';
import { CENTRE } from './seed';

describe('web SDK (e2e): a host page on another origin embeds the map and the player', function () {
  this.timeout(240_000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let app: IntegratorApp;
  let other: IntegratorApp;
  let browser: Browser;
  let page: (Page & { errors: string[] }) | undefined;
  let key: string;
  let ref: Rgb;
  const cams = { road: '', school: '' };

  before(async function () {
    this.timeout(180_000);
    await buildSdk();
    rtsp = await RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' });
    ref = await referenceFrame(rtsp.url(0, 'main'));
    t = await startTestGateway();
    await t.addUser('sdkadmin', 'admin', 'police');
    const admin = await t.login('sdkadmin');
    const add = async (name: string, tags: string[], east: number, uri: string): Promise<string> => {
      const body = {
        name,
        mainUri: uri,
        lng: CENTRE[0] + east,
        lat: CENTRE[1],
        tags,
        streams: { main: { codec: 'h264' } },
      };
      const r = await t.api('POST', '/api/v1/cameras', { token: admin, body });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    cams.road = await add('彩条路口', ['road'], 0, rtsp.url(0, 'main'));
    cams.school = await add('学校大门', ['school'], 0.002, 'rtsp://127.0.0.1:9/school');
    // two integrator origins: the key allows both, the tokens of the main app only its own
    app = await startIntegratorApp({ gateway: t.base, apiKey: 'pending' });
    other = await startIntegratorApp({ gateway: t.base, apiKey: 'pending' });
    await app.close();
    await other.close();
    const ports = [app, other].map((a) => Number(new URL(a.origin).port));
    const k = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: {
        name: 'grid-portal',
        cameraScope: { tags: ['road', 'school'] },
        embedActions: ['live'],
        origins: ports.map((p) => `http://127.0.0.1:${p}`),
      },
    });
    assert.equal(k.status, 201, k.text);
    key = k.body.key;
    app = await startIntegratorApp({ gateway: t.base, apiKey: key, port: ports[0]! });
    other = await startIntegratorApp({ gateway: t.base, apiKey: key, port: ports[1]! });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await other?.close();
    await t?.close();
    await rtsp?.close();
  });
  afterEach(async function () {
    await endPage(this, 'sdk-embed', page);
    page = undefined;
  });

  /** A token for the main app's origin only, narrowed to road cameras. */
  const token = async (extra: Record<string, unknown> = {}): Promise<{ token: string; id: number }> => {
    const r = await t.api('POST', '/api/v1/embed/tokens', {
      apiKey: key,
      body: { label: '网格员 王五', cameraScope: { tags: ['road'] }, origins: [app.origin], ...extra },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  const open = async (origin: string, path: string): Promise<Page & { errors: string[] }> => {
    page = await newPage(browser, origin);
    await page.goto(path);
    return page;
  };

  it('plays the camera in the embedded player: the decoded frames are what the camera drew', async () => {
    const { token: tok } = await token();
    const p = await open(app.origin, `/elements?token=${tok}&camera=${cams.road}`);
    await p.waitForFunction(
      () =>
        (window as unknown as { hostEvents: Array<{ detail: { state: string } }> }).hostEvents.some(
          (e) => e.detail.state === 'playing',
        ),
      null,
      { timeout: 20_000 },
    );
    await expectPaneShows(p, 'cloudeye-player', ref, { samples: 5 });
    // the host's CSS hides every <video> of its own and paints Leaflet magenta: not inside the widgets
    const look = await p.$eval('cloudeye-player video', (v) => getComputedStyle(v).display);
    assert.notEqual(look, 'none');
    const bg = await p.$eval('cloudeye-map .leaflet-container', (m) => getComputedStyle(m).backgroundColor);
    assert.notEqual(bg, 'rgb(255, 0, 255)');
    // the widgets' own rules do not reach the page
    assert.equal(await p.$eval('body', (b) => getComputedStyle(b).fontFamily), 'serif');
    // the host's Leaflet is still window.L, and its map works
    assert.equal(await p.evaluate(() => (window as unknown as { hostMapAlive: boolean }).hostMapAlive), true);
    assert.equal(await p.evaluate(() => (window as unknown as { sdkTookL: boolean }).sdkTookL), false);
    assert.deepEqual(p.errors, []);
  });

  it('loads the HLS fallback only for a player that needs it, and plays through it', async () => {
    type Ev = { ev: string; detail: { state?: string; transport?: string } };
    const played = (p: Page) =>
      p.waitForFunction(
        () => (window as unknown as { hostEvents: Ev[] }).hostEvents.some((e) => e.detail.state === 'playing'),
        null,
        { timeout: 30_000 },
      );
    const hlsLoaded = (p: Page) =>
      p.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('cloudeye-hls.mjs')));
    const mse = await open(app.origin, `/elements?token=${(await token()).token}&camera=${cams.road}`);
    await played(mse);
    assert.equal(await hlsLoaded(mse), false);
    await mse.context().close();
    // the console's own switch forces HLS (?transport=hls): the fallback bundle is fetched from the gateway
    const hls = await open(app.origin, `/elements?token=${(await token()).token}&camera=${cams.road}&transport=hls`);
    await played(hls);
    assert.equal(await hlsLoaded(hls), true);
    const transports = await hls.evaluate(() =>
      (window as unknown as { hostEvents: Ev[] }).hostEvents
        .filter((e) => e.detail.state === 'playing')
        .map((e) => e.detail.transport),
    );
    assert.match(String(transports[0]), /HLS/);
    await expectPaneShows(hls, 'cloudeye-player', ref, { samples: 3 });
  });

  it("shows only the token's cameras on the map, and plays a clicked one", async () => {
    const { token: tok } = await token();
    const p = await open(app.origin, `/elements?token=${tok}`);
    await p.waitForSelector('cloudeye-map .cam-marker', { timeout: 20_000 });
    const shown = await p.$$eval('cloudeye-map .cam-marker', (els) =>
      els.map((e) => (e as HTMLElement).dataset.cameraId),
    );
    assert.deepEqual(shown, [cams.road]);
    await p.click('cloudeye-map .cam-marker');
    await p.waitForFunction(
      (id) =>
        (
          window as unknown as { hostEvents: Array<{ ev: string; detail: { id?: string; state?: string } }> }
        ).hostEvents.some((e) => e.ev === 'stream-state' && e.detail.state === 'playing') && id !== '',
      cams.road,
      { timeout: 20_000 },
    );
    const clicks = await p.evaluate(() =>
      (window as unknown as { hostEvents: Array<{ ev: string; detail: { id?: string } }> }).hostEvents
        .filter((e) => e.ev === 'camera-click')
        .map((e) => e.detail.id),
    );
    assert.deepEqual(clicks, [cams.road]);
  });

  for (const why of ['expired', 'revoked'] as const)
    it(`${why === 'expired' ? 'an' : 'a'} ${why} token: the widget says why and the host's error callback fires`, async () => {
      const { token: tok, id } = await token();
      if (why === 'revoked') await t.api('DELETE', `/api/v1/embed/tokens/${id}`, { apiKey: key });
      else
        await t.gw.db
          .knex('embed_tokens')
          .where({ id })
          .update({ expires_at: new Date(Date.now() - 1000) });
      await new Promise((r) => setTimeout(r, 2100));
      const p = await open(app.origin, `/module?token=${tok}`);
      await p.waitForSelector(`#map .ce-status[data-reason="${why}"]`, { timeout: 15_000 });
      const text = await p.$eval('#map .ce-status', (e) => e.textContent);
      assert.equal(text, why === 'expired' ? '访问令牌已过期' : '访问令牌已被撤销');
      const errors = await p.evaluate(
        () => (window as unknown as { hostErrors: Array<{ reason: string }> }).hostErrors,
      );
      assert.ok(
        errors.some((e) => e.reason === why),
        JSON.stringify(errors),
      );
    });

  it('refuses the token on another origin, and the iframe there', async () => {
    const { token: tok } = await token();
    const p = await open(other.origin, `/module?token=${tok}`);
    await p.waitForSelector('#map .ce-status[data-reason="origin"]', { timeout: 15_000 });
    const errors = await p.evaluate(() => (window as unknown as { hostErrors: Array<{ reason: string }> }).hostErrors);
    assert.ok(errors.some((e) => e.reason === 'origin'));
    // framed by a page of an origin the token does not name: the browser refuses the frame
    await p.goto(`/iframe?token=${tok}`);
    await p.waitForTimeout(2000);
    const frame = p.frames().find((f) => f.url().includes('/embed/map'));
    const mounted = frame ? await frame.$('cloudeye-map').catch(() => null) : null;
    assert.equal(mounted, null);
  });

  it("drives the iframe map through postMessage from the token's origin", async () => {
    const { token: tok } = await token();
    const p = await open(app.origin, `/iframe?token=${tok}`);
    type Msg = { event: string; detail: { id?: number; result?: unknown } };
    const messages = () => p.evaluate(() => (window as unknown as { frameMessages: Msg[] }).frameMessages);
    await waitFor(async () => (await messages()).some((m) => m.event === 'ready'), {
      what: 'ready',
      timeoutMs: 15_000,
    });
    await p.waitForTimeout(1000);
    await p.evaluate(
      ([lng, lat]) => (window as unknown as { call: (...a: unknown[]) => void }).call('searchAround', lng, lat, 1000),
      CENTRE,
    );
    const result = await waitFor(async () => (await messages()).find((m) => m.event === 'result'), {
      what: 'result',
      timeoutMs: 10_000,
    });
    const found = result.detail.result as Array<{ id: string }>;
    assert.deepEqual(
      found.map((c) => c.id),
      [cams.road],
    );
  });

  it('runs the live example of the documentation page at /sdk/ with a pasted token', async () => {
    const { token: tok } = await token({ origins: [app.origin] });
    const p = await open(t.base, '/sdk/');
    await p.fill('input[name=token]', tok);
    await p.click('#go button');
    await p.waitForSelector('#demo cloudeye-map .cam-marker', { timeout: 20_000 });
    await p.click('#demo cloudeye-map .cam-marker');
    await p.waitForFunction(
      () => /stream-state .*"playing"/.test(document.getElementById('log')!.textContent ?? ''),
      null,
      {
        timeout: 20_000,
      },
    );
    assert.match(await p.$eval('#log', (e) => e.textContent ?? ''), new RegExp(`camera-click \\{"id":"${cams.road}"`));
  });

  it('100 mount/unmount cycles of a map and a player leave no live viewer or socket open', async () => {
    const { token: tok } = await token({ ttlS: 3600 });
    const p = await open(app.origin, `/cycles?token=${tok}`);
    await p.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    // what was open at most while the widgets came and went (polled on the server)
    const most = { viewers: 0, sockets: 0 };
    const poll = setInterval(() => {
      most.viewers = Math.max(most.viewers, t.gw.services.live.stats().viewers);
      most.sockets = Math.max(most.sockets, t.gw.services.realtime.connections);
    }, 10);
    // every 10th mount plays before it is removed; the others are removed while starting
    await p.evaluate(
      (camera) =>
        (window as unknown as { cycle: (c: string, n: number, w: (i: number) => boolean) => Promise<void> }).cycle(
          camera,
          100,
          (i) => i % 10 === 0,
        ),
      cams.road,
    );
    clearInterval(poll);
    assert.ok(most.viewers >= 1 && most.sockets >= 1, JSON.stringify(most));
    await waitFor(() => t.gw.services.live.stats().viewers === 0, { what: 'no live viewers', timeoutMs: 10_000 });
    await waitFor(() => t.gw.services.realtime.connections === 0, { what: 'no sockets', timeoutMs: 10_000 });
    const opened = await t.gw.db
      .knex('audit_log')
      .where({ action: 'stream.open', actor_type: 'embed' })
      .count('* as n');
    assert.ok(Number(opened[0]!.n) >= 10);
  });
});
