// End-to-end: an operator types a plate, sees its reads as numbered points where they are on the map, clicks one and
// sees its picture and the recorded clip of the nearest camera: the frames the camera drew, through the gateway's recording.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import type { SegmentRecord } from '../../gateway/db/recordings-repo';
import { addSource, postWebhook } from '../helpers/events';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { solidTile } from '../helpers/png';
import { waitFor } from '../helpers/wait-for';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { expectPaneShows, referenceFrame, type Rgb } from './frames';
import { offset } from './seed';

describe('plate track (e2e): a plate typed, its reads on the map, a read clicked plays its clip', function () {
  this.timeout(90_000);
  let t: TestGateway;
  let sim: RtspProcess;
  let ref: Rgb;
  let images: http.Server;
  let browser: Browser;
  let page: (Page & { errors: string[] }) | undefined;
  let cam: string;
  const PLATE = '湘A12345';
  // the checkpoints: KK-1 in the camera's view, the others out of every camera's reach
  const points = { 'KK-1': offset(0, 0), 'KK-2': offset(0, 900), 'KK-3': offset(900, 900) };

  before(async function () {
    this.timeout(120_000);
    sim = await RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' });
    ref = await referenceFrame(sim.url(0, 'main'));
    images = http.createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'image/png' }).end(solidTile([200, 40, 40])),
    );
    await new Promise<void>((ok) => images.listen(0, '127.0.0.1', ok));
    t = await startTestGateway({ recording: { segmentSeconds: 2, planIntervalS: 0.5 } });
    await t.addUser('tadm', 'admin', 'traffic');
    await t.addUser('top', 'operator', 'traffic');
    const admin = await t.login('tadm');
    const [lng, lat] = offset(-50, 0);
    const r = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: '人民路-西',
        mainUri: sim.url(0, 'main'),
        streams: { main: { codec: 'h264' } },
        lng,
        lat,
        bearing: 90,
        fov: 60,
        rangeM: 200,
      },
    });
    assert.equal(r.status, 201, r.text);
    cam = r.body.id;
    // the gateway records the simulated camera: the clip is what it wrote
    const rec = t.gw.services.recordings;
    await rec.setPlan(
      { scope: 'camera', cameraId: cam, mode: 'continuous' },
      { kind: 'system', id: 'test', name: 'test', departmentId: null },
    );
    const segs = async (): Promise<SegmentRecord[]> =>
      rec.footage.segments(
        cam,
        new Date(Date.now() - 600_000).toISOString(),
        new Date(Date.now() + 1000).toISOString(),
      );
    const recorded = await waitFor(async () => ((await segs()).length >= 3 ? await segs() : null), {
      what: 'three recorded segments',
      timeoutMs: 40_000,
    });
    for (const [code, [plng, plat]] of Object.entries(points)) {
      const p = await t.api('POST', '/api/v1/event-points', {
        token: admin,
        body: { kind: 'checkpoint', code, name: `卡口 ${code}`, lng: plng, lat: plat },
      });
      assert.equal(p.status, 201, p.text);
    }
    const src = await addSource(t, admin, { kind: 'webhook', name: 'anpr' });
    // the read at KK-1 falls inside the recorded footage
    const T = recorded[1]!.startMs + 500;
    const imageBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
    for (const [id, point, ms] of [
      ['r1', 'KK-2', T - 120_000],
      ['r2', 'KK-1', T],
      ['r3', 'KK-3', T + 1000],
    ] as const) {
      const body = {
        id,
        kind: 'anpr',
        at: new Date(ms).toISOString(),
        location: { point },
        anpr: { plate: PLATE, imageUrl: `${imageBase}/${id}.png` },
      };
      const w = await postWebhook(t, src, JSON.stringify(body));
      assert.equal(w.status, 200, w.text);
    }
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
    images?.close();
  });

  afterEach(async function () {
    await endPage(this, 'plate-track', page);
    page = undefined;
  });

  it('typed plate → three numbered points where the checkpoints are; the read at KK-1 plays the camera clip', async () => {
    page = await newPage(browser, t.base);
    await loginAs(page, 'top');
    await page.click('.tab[data-tab=track]');
    await page.click('.plate-track-panel input[name=plate]');
    await page.keyboard.type(PLATE);
    await page.click('.plate-track-panel .track-search');
    await page.waitForSelector('.track-seq[data-seq="3"]');
    assert.equal(await page.locator('.track-seq').count(), 3);
    assert.equal(await page.locator('.track-read').count(), 3);
    assert.ok(await page.isVisible('path.track-line'), 'the line through the reads is drawn');
    // each marker's centre is where the map projects its checkpoint (after fitting the track)
    await page.waitForTimeout(400);
    const where = await page.evaluate(
      (pts) => {
        const base = window.cloudeye!.base;
        const map = base.map;
        const box = map.getContainer().getBoundingClientRect();
        return pts.map(([lng, lat], i) => {
          const p = map.latLngToContainerPoint(base.toLatLng(lng, lat));
          const el = document.querySelector(`.track-seq[data-seq="${i + 1}"]`)!.getBoundingClientRect();
          return {
            expected: [box.left + p.x, box.top + p.y],
            shown: [el.left + el.width / 2, el.top + el.height / 2],
            inMap: el.left >= box.left && el.right <= box.right && el.top >= box.top && el.bottom <= box.bottom,
          };
        });
      },
      [points['KK-2'], points['KK-1'], points['KK-3']],
    );
    for (const [i, w] of where.entries()) {
      assert.ok(w.inMap, `point ${i + 1} is inside the map`);
      assert.ok(
        Math.abs(w.expected[0]! - w.shown[0]!) <= 3 && Math.abs(w.expected[1]! - w.shown[1]!) <= 3,
        `point ${i + 1} at ${w.shown} where its checkpoint is, ${w.expected}`,
      );
    }
    // KK-2 (seq 1) lies north of KK-1 (seq 2): higher on screen; KK-3 (seq 3) east of KK-2: right of it
    assert.ok(where[0]!.shown[1]! < where[1]!.shown[1]! - 50);
    assert.ok(where[2]!.shown[0]! > where[0]!.shown[0]! + 50);

    await page.click('.track-seq[data-seq="2"]');
    const popup = '.track-popup[data-seq="2"]';
    await page.waitForSelector(popup);
    const text = await page.textContent(popup);
    assert.match(text ?? '', /卡口 KK-1/);
    assert.match(text ?? '', /人民路-西/);
    await page.waitForFunction(
      (sel) => (document.querySelector(`${sel} img.track-image`) as HTMLImageElement | null)?.naturalWidth === 256,
      popup,
    );
    await page.waitForSelector(`${popup} .track-clip .clip[data-state=playing] video`, { timeout: 20_000 });
    await page.waitForFunction(
      (sel) => {
        const v = document.querySelector(`${sel} .track-clip video`) as HTMLVideoElement | null;
        return !!v && v.readyState >= 2 && v.currentTime > 0.5;
      },
      popup,
      { timeout: 20_000 },
    );
    await expectPaneShows(page, `${popup} .track-clip`, ref, { samples: 4, everyMs: 400 });
    // "play video" of the read's event: its linked camera, played back over the event's window
    await page.click(`${popup} .play-event`);
    const row = `${popup} .event-video-cam[data-camera-id="${cam}"]`;
    await page.click(`${row} .replay`);
    const linked = `${popup} .event-video-player .clip[data-camera-id="${cam}"]`;
    await page.waitForFunction(
      (sel) => {
        const v = document.querySelector(`${sel} video`) as HTMLVideoElement | null;
        return !!v && v.readyState >= 2 && v.currentTime > 0.5;
      },
      linked,
      { timeout: 20_000 },
    );
    await expectPaneShows(page, linked, ref, { samples: 2, everyMs: 400 });
    // the other reads have no camera near them: their popups say so and play nothing
    await page.click('.track-read[data-seq="3"]');
    await page.waitForSelector('.track-popup[data-seq="3"]');
    assert.equal(await page.locator('.track-popup[data-seq="3"] video').count(), 0);
    assert.deepEqual(page.errors, []);
  });
});
