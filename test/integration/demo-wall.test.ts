// cloudeye demo's command-center wall: two police screens with layouts and cameras, and at every start a pairing link
// per screen that a newcomer opens on the wall monitor; the wall an operator changed is kept across starts.
import assert from 'node:assert/strict';
import { DEMO_WALL, seedDemoWall } from '../../gateway/cli/demo-wall';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { launchBrowser, newPage } from '../e2e/browser';

describe('cloudeye demo: the command-center wall', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let police: string[] = [];

  before(async () => {
    t = await startTestGateway();
    await t.addUser('police.admin', 'admin', 'police');
    const cam = (i: number, dept: number) => ({
      department_id: dept,
      name: `demo-${dept}-${i}`,
      source: 'rtsp',
      main_uri: `rtsp://10.9.1.${i}/main`,
      lng: 111.69 + i / 1000,
      lat: 29.03,
      tags: [],
      status: 'online',
    });
    const rows = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => cam(i, t.departments.police));
    await t.gw.db.knex('cameras').insert(cam(0, t.departments.traffic));
    police = (await t.gw.db.knex('cameras').insert(rows).returning('id')).map((r: { id: string }) => String(r.id));
    await t.gw.reload();
  });
  after(async () => t?.close());

  let first: Awaited<ReturnType<typeof seedDemoWall>>;

  it('registers two police screens with their layouts and cameras, each with a pairing link', async () => {
    first = await seedDemoWall(t.gw.db.knex, t.gw.services.wall.wall, t.base);
    assert.deepEqual(
      first.map((s) => s.name),
      DEMO_WALL.map((s) => s.name),
    );
    const admin = await t.login('police.admin');
    const list = await t.api('GET', '/api/v1/wall/screens', { token: admin });
    assert.equal(list.status, 200, list.text);
    const [left, right] = DEMO_WALL.map((d) => list.body.items.find((s: any) => s.name === d.name));
    assert.equal(left.layout, '4');
    assert.equal(right.layout, 'L4-2');
    assert.equal(right.col, 1);
    assert.deepEqual(
      left.panes.map((p: any) => p.cameraId),
      police.slice(0, 4),
    );
    assert.deepEqual(
      right.panes.slice(0, 4).map((p: any) => p.cameraId),
      police.slice(4, 8),
    );
    for (const s of first) assert.match(s.url, new RegExp(`^${t.base}/screen/${s.id}#pair=[^&]+$`));
  });

  it("a pairing link's secret pairs the screen, which then shows its cameras", async () => {
    const s = first[0]!;
    const secret = decodeURIComponent(s.url.split('#pair=')[1]!);
    const r = await t.api('POST', `/api/v1/wall/screens/${s.id}/pair`, { body: { secret } });
    assert.equal(r.status, 200, r.text);
    const own = await t.api('GET', '/api/v1/wall/screen', { token: r.body.token });
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(
      own.body.panes.map((p: any) => p.cameraId),
      police.slice(0, 4),
    );
    const again = await t.api('POST', `/api/v1/wall/screens/${s.id}/pair`, { body: { secret } });
    assert.equal(again.status, 401, 'the secret is valid once');
  });

  it('opening the other pairing link in Chromium pairs that browser: the screen page shows its panes', async () => {
    const s = first[1]!;
    const browser = await launchBrowser();
    try {
      const page = await newPage(browser, t.base, { width: 960, height: 540 });
      await page.goto(s.url.slice(t.base.length));
      await page.waitForSelector(`.screen-page[data-screen-id="${s.id}"] .screen-pane[data-pane="12"]`);
      assert.equal(new URL(page.url()).hash, '', 'the secret is taken out of the address bar');
      assert.match((await page.evaluate((id) => localStorage.getItem(`cloudeye.screen.${id}`), s.id)) ?? '', /^ces_/);
      assert.equal(await page.locator('.screen-pane .pane').count(), 4, 'its four cameras');
      assert.deepEqual(page.errors, []);
    } finally {
      await browser.close();
    }
  });

  it('a second start keeps the wall as the operator left it and gives new pairing links', async () => {
    const admin = await t.login('police.admin');
    const id = first[0]!.id;
    assert.equal((await t.api('DELETE', `/api/v1/wall/screens/${id}/panes/0`, { token: admin })).status, 200);
    const second = await seedDemoWall(t.gw.db.knex, t.gw.services.wall.wall, t.base);
    assert.deepEqual(
      second.map((s) => s.id),
      first.map((s) => s.id),
    );
    assert.notEqual(second[1]!.url, first[1]!.url, 'a fresh secret');
    const s = await t.api('GET', `/api/v1/wall/screens/${id}`, { token: admin });
    assert.equal(s.body.panes[0].cameraId, null, 'the cleared pane stays clear');
    const list = await t.api('GET', '/api/v1/wall/screens', { token: admin });
    assert.equal(list.body.items.length, 2);
  });
});
