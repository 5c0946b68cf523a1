// End-to-end: a host page on another origin (with its own, older Leaflet) drives the embedded widgets: two widgets with
// two tokens side by side, the map's methods in (flyTo, filter, select → the `selection` event out), playback at a
// time and PTZ as the token allows them (refused with a visible reason when not). Frames are compared with what the
// simulated camera drew.
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { startIntegratorApp, type IntegratorApp } from '../../sim/integrator-app';
import { buildSdk } from '../../scripts/build-sdk.mjs';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { endPage, launchBrowser, newPage } from './browser';
import { expectPaneShows, referenceFrame, type Rgb } from './frames';
import { CENTRE } from './seed';

const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };
type HostEvent = { ev: string; detail: Record<string, unknown> };

describe('web SDK (e2e): methods in, events out, two tokens, playback and PTZ as allowed', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let onvif: SimCameras;
  let app: IntegratorApp;
  let browser: Browser;
  let page: (Page & { errors: string[] }) | undefined;
  let key: string;
  let ref: Rgb;
  const cams = { road: '', school: '', dome: '' };

  before(async function () {
    this.timeout(180_000);
    await buildSdk();
    rtsp = await RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' });
    ref = await referenceFrame(rtsp.url(0, 'main'));
    t = await startTestGateway({ recording: { segmentSeconds: 2, planIntervalS: 0.5, retryS: 1 } });
    await t.addUser('sdkadmin2', 'admin', 'police');
    const admin = await t.login('sdkadmin2');
    const add = async (name: string, tag: string, east: number): Promise<string> => {
      const body = {
        name,
        mainUri: rtsp.url(0, 'main'),
        lng: CENTRE[0] + east,
        lat: CENTRE[1],
        tags: [tag],
        streams: { main: { codec: 'h264' } },
      };
      const r = await t.api('POST', '/api/v1/cameras', { token: admin, body });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    cams.road = await add('彩条路口', 'road', 0);
    cams.school = await add('彩条校门', 'school', 0.002);
    // a PTZ dome (a simulated ONVIF device; its picture the same colour bars), away from the others
    onvif = await startSimCameras({
      count: 1,
      codec: 'h264',
      username: 'admin',
      password: 'pw-dome',
      rtsp: false,
      vendorMix: ['hikvision'],
      perCamera: () => ({ ptz: true }),
    });
    const dome = onvif.cameras[0]!;
    const made = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: '彩条球机',
        source: 'onvif',
        xaddr: dome.xaddr,
        username: 'admin',
        password: 'pw-dome',
        mainUri: rtsp.url(0, 'main'),
        lng: CENTRE[0] + 0.01,
        lat: CENTRE[1],
        tags: ['dome'],
        streams: { main: { codec: 'h264' } },
        capabilities: { ptz: true, profileToken: dome.camera.vendor.profiles[0]![0], mediaService: 2 },
      },
    });
    assert.equal(made.status, 201, made.text);
    cams.dome = made.body.id;
    // the road camera records: its footage is what playback at a time shows
    const rec = t.gw.services.recordings;
    await rec.setPlan({ scope: 'camera', cameraId: cams.road, mode: 'continuous' }, SYSTEM);
    const pending = await startIntegratorApp({ gateway: t.base, apiKey: 'pending' });
    await pending.close();
    const k = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: {
        name: 'city-portal',
        scopes: ['view', 'spatial', 'events', 'playback'],
        embedActions: ['live', 'playback', 'ptz'],
        origins: [pending.origin],
      },
    });
    assert.equal(k.status, 201, k.text);
    key = k.body.key;
    // the host page brings its own, older Leaflet (1.7.1; the SDK bundles 1.9)
    app = await startIntegratorApp({
      gateway: t.base,
      apiKey: key,
      port: Number(new URL(pending.origin).port),
      leafletDir: path.resolve('test/fixtures/leaflet-1.7.1'),
    });
    browser = await launchBrowser();
    const iso = (ms: number) => new Date(ms).toISOString();
    await waitFor(
      async () => (await rec.footage.segments(cams.road, iso(Date.now() - 600_000), iso(Date.now()))).length >= 3,
      { what: 'footage of the road camera', timeoutMs: 40_000 },
    );
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
    await onvif?.close();
    await rtsp?.close();
  });
  afterEach(async function () {
    await endPage(this, 'sdk-methods', page);
    page = undefined;
  });

  const token = async (tags: string[], actions: string[] = ['live']): Promise<string> => {
    const r = await t.api('POST', '/api/v1/embed/tokens', {
      apiKey: key,
      body: { label: `用户 ${tags.join('+')}`, cameraScope: { tags }, actions, origins: [app.origin] },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.token;
  };
  const open = async (path: string): Promise<Page & { errors: string[] }> => {
    page = await newPage(browser, app.origin);
    await page.goto(path);
    return page;
  };
  const events = (p: Page): Promise<HostEvent[]> =>
    p.evaluate(() => (window as unknown as { hostEvents: HostEvent[] }).hostEvents);
  const errors = (p: Page): Promise<HostEvent[]> =>
    p.evaluate(() => (window as unknown as { hostErrors: HostEvent[] }).hostErrors);
  const markers = (p: Page, map: string): Promise<string[]> =>
    p.$$eval(`${map} .cam-marker`, (els) => els.map((e) => (e as HTMLElement).dataset.cameraId!).sort());
  const playing = (p: Page, el: string) =>
    p.waitForFunction(
      (sel) =>
        document.querySelector(sel)?.shadowRoot?.querySelector('.ce-status')?.getAttribute('data-state') === 'playing',
      el,
      { timeout: 30_000 },
    );

  it('two widgets with two different tokens on one page each show and play only their own cameras', async () => {
    const [a, b] = [await token(['road']), await token(['school'])];
    const p = await open(`/elements?token=${a}&camera=${cams.road}`);
    await p.waitForSelector('#map .cam-marker', { timeout: 20_000 });
    // the host adds a second map and player with its other token
    await p.evaluate(
      ([gw, tok, cam]) => {
        const map = document.createElement('cloudeye-map');
        map.id = 'map-b';
        map.setAttribute('player', 'player-b');
        const player = document.createElement('cloudeye-player');
        player.id = 'player-b';
        for (const el of [map, player]) {
          el.setAttribute('gateway', gw!);
          el.setAttribute('token', tok!);
          el.addEventListener('error', (e) =>
            (window as unknown as { hostErrors: unknown[] }).hostErrors.push({
              ev: 'error-b',
              detail: (e as unknown as CustomEvent).detail,
            }),
          );
        }
        player.setAttribute('camera', cam!);
        document.getElementById('slot')!.append(map, player);
      },
      [t.base, b, cams.school],
    );
    await p.waitForSelector('#map-b .cam-marker', { timeout: 20_000 });
    await Promise.all([playing(p, '#player'), playing(p, '#player-b')]);
    assert.deepEqual(await markers(p, '#map'), [cams.road]);
    assert.deepEqual(await markers(p, '#map-b'), [cams.school]);
    // each map's spatial answers are its token's, after the other token came
    const around = (el: string) =>
      p.evaluate(
        async ([sel, lng, lat]) =>
          (
            await (
              document.querySelector(sel as string) as unknown as {
                searchAround(a: number, b: number, r: number): Promise<Array<{ id: string }>>;
              }
            ).searchAround(lng as number, lat as number, 2000)
          ).map((c) => c.id),
        [el, ...CENTRE],
      );
    assert.deepEqual(await around('#map'), [cams.road]);
    assert.deepEqual(await around('#map-b'), [cams.school]);
    await expectPaneShows(p, '#player', ref, { samples: 3 });
    await expectPaneShows(p, '#player-b', ref, { samples: 3 });
    assert.deepEqual(await errors(p), []);
    // the host's own Leaflet 1.7.1 is still window.L, and its map still works beside the SDK's 1.9 maps
    const host = await p.evaluate(() => {
      const w = window as unknown as { L: { version: string }; hostMapAlive: boolean; sdkTookL: boolean };
      return { version: w.L.version, alive: w.hostMapAlive, took: w.sdkTookL };
    });
    assert.deepEqual(host, { version: '1.7.1', alive: true, took: false });
    // one realtime socket per token, and a live viewer per player
    await waitFor(() => t.gw.services.realtime.connections === 2, { what: 'two sockets', timeoutMs: 5000 });
    assert.equal(t.gw.services.live.stats().viewers, 2);
    // a click on token A's map plays in A's player only
    await p.click('#map .cam-marker');
    const clicks = (await events(p)).filter((e) => e.ev === 'camera-click').map((e) => e.detail.id);
    assert.deepEqual(clicks, [cams.road]);
  });

  it('methods in: flyTo moves the map, filter narrows and widens it; a drawn selection goes out as an event', async () => {
    const p = await open(`/elements?token=${await token(['road', 'school'])}`);
    await p.waitForSelector('#map .ce-status[data-state=ready]', { state: 'attached', timeout: 20_000 });
    const call = (method: string, ...args: unknown[]) =>
      p.evaluate(
        ([m, a]) =>
          (document.getElementById('map') as unknown as Record<string, (...x: unknown[]) => unknown>)[m as string]!(
            ...(a as unknown[]),
          ),
        [method, args] as const,
      );
    // fly to the road camera, close: its marker comes to the middle of the map
    await call('flyTo', CENTRE[0], CENTRE[1], 18);
    const centred = async (): Promise<boolean> =>
      p.evaluate((id) => {
        const map = document.getElementById('map')!;
        const m = map.shadowRoot!.querySelector(`.cam-marker[data-camera-id="${id}"]`);
        if (!m) return false;
        const a = m.getBoundingClientRect();
        const b = map.getBoundingClientRect();
        const dx = a.left + a.width / 2 - (b.left + b.width / 2);
        const dy = a.top + a.height / 2 - (b.top + b.height / 2);
        return Math.abs(dx) < 20 && Math.abs(dy) < 30;
      }, cams.road);
    await waitFor(centred, { what: 'the road camera in the middle after flyTo', timeoutMs: 10_000 });
    // between the two at zoom 17: both shown; a filter by tag leaves one; an empty filter brings both back
    await call('flyTo', CENTRE[0] + 0.001, CENTRE[1], 17);
    const shows = (want: string[]) =>
      waitFor(async () => JSON.stringify(await markers(p, '#map')) === JSON.stringify([...want].sort()), {
        what: `markers ${want.join(',')}`,
        timeoutMs: 10_000,
      });
    await shows([cams.road, cams.school]);
    await call('filter', { tag: 'school' });
    await shows([cams.school]);
    await call('filter', {});
    await shows([cams.road, cams.school]);
    // select('circle'): the user clicks a centre beside the road camera and an edge 80 px away
    const box = (await p.$(`#map .cam-marker[data-camera-id="${cams.road}"]`))!;
    const at = (await box.boundingBox())!;
    const selected = p.evaluate(() =>
      (document.getElementById('map') as unknown as { select(k: string): Promise<Array<{ id: string }>> }).select(
        'circle',
      ),
    );
    await p.waitForTimeout(200);
    const cx = at.x + at.width / 2 + 20;
    const cy = at.y + at.height / 2 + 20;
    await p.mouse.click(cx, cy);
    await p.mouse.click(cx + 80, cy);
    assert.deepEqual(
      (await selected).map((c) => c.id),
      [cams.road],
    );
    const sel = (await events(p)).filter((e) => e.ev === 'selection');
    assert.equal(sel.length, 1);
    assert.deepEqual(
      (sel[0]!.detail.cameras as Array<{ id: string }>).map((c) => c.id),
      [cams.road],
    );
    assert.equal((sel[0]!.detail.shape as { kind: string }).kind, 'circle');
  });

  it('plays recorded footage at a time when the token allows playback: the frames are what the camera drew', async () => {
    const p = await open(`/elements?token=${await token(['road'], ['live', 'playback'])}`);
    await p.waitForSelector('#player', { state: 'attached' });
    await p.waitForFunction(() => !!document.getElementById('player')?.shadowRoot?.querySelector('video'));
    const at = Date.now() - 5000;
    await p.evaluate(
      ([id, when]) =>
        (document.getElementById('player') as unknown as { playAt(c: string, t: number): Promise<void> }).playAt(
          id as string,
          when as number,
        ),
      [cams.road, at] as const,
    );
    await waitFor(
      async () => (await events(p)).some((e) => e.detail.state === 'playing' && e.detail.transport === 'playback'),
      { what: 'playback playing', timeoutMs: 20_000 },
    );
    await expectPaneShows(p, '#player', ref, { samples: 3 });
    assert.deepEqual(await errors(p), []);
  });

  it('refuses playback at a time and hides PTZ for a token without them, saying why', async () => {
    const p = await open(`/elements?token=${await token(['road'])}&camera=${cams.road}`);
    await playing(p, '#player');
    assert.equal(await p.isVisible('#player .ce-ptz'), false, 'no PTZ pad without the ptz action');
    await p.evaluate(
      (id) =>
        (document.getElementById('player') as unknown as { playAt(c: string, t: number): Promise<void> }).playAt(
          id,
          Date.now() - 5000,
        ),
      cams.road,
    );
    await p.waitForSelector('#player .ce-status[data-reason=forbidden]');
    assert.equal(await p.textContent('#player .ce-status'), '无权执行此操作');
    // (read in the page: an Error's own fields do not cross into the test)
    const why = await p.evaluate(() =>
      (window as unknown as { hostErrors: Array<{ detail: { reason: string } }> }).hostErrors.map(
        (e) => e.detail.reason,
      ),
    );
    assert.deepEqual(why, ['forbidden']);
  });

  it("moves a PTZ camera from the player's pad when the token allows PTZ", async () => {
    const p = await open(`/elements?token=${await token(['dome'], ['live', 'ptz'])}&camera=${cams.dome}`);
    await playing(p, '#player');
    await expectPaneShows(p, '#player', ref, { samples: 2 });
    const right = '#player .ce-ptz button.ce-ptz-right';
    await p.waitForSelector(right, { state: 'visible' });
    const head = onvif.cameras[0]!.camera;
    const box = (await (await p.$(right))!.boundingBox())!;
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.mouse.down();
    await p.waitForTimeout(1000);
    await p.mouse.up();
    await waitFor(() => head.ptzStatus().x > 0.02 && !head.ptzStatus().moving, {
      what: `the dome panned right and stopped (${JSON.stringify(head.ptzStatus())}, calls ${head.ptzLog.join(',')})`,
      timeoutMs: 10_000,
    });
    assert.deepEqual(await errors(p), []);
  });
});
