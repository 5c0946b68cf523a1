// End-to-end: the demo city's PTZ cameras move from the console (played from the incident and selection lists); presets.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import type { SimOnvifCamera } from '../../sim/cameras/onvif-camera';
import { DEMO_CAMERA_PASSWORD, DEMO_CAMERA_USER, DEMO_PASSWORD, demoDeviceOptions, seedDemo } from '../../sim/seed';
import { demoSites } from '../../sim/demo-city';
import { launchBrowser, loginAs, newPage, endPage, screenshot } from './browser';

/** As many cameras as the demo city places with PTZ on a Dahua-like device too (which has no PTZ by default). */
const COUNT = 8;

/** Holds a PTZ button pressed for `ms`, as a person does. */
async function hold(page: Page, selector: string, ms: number): Promise<void> {
  await page.hover(selector);
  await page.mouse.down();
  await page.waitForTimeout(ms);
  await page.mouse.up();
}

/** Waits until the simulated camera's PTZ state satisfies `ok` (it is driven over ONVIF by the gateway). */
async function until(
  cam: SimOnvifCamera,
  ok: (s: ReturnType<SimOnvifCamera['ptzStatus']>) => boolean,
  what: string,
): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if (ok(cam.ptzStatus())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(
    `${what}: the camera reports ${JSON.stringify(cam.ptzStatus())}, PTZ calls ${cam.ptzLog.join(',') || 'none'}`,
  );
}

