// End-to-end: the SDK's small wall on a host page of another origin: <cloudeye-wall cameras="…"> plays each camera in
// its pane (frames compared with what each simulated camera drew), a camera clicked on <cloudeye-map player="wall">
// plays in the selected pane, a smaller layout stops the panes it drops; and an event of a camera the token sees
// reaches the host page as `alarm` (one of a camera it does not see does not).
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

type HostEvent = { ev: string; detail: Record<string, unknown> };

describe('web SDK (e2e): the small wall, and alarms out', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let sims: RtspProcess[];
  let app: IntegratorApp;
  let browser: Browser;
  let page: (Page & { errors: string[] }) | undefined;
  let key: string;
  const refs: Rgb[] = [];
  const cams = { bars: '', bars100: '', hidden: '' };

  before(async function () {
    this.timeout(180_000);
    await buildSdk();
    sims = await Promise.all([
      RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' }),
      RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars100' }),
    ]);
    for (const s of sims) refs.push(await referenceFrame(s.url(0, 'main')));
    t = await startTestGateway();
    await t.addUser('wallsdkadmin', 'admin', 'police');
    const admin = await t.login('wallsdkadmin');
    const add = async (name: string, sim: RtspProcess, tag: string, east: number): Promise<string> => {
      const body = {
        name,
        mainUri: sim.url(0, 'main'),
        lng: CENTRE[0] + east,
        lat: CENTRE[1],
        tags: [tag],
        streams: { main: { codec: 'h264' } },
      };
      const r = await t.api('POST', '/api/v1/cameras', { token: admin, body });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    cams.bars = await add('彩条一', sims[0]!, 'wall', 0);
    cams.bars100 = await add('彩条二', sims[1]!, 'wall', 0.03);
    cams.hidden = await add('不可见', sims[0]!, 'other', 0.06);
    const pending = await startIntegratorApp({ gateway: t.base, apiKey: 'pending' });
    await pending.close();
    const k = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: {
        name: 'wall-portal',
        scopes: ['view', 'spatial', 'events'],
        embedActions: ['live'],
        origins: [pending.origin],
      },
    });
    assert.equal(k.status, 201, k.text);
    key = k.body.key;
    app = await startIntegratorApp({ gateway: t.base, apiKey: key, port: Number(new URL(pending.origin).port) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await t?.close();
    await Promise.all((sims ?? []).map((s) => s.close()));
  });
  afterEach(async function () {
    await endPage(this, 'sdk-wall', page);
    page = undefined;
  });

  const token = async (): Promise<string> => {
    const r = await t.api('POST', '/api/v1/embed/tokens', {
      apiKey: key,
      body: { label: '值班员 王', cameraScope: { tags: ['wall'] }, actions: ['live'], origins: [app.origin] },
    });
    assert.equal(r.status, 201, r.text);
    return r.body.token;
  };
  const events = (p: Page): Promise<HostEvent[]> =>
    p.evaluate(() => (window as unknown as { hostEvents: HostEvent[] }).hostEvents);
  const paneState = (p: Page, i: number): Promise<string | null> =>
    p.$eval(`#wall [data-pane="${i}"] .ce-status`, (el) => el.getAttribute('data-state')).catch(() => null);
  const open = async (query: string): Promise<Page & { errors: string[] }> => {
    page = await newPage(browser, app.origin);
    await page.goto(`/wall?token=${await token()}&${query}`);
    return page;
  };

  it('plays each camera of the wall in its own pane; a camera clicked on the map plays in the selected pane', async () => {
    const p = await open(`cameras=${cams.bars},${cams.bars100}`);
    await waitFor(async () => (await paneState(p, 0)) === 'playing' && (await paneState(p, 1)) === 'playing', {
      what: 'panes 0 and 1 playing',
      timeoutMs: 30_000,
    });
    assert.equal(await p.$$eval('#wall [data-pane]', (els) => els.length), 4, 'a wall of 4 by default');
    await expectPaneShows(p, '#wall [data-pane="0"]', refs[0]!, { samples: 2 });
    await expectPaneShows(p, '#wall [data-pane="1"]', refs[1]!, { samples: 2 });
    // the selection moved on to pane 2 (outlined): a click on the second camera's marker plays it there
    assert.equal(await p.$eval('#wall .ce-selected', (el) => (el as HTMLElement).dataset.pane), '2');
    await p.waitForSelector(`#map .cam-marker[data-camera-id="${cams.bars100}"]`, { timeout: 20_000 });
    const shown = await p.$$eval('#map .cam-marker', (els) => els.map((e) => (e as HTMLElement).dataset.cameraId));
    assert.ok(!shown.includes(cams.hidden), 'only the cameras of the token on the map');
    await p.click(`#map .cam-marker[data-camera-id="${cams.bars100}"]`);
    await waitFor(async () => (await paneState(p, 2)) === 'playing', { what: 'pane 2 playing', timeoutMs: 30_000 });
    await expectPaneShows(p, '#wall [data-pane="2"]', refs[1]!, { samples: 2 });
    // a user's click selects a pane: the next camera plays there, replacing what it showed
    await p.click('#wall [data-pane="0"]');
    await p.click(`#map .cam-marker[data-camera-id="${cams.bars100}"]`);
    await waitFor(async () => (await paneState(p, 0)) === 'playing', {
      what: 'pane 0 playing again',
      timeoutMs: 30_000,
    });
    await expectPaneShows(p, '#wall [data-pane="0"]', refs[1]!, { samples: 2 });
    // one pane: the others stop (their streams told as stopped)
    await p.evaluate(() => document.getElementById('wall')!.setAttribute('layout', '1'));
    assert.equal(await p.$$eval('#wall [data-pane]', (els) => els.length), 1);
    await waitFor(
      async () => (await events(p)).filter((e) => e.ev === 'stream-state' && e.detail.state === 'stopped').length >= 2,
      { what: 'the dropped panes stopped' },
    );
    await expectPaneShows(p, '#wall [data-pane="0"]', refs[1]!, { samples: 2 });
  });

  it('an event of a camera the token sees reaches the host as `alarm`; one of another camera does not', async () => {
    const p = await open(`layout=1`);
    await p.waitForSelector('#map .cam-marker', { timeout: 20_000 });
    const post = async (cameraId: string, zone: string) => {
      const r = await t.api('POST', '/api/v1/events', {
        apiKey: key,
        body: { cameraId, type: 'alarm.intrusion', data: { zone } },
      });
      assert.equal(r.status, 201, r.text);
    };
    // the map's socket joins its rooms as it connects: post until the first arrives
    await waitFor(
      async () => {
        await post(cams.bars, '东门');
        return (await events(p)).some((e) => e.ev === 'alarm');
      },
      { what: 'the alarm event on the host page', timeoutMs: 20_000 },
    );
    await post(cams.hidden, '西门');
    await post(cams.bars100, '南门');
    await waitFor(async () => (await events(p)).some((e) => e.ev === 'alarm' && e.detail.cameraId === cams.bars100), {
      what: 'the second camera’s alarm',
    });
    const alarms = (await events(p)).filter((e) => e.ev === 'alarm');
    assert.ok(
      alarms.every((a) => a.detail.cameraId !== cams.hidden),
      'no event of a camera outside the token',
    );
    const first = alarms[0]!.detail;
    assert.equal(first.cameraId, cams.bars);
    assert.equal(first.kind, 'alarm.intrusion');
    assert.deepEqual(first.detail, { zone: '东门' });
  });
});
