// End-to-end: the console in headless Chromium against a real gateway (login, map, popup, incident, shares, roles, language, video).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import type { Camera } from '../../gateway/contract';
import { launchBrowser, loginAs, newPage, screenshot, endPage } from './browser';
import { CENTRE, seedCity, haversineM, offset } from './seed';
import { renderSeq, setFilter, shownCameras, waitRender } from './map-helpers';
import { wgsToGcj } from '../../web/src/map/crs-shift';

const bearingTo = (c: Camera, lng: number, lat: number): number => {
  const rad = Math.PI / 180;
  const y = Math.sin((lng - c.lng) * rad) * Math.cos(lat * rad);
  const x =
    Math.cos(c.lat * rad) * Math.sin(lat * rad) -
    Math.sin(c.lat * rad) * Math.cos(lat * rad) * Math.cos((lng - c.lng) * rad);
  return (Math.atan2(y, x) / rad + 360) % 360;
};
const angleDiff = (a: number, b: number): number => Math.abs(((((a - b) % 360) + 540) % 360) - 180);

describe('console (e2e)', function () {
  this.timeout(60_000);
  let tg: TestGateway;
  let browser: Browser;
  let cams: Map<string, Camera>;
  let page: Page | undefined;
  let defaultRangeM: number;

  before(async function () {
    this.timeout(120_000);
    tg = await startTestGateway();
    await tg.addUser('city', 'admin', null);
    await tg.addUser('padmin', 'admin', 'police');
    await tg.addUser('pview', 'viewer', 'police');
    await tg.addUser('tview', 'viewer', 'traffic');
    await tg.addUser('paudit', 'auditor', 'police');
    cams = await seedCity(tg, await tg.login('city'));
    defaultRangeM = tg.gw.config.gis.defaultRangeM;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await tg?.close();
  });

  afterEach(async function () {
    await endPage(this, 'console', page);
    page = undefined;
  });

  const police = (): Camera[] => [...cams.values()].filter((c) => c.departmentId === tg.departments.police);

  it('logs in and shows the seeded cameras of the department on the map', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pview');
    await waitRender(p, 0);
    const shown = await shownCameras(p);
    assert.equal(
      shown.total,
      police().length,
      'every police camera is on the map (as a marker or inside a cluster), no other',
    );
    assert.deepEqual(p.errors, []);
    await screenshot(p, 'console-map');
  });

  it('zooming in and out reuses markers without losing, duplicating or mislabelling a camera', async () => {
    const p = await newPage(browser, tg.base);
    page = p;
    await loginAs(p, 'pview');
    await waitRender(p, 0);
    const byId = new Map(police().map((c) => [c.id, c]));
    const west = offset(-700, 20); // 天网-西门 alone: its marker is then reused for a camera in the centre
    const views: Array<[[number, number], number]> = [
      [CENTRE, 17],
      [CENTRE, 12],
      [CENTRE, 16],
      [CENTRE, 14],
      [west, 17],
      [CENTRE, 18],
      [west, 18],
      [CENTRE, 13],
    ];
    for (const [[lng, lat], zoom] of views) {
      const before = await renderSeq(p);
      await p.evaluate(
        ([lng, lat, z]) => {
          const { base } = window.cloudeye!;
          base.map.setView(base.toLatLng(lng, lat), z, { animate: false });
        },
        [lng, lat, zoom] as const,
      );
      await waitRender(p, before);
      const shown = await shownCameras(p);
      const inView = await p.evaluate(
        (ids) => {
          const { base } = window.cloudeye!;
          const b = base.map.getBounds();
          return ids.filter(([, lng, lat]) => b.contains(base.toLatLng(lng, lat))).map(([id]) => id);
        },
        police().map((c) => [c.id, c.lng, c.lat] as [string, number, number]),
      );
      assert.equal(new Set(shown.ids).size, shown.ids.length, `zoom ${zoom}: no camera drawn twice`);
      assert.ok(
        shown.total >= inView.length && shown.total <= police().length,
        `zoom ${zoom}: ${shown.total} shown, ${inView.length} in view`,
      );
      const labels = await p.$$eval('.cam-marker[data-camera-id]', (els) =>
        els.map((e) => ({
          id: (e as HTMLElement).dataset.cameraId ?? '',
          status: (e as HTMLElement).dataset.status ?? '',
          title: e.closest('.leaflet-marker-icon')?.getAttribute('title') ?? '',
        })),
      );
      for (const l of labels) {
        const c = byId.get(l.id);
        assert.ok(c, `zoom ${zoom}: ${l.id} is a police camera`);
        assert.equal(l.title, c.name, `zoom ${zoom}: the marker of ${l.id} is titled with its own name`);
        assert.equal(l.status, c.status);
      }
      if (zoom >= 17) assert.equal(shown.ids.length, shown.total, `zoom ${zoom}: single markers only`);
    }
    // a marker that was recycled across those redraws still opens its own camera
    await p.evaluate(
      ([lng, lat]) => {
        const { base } = window.cloudeye!;
        base.map.setView(base.toLatLng(lng, lat), 17, { animate: false });
      },
      [CENTRE[0], CENTRE[1]] as const,
    );
    const cam = cams.get('天网-人民路口北')!;
    await p.waitForSelector(`.cam-marker[data-camera-id="${cam.id}"]`);
    await p.click(`.cam-marker[data-camera-id="${cam.id}"]`);
    await p.waitForSelector('.cam-popup .cam-name');
    assert.equal(await p.textContent('.cam-popup .cam-name'), cam.name);
    assert.deepEqual(p.errors, []);
  });

  it('clicking a camera opens its popup with name, department and status', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'pview');
    await waitRender(page, 0);
    const cam = cams.get('天网-步行街')!;
    await setFilter(page, 'q', '步行街');
    await page.click(`.cam-marker[data-camera-id="${cam.id}"]`);
    await page.waitForSelector('.cam-popup .cam-name');
    assert.equal(await page.textContent('.cam-popup .cam-name'), cam.name);
    assert.equal(await page.textContent('.cam-popup .cam-dept'), '公安');
    assert.equal(await page.getAttribute('.cam-popup .cam-status', 'data-status'), cam.status);
    assert.equal(await page.locator('.cam-popup .play-btn').count(), 1, 'a viewer may play');
    await screenshot(page, 'console-popup');
  });

  it('an incident query lists the visible cameras covering the point first, then by distance', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'pview');
    await page.click('.tab[data-tab=incident]');
    const radius = 350;
    await page.fill('.incident-panel input[name=radius]', String(radius));
    const [lng, lat] = CENTRE;
    const expected = police()
      .map((c) => {
        const d = haversineM(c.lng, c.lat, lng, lat);
        const covering =
          d <= (c.rangeM ?? defaultRangeM) &&
          (c.fov === null ||
            c.bearing === null ||
            c.fov >= 360 ||
            angleDiff(bearingTo(c, lng, lat), c.bearing) <= c.fov / 2);
        return { id: c.id, d, covering };
      })
      .filter((x) => x.d <= radius)
      .sort((a, b) => Number(b.covering) - Number(a.covering) || a.d - b.d);
    assert.ok(
      expected.length >= 4 && expected.some((x) => x.covering) && expected.some((x) => !x.covering),
      'the seeded city makes a discriminating case',
    );
    const readHits = async (): Promise<Array<{ id: string; d: number; covering: boolean }>> => {
      await page!.waitForSelector('.incident-results .hit');
      return page!.$$eval('.incident-results .hit', (els) =>
        els.map((e) => ({
          id: (e as HTMLElement).dataset.cameraId ?? '',
          d: Number((e as HTMLElement).dataset.distance),
          covering: e.classList.contains('covering'),
        })),
      );
    };
    await page.selectOption('.incident-panel select[name=crs]', 'wgs84');
    await page.fill('.incident-panel input[name=lng]', String(lng));
    await page.fill('.incident-panel input[name=lat]', String(lat));
    await page.click('.incident-panel form.coords button[type=submit]');
    const hits = await readHits();
    assert.deepEqual(
      hits.map((x) => x.id),
      expected.map((x) => x.id),
      'covering first, then nearest first',
    );
    assert.deepEqual(
      hits.map((x) => x.covering),
      expected.map((x) => x.covering),
      'covering cameras are flagged',
    );
    hits.forEach((x, i) =>
      assert.ok(Math.abs(x.d - expected[i]!.d) < 1, `distance of ${x.id}: ${x.d} vs ${expected[i]!.d}`),
    );
    await screenshot(page, 'console-incident');

    // the same point typed in GCJ-02 gives the same list
    const [gx, gy] = wgsToGcj(lng, lat);
    await page.evaluate(() => document.querySelector('.incident-results')?.replaceChildren());
    await page.selectOption('.incident-panel select[name=crs]', 'gcj02');
    await page.fill('.incident-panel input[name=lng]', gx.toFixed(7));
    await page.fill('.incident-panel input[name=lat]', gy.toFixed(7));
    await page.click('.incident-panel form.coords button[type=submit]');
    assert.deepEqual(
      (await readHits()).map((x) => x.id),
      expected.map((x) => x.id),
    );
  });

  it('a traffic viewer sees police cameras only once a share is granted', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'tview');
    await waitRender(page, 0);
    const traffic = [...cams.values()].filter((c) => c.departmentId === tg.departments.traffic);
    assert.equal((await shownCameras(page)).total, traffic.length, 'only its own cameras before the share');
    await setFilter(page, 'department', String(tg.departments.police));
    assert.equal((await shownCameras(page)).total, 0, 'no police camera before the share');

    const share = await tg.api('POST', '/api/v1/shares', {
      token: await tg.login('padmin'),
      body: {
        toDepartmentId: tg.departments.traffic,
        kind: 'tags',
        tags: ['crossing'],
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      },
    });
    assert.equal(share.status, 201, share.text);
    const crossing = police().filter((c) => c.tags.includes('crossing'));
    await setFilter(page, 'department', '');
    await setFilter(page, 'department', String(tg.departments.police));
    const shown = await shownCameras(page);
    assert.equal(shown.total, crossing.length, 'the shared (tag crossing) police cameras appear');
    for (const id of shown.ids) assert.ok(crossing.some((c) => c.id === id));

    const revoke = await tg.api('DELETE', `/api/v1/shares/${share.body.id}`, { token: await tg.login('padmin') });
    assert.equal(revoke.status, 200, revoke.text);
  });

  it('switching language relabels the console and <html lang>', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'pview');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN', 'zh-CN by default');
    assert.equal((await page.textContent('.nav-link[data-page=map]'))?.trim(), '地图');
    assert.equal((await page.textContent('.tab[data-tab=incident]'))?.trim(), '警情');
    await page.selectOption('.topbar select.lang-switch', 'en');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal((await page.textContent('.nav-link[data-page=map]'))?.trim(), 'Map');
    assert.equal((await page.textContent('.tab[data-tab=incident]'))?.trim(), 'Incident');
    assert.equal(await page.getAttribute('.filter-panel input[name=q]', 'placeholder'), 'Search name or address');
    await screenshot(page, 'console-english');
    await page.reload();
    await page.waitForSelector('.shell');
    assert.equal((await page.textContent('.nav-link[data-page=map]'))?.trim(), 'Map', 'the choice is remembered');
    await page.selectOption('.topbar select.lang-switch', 'zh-CN');
    assert.equal((await page.textContent('.nav-link[data-page=map]'))?.trim(), '地图');
  });

  it('a viewer is offered no admin pages (the map and the wall)', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'pview');
    const pages = await page.$$eval('.nav-link', (els) => els.map((e) => (e as HTMLElement).dataset.page));
    assert.deepEqual(pages, ['map', 'wall']);
    await page.goto('/#/users');
    await page.waitForSelector('.shell');
    assert.equal(await page.locator('.users-page').count(), 0, 'typing the admin URL does not open it');
    assert.equal(await page.locator('#map').count(), 1);
  });

  it('an admin is offered the admin pages and sees its users', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'padmin');
    const pages = await page.$$eval('.nav-link', (els) => els.map((e) => (e as HTMLElement).dataset.page));
    assert.deepEqual(pages, ['map', 'wall', 'cameras', 'users', 'api-keys', 'shares', 'discovery', 'rules', 'audit']);
    await page.click('.nav-link[data-page=users]');
    await page.waitForSelector('.users-page tr[data-user=pview]');
  });

  it('a department admin adds a user who can then log in, and creates, lists and revokes a share with an expiry', async () => {
    const p = await newPage(browser, tg.base, { timezoneId: 'Asia/Shanghai' });
    page = p;
    await loginAs(p, 'padmin');
    const admin = await tg.login('padmin');

    // users page: a police operator (a department admin may only add users of its own department)
    await p.click('.nav-link[data-page=users]');
    await p.waitForSelector('.users-page tr[data-user=pview]');
    const deptChoices = await p.$$eval('.users-page select[name=departmentId] option', (els) =>
      els.map((e) => (e as HTMLOptionElement).value),
    );
    assert.deepEqual(deptChoices, [String(tg.departments.police)], 'only its own department is offered');
    await p.fill('.users-page input[name=username]', 'pnew');
    await p.fill('.users-page input[name=displayName]', '新值班员');
    await p.fill('.users-page input[name=password]', 'pw-pnew-0815');
    await p.selectOption('.users-page select[name=role]', 'operator');
    await p.click('.users-page form button[type=submit]');
    await p.waitForSelector('.users-page tr[data-user=pnew]');
    assert.match((await p.textContent('.users-page tr[data-user=pnew]')) ?? '', /新值班员/);
    assert.equal(await p.inputValue('.users-page input[name=username]'), '', 'the form is cleared');
    const login = await tg.api('POST', '/api/v1/auth/login', { body: { username: 'pnew', password: 'pw-pnew-0815' } });
    assert.equal(login.status, 200, login.text);
    const me = await tg.api('GET', '/api/v1/auth/me', { token: login.body.accessToken });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.kind, 'user');
    assert.equal(me.body.name, 'pnew');
    assert.equal(me.body.role, 'operator');
    assert.equal(me.body.departmentId, tg.departments.police);
    assert.equal(
      (await tg.api('POST', '/api/v1/auth/login', { body: { username: 'pnew', password: 'wrong-password' } })).status,
      401,
    );

    // shares page: the street-tagged police cameras to traffic until a set time (typed in the console's local time, UTC+8 here)
    await p.click('.nav-link[data-page=shares]');
    await p.waitForSelector('.shares-page form');
    const before = new Set(
      ((await tg.api('GET', '/api/v1/shares', { token: admin })).body as Array<{ id: number }>).map((s) => s.id),
    );
    await p.selectOption('.shares-page select[name=toDepartmentId]', String(tg.departments.traffic));
    await p.selectOption('.shares-page select[name=kind]', 'tags');
    await p.fill('.shares-page input[name=tags]', 'street');
    await p.fill('.shares-page input[name=expiresAt]', '2031-05-06T09:30');
    await p.fill('.shares-page input[name=note]', '春运保障');
    await p.selectOption('.shares-page select[name=grants]', 'live+playback');
    await p.click('.shares-page form button[type=submit]');
    const listed = async (): Promise<
      Array<{
        id: number;
        toDepartmentId: number;
        kind: string;
        tags: string[];
        note: string;
        grants: string;
        expiresAt: string | null;
        revokedAt: string | null;
      }>
    > => {
      const r = await tg.api('GET', '/api/v1/shares', { token: admin });
      assert.equal(r.status, 200, r.text);
      return r.body;
    };
    let created: Awaited<ReturnType<typeof listed>>[number] | undefined;
    for (let i = 0; i < 50 && !created; i++) {
      created = (await listed()).find((s) => !before.has(s.id));
      if (!created) await p.waitForTimeout(100);
    }
    assert.ok(created, 'GET /shares lists the new share');
    assert.equal(created.toDepartmentId, tg.departments.traffic);
    assert.equal(created.kind, 'tags');
    assert.deepEqual(created.tags, ['street']);
    assert.equal(created.note, '春运保障');
    assert.equal(created.grants, 'live+playback', 'the share grants recordings too');
    assert.ok(created.expiresAt, 'it has an expiry');
    assert.equal(new Date(created.expiresAt).toISOString(), '2031-05-06T01:30:00.000Z', '09:30 in UTC+8');
    assert.equal(created.revokedAt, null);
    const row = `.shares-page tr[data-share="${created.id}"]`;
    await p.waitForSelector(row);
    assert.match((await p.textContent(row)) ?? '', /2031/, 'the expiry is shown');

    await p.click(`${row} button.danger`);
    await p.waitForSelector(`${row} [data-i18n="common.revoked"]`);
    assert.equal(await p.locator(`${row} button.danger`).count(), 0, 'no revoke button any more');
    const revoked = (await listed()).find((s) => s.id === created!.id);
    assert.ok(revoked?.revokedAt, 'GET /shares shows it revoked');
    assert.equal(new Date(revoked.expiresAt!).toISOString(), '2031-05-06T01:30:00.000Z');
    assert.deepEqual((p as Page & { errors: string[] }).errors, []);
  });

  it('an auditor sees the audit log and no map cameras or video', async () => {
    page = await newPage(browser, tg.base);
    await loginAs(page, 'paudit');
    const pages = await page.$$eval('.nav-link', (els) => els.map((e) => (e as HTMLElement).dataset.page));
    assert.deepEqual(pages, ['audit']);
    await page.waitForSelector('.audit-page tr[data-action]');
    assert.ok(
      (await page.locator('.audit-page tr[data-action^="auth.login"], .audit-page tr[data-action^="login"]').count()) >
        0,
      'logins are in the log',
    );
    await page.goto('/#/map');
    await page.waitForSelector('.audit-page');
    assert.equal(await page.locator('#map').count(), 0);
    assert.equal(await page.locator('video, .video-wall, .cam-marker, .cam-cluster').count(), 0);
    await screenshot(page, 'console-auditor');
  });
});