describe('console PTZ on the demo city (e2e)', function () {
  this.timeout(90_000);
  let tg: TestGateway;
  let sims: SimCameras;
  let browser: Browser;
  let page: Page | undefined;
  /** The demo's PTZ sites: index, camera id, position. */
  const domes: Array<{ index: number; id: string; lng: number; lat: number; device: SimOnvifCamera }> = [];

  before(async function () {
    this.timeout(120_000);
    // the demo's devices and records, as `cloudeye demo` starts and seeds them (free ports here)
    const credentials = { username: DEMO_CAMERA_USER, password: DEMO_CAMERA_PASSWORD };
    sims = await startSimCameras({
      count: COUNT,
      codec: 'h264',
      host: '127.0.0.1',
      ...credentials,
      ...demoDeviceOptions(COUNT),
    });
    tg = await startTestGateway();
    const targets = {
      rtspHost: '127.0.0.1',
      rtspPort: sims.rtsp!.port,
      xaddr: (i: number) => sims.cameras[i]!.xaddr,
      codec: () => 'h264' as const,
    };
    await seedDemo(tg.gw.db, tg.gw.services.box, targets, COUNT);
    await tg.gw.reload();
    const sites = demoSites(COUNT);
    for (const [index, s] of sites.entries()) {
      if (!s.ptz) continue;
      const row = await tg.gw.db.knex('cameras').where({ name: s.name }).first();
      domes.push({ index, id: row.id, lng: s.lng, lat: s.lat, device: sims.cameras[index]!.camera });
    }
    assert.ok(
      domes.some((d) => sims.cameras[d.index]!.vendor === 'dahua'),
      'a PTZ site on a Dahua-like device is among them',
    );
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
    await sims?.close();
  });

  afterEach(async function () {
    await endPage(this, 'ptz', page);
    page = undefined;
  });

  it('a PTZ camera played from the incident list shows PTZ buttons that move the camera; presets are listed, reached and saved', async () => {
    const dome = domes[0]!;
    page = await newPage(browser, tg.base);
    await loginAs(page, 'police.operator', DEMO_PASSWORD);
    await page.click('.tab[data-tab=incident]');
    await page.fill('.incident-panel input[name=radius]', '60');
    await page.fill('.incident-panel input[name=lng]', String(dome.lng));
    await page.fill('.incident-panel input[name=lat]', String(dome.lat));
    await page.click('.incident-panel form.coords button[type=submit]');
    const row = `.incident-results .hit[data-camera-id="${dome.id}"]`;
    await page.click(`${row} .hit-play`);
    const pane = `.video-wall .pane[data-camera-id="${dome.id}"]`;
    await page.locator(`${pane} .ptz`).waitFor({ state: 'visible', timeout: 10_000 });

    await hold(page, `${pane} .ptz [data-ptz=right]`, 1200);
    await until(dome.device, (s) => s.x > 0.05 && !s.moving, 'pan right, then stop on release');
    const panned = dome.device.ptzStatus();
    assert.ok(Math.abs(panned.y) < 1e-9, 'no tilt');
    await hold(page, `${pane} .ptz [data-ptz=up]`, 800);
    await until(dome.device, (s) => s.y > 0.02 && !s.moving, 'tilt up');

    // presets: the camera's own preset is listed; going there moves the camera to it
    await page.click(`${pane} .ptz-presets-btn`);
    const panel = `${pane} .ptz-presets`;
    const gate = page.locator(`${panel} .preset-goto`, { hasText: 'Gate' });
    await gate.waitFor({ state: 'visible' });
    await gate.click();
    await until(dome.device, (s) => Math.abs(s.x - 0.5) < 1e-9 && Math.abs(s.y - 0.1) < 1e-9, 'go to preset "Gate"');
    await page.locator(`${panel} .preset-status`, { hasText: '已转到预置位“Gate”' }).waitFor({ state: 'visible' });

    // a name is needed: nothing is saved without one, and the panel says so
    const before = dome.device.ptzPresets().length;
    await page.click(`${panel} .preset-save button[type=submit]`);
    await page.locator(`${panel} .preset-status.error`, { hasText: '请输入预置位名称' }).waitFor({ state: 'visible' });
    assert.equal(dome.device.ptzPresets().length, before);

    // saving the current position as a new preset: stored in the camera and listed
    await hold(page, `${pane} .ptz [data-ptz=left]`, 800);
    await until(dome.device, (s) => s.x < 0.49 && !s.moving, 'pan left from the preset');
    const here = dome.device.ptzStatus();
    await page.fill(`${panel} input[name=presetName]`, '北口');
    await page.click(`${panel} .preset-save button[type=submit]`);
    await page.locator(`${panel} .preset-goto`, { hasText: '北口' }).waitFor({ state: 'visible' });
    const saved = dome.device.ptzPresets().find((p) => p.name === '北口');
    assert.ok(saved, 'the camera stored the preset');
    const where = `at the position it had: ${JSON.stringify(saved)} vs ${JSON.stringify(here)}`;
    assert.ok(Math.abs(saved.x - here.x) < 0.02 && Math.abs(saved.y - here.y) < 1e-9, where);
    await screenshot(page, 'ptz-presets');
    const audit = await tg.gw.db.knex('audit_log').where({ action: 'camera.ptz', target_id: dome.id });
    assert.ok(audit.length >= 4, `PTZ commands are audited (${audit.length})`);
  });

  it('arrow keys on a focused pane move the camera (ONVIF ContinuousMove/Stop); a higher priority takes control and the pane says so', async () => {
    const dome = domes[1] ?? domes[0]!;
    page = await newPage(browser, tg.base);
    await loginAs(page, 'police.operator', DEMO_PASSWORD);
    await page.click('.tab[data-tab=incident]');
    await page.fill('.incident-panel input[name=radius]', '60');
    await page.fill('.incident-panel input[name=lng]', String(dome.lng));
    await page.fill('.incident-panel input[name=lat]', String(dome.lat));
    await page.click('.incident-panel form.coords button[type=submit]');
    await page.click(`.incident-results .hit[data-camera-id="${dome.id}"] .hit-play`);
    const pane = `.video-wall .pane[data-camera-id="${dome.id}"]`;
    await page.locator(`${pane} .ptz`).waitFor({ state: 'visible', timeout: 10_000 });
    // the operator clicks into the picture (the pane takes focus) and holds the right arrow
    const video = (await page.locator(`${pane} video`).boundingBox())!;
    await page.mouse.click(video.x + video.width / 2, video.y + video.height / 2);
    assert.equal(await page.evaluate((sel) => document.activeElement === document.querySelector(sel), pane), true);
    const log0 = dome.device.ptzLog.length;
    const x0 = dome.device.ptzStatus().x;
    await page.keyboard.down('ArrowRight');
    await until(dome.device, (s) => s.moving && s.x > x0, 'moving right while the key is held');
    await page.waitForTimeout(400);
    await page.keyboard.up('ArrowRight');
    await until(dome.device, (s) => !s.moving, 'stopped on release');
    const calls = dome.device.ptzLog.slice(log0);
    // ContinuousMove (sent again each second while held), then Stop
    const stopAt = calls.indexOf('Stop');
    assert.ok(
      stopAt > 0 && calls.slice(0, stopAt).every((c) => c === 'ContinuousMove'),
      `the camera received ${calls.join(',')}`,
    );
    await page.keyboard.press('+');
    await until(
      dome.device,
      (s) => !s.moving && dome.device.ptzLog.slice(log0 + stopAt + 1).join() === 'ContinuousMove,Stop',
      'zoom key',
    );
    await page.locator(`${pane} .ptz-banner.mine`).waitFor({ state: 'visible' });

    // a patrol made in the console runs on the server; an arrow key (manual control) stops it
    await page.click(`${pane} .ptz-patrols-btn`);
    const pp = `${pane} .ptz-patrols`;
    await page.fill(`${pp} input[name=patrolName]`, '夜间巡航');
    await page.click(`${pp} .patrol-add-step`);
    await page.locator(`${pp} select[name=stepPreset] option[value="1"]`).waitFor({ state: 'attached' });
    await page.fill(`${pp} input[name=stepDwell]`, '3');
    await page.click(`${pp} .patrol-new button[type=submit]`);
    await page.click(`${pp} li[data-patrol-id] .patrol-start`);
    await page.locator(`${pp} .patrol-running`).waitFor({ state: 'visible' });
    await until(
      dome.device,
      (s) => Math.abs(s.x - 0.5) < 1e-9 && Math.abs(s.y - 0.1) < 1e-9,
      'the patrol went to Gate',
    );
    await page.mouse.click(video.x + video.width / 2, video.y + video.height / 2);
    await page.keyboard.press('ArrowLeft');
    await page.click(`${pane} .ptz-patrols-btn`);
    await page.click(`${pane} .ptz-patrols-btn`);
    await page.locator(`${pp} li[data-patrol-id] .patrol-start`).waitFor({ state: 'visible' });
    const row = await tg.gw.db.knex('ptz_patrols').where({ camera_id: dome.id }).first();
    assert.equal(row.running_since, null, 'stopped by manual control');
    await page.click(`${pane} .ptz-patrols-btn`);

    // click-to-centre: with the mode on, a click right of the centre turns the camera right by a relative move
    await page.click(`${pane} .ptz-centre-btn`);
    const x1 = dome.device.ptzStatus().x;
    await page.mouse.click(video.x + video.width * 0.9, video.y + video.height / 2);
    await until(
      dome.device,
      (s) => s.x > x1 + 0.05 && dome.device.ptzLog.at(-1) === 'RelativeMove',
      'centred on the click',
    );

    // presets: rename and delete from the panel (the browser's prompt and confirm answered as a person does)
    await page.click(`${pane} .ptz-presets-btn`);
    const item = `${pane} .ptz-presets li[data-token="1"]`;
    await page.locator(item).waitFor({ state: 'visible' });
    page.once('dialog', (d) => void d.accept('正门'));
    await page.click(`${item} .preset-rename`);
    await page.locator(`${item} .preset-goto`, { hasText: '正门' }).waitFor({ state: 'visible' });
    assert.equal(dome.device.ptzPresets().find((p) => p.token === '1')?.name, '正门');
    page.once('dialog', (d) => void d.accept());
    await page.click(`${item} .preset-delete`);
    await page.locator(item).waitFor({ state: 'detached' });
    assert.equal(
      dome.device.ptzPresets().some((p) => p.token === '1'),
      false,
      'deleted in the camera',
    );
    await page.click(`${pane} .ptz-presets-btn`);

    // the admin (a higher priority) takes control: the operator's pane says so, and its next key is refused
    const login = await tg.api('POST', '/api/v1/auth/login', { body: { username: 'admin', password: DEMO_PASSWORD } });
    const took = await tg.api('POST', `/api/v1/cameras/${dome.id}/ptz/control`, { token: login.body.accessToken });
    assert.equal(took.status, 200, took.text);
    await page
      .locator(`${pane} .ptz-banner.taken`, { hasText: '云台控制权已被 admin 接管' })
      .waitFor({ state: 'visible' });
    const log1 = dome.device.ptzLog.length;
    await page.keyboard.down('ArrowUp');
    await page.locator(`${pane} .ptz-banner.taken`, { hasText: '正被 admin 控制' }).waitFor({ state: 'visible' });
    await page.keyboard.up('ArrowUp');
    assert.equal(dome.device.ptzLog.length, log1, 'nothing reached the camera');
    await screenshot(page, 'ptz-taken');
    await tg.api('DELETE', `/api/v1/cameras/${dome.id}/ptz/control`, { token: login.body.accessToken });
  });

  it('a PTZ camera played from a drawn selection shows PTZ buttons that move the camera', async () => {
    const dome = domes.find((d) => sims.cameras[d.index]!.vendor === 'dahua')!;
    page = await newPage(browser, tg.base);
    await loginAs(page, 'police.operator', DEMO_PASSWORD);
    await page.waitForFunction(() => 'cloudeye' in window);
    await page.evaluate(
      ([lng, lat]) => {
        const { base } = window.cloudeye!;
        base.map.setView(base.toLatLng(lng, lat), 18, { animate: false });
      },
      [dome.lng, dome.lat] as [number, number],
    );
    await page.click('.tab[data-tab=draw]');
    await page.click('.select-panel .draw-circle');
    const box = (await page.locator('#map').boundingBox())!;
    const c = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.click(c.x, c.y);
    await page.mouse.click(c.x + 40, c.y);
    const row = `.select-results .hit[data-camera-id="${dome.id}"]`;
    await page.click(`${row} .hit-play`);
    const pane = `.video-wall .pane[data-camera-id="${dome.id}"]`;
    await page.locator(`${pane} .ptz`).waitFor({ state: 'visible', timeout: 10_000 });
    const z0 = dome.device.ptzStatus().z;
    await hold(page, `${pane} .ptz [data-ptz=zoomIn]`, 1000);
    await until(dome.device, (s) => s.z > z0 + 0.05 && !s.moving, 'zoom in, then stop on release');
    assert.ok(dome.device.ptzLog.includes('ContinuousMove') && dome.device.ptzLog.includes('Stop'));
    // from the keyboard: Space held on a focused button moves, released stops
    const z1 = dome.device.ptzStatus().z;
    await page.focus(`${pane} .ptz [data-ptz=zoomOut]`);
    await page.keyboard.down(' ');
    await page.waitForTimeout(800);
    await page.keyboard.up(' ');
    await until(dome.device, (s) => s.z < z1 - 0.03 && !s.moving, 'zoom out from the keyboard');
  });
});
