// End-to-end: an admin changes an API key's embed settings in the console by clicks (camera scope, actions, origins)
// and revokes a token; the integrator's pages on other origins show the effect (an origin removed → refused there).
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startIntegratorApp, type IntegratorApp } from '../../sim/integrator-app';
import { buildSdk } from '../../scripts/build-sdk.mjs';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { endPage, launchBrowser, loginAs, newPage } from './browser';
import { CENTRE } from './seed';

describe('API key embed settings in the console (e2e)', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let kept: IntegratorApp;
  let removed: IntegratorApp;
  let browser: Browser;
  const pages: Page[] = [];
  let key: { id: number; key: string };
  const cams: Record<string, string> = {};

  before(async function () {
    this.timeout(120_000);
    await buildSdk();
    t = await startTestGateway();
    await t.addUser('keyadmin', 'admin', 'police');
    const admin = await t.login('keyadmin');
    for (const [name, tags, east] of [
      ['路口一', ['road'], 0],
      ['校门一', ['school'], 0.002],
    ] as const) {
      const body = { name, mainUri: 'rtsp://127.0.0.1:9/x', lng: CENTRE[0] + east, lat: CENTRE[1], tags: [...tags] };
      const r = await t.api('POST', '/api/v1/cameras', { token: admin, body });
      assert.equal(r.status, 201, r.text);
      cams[name] = r.body.id;
    }
    // two integrator origins, both allowed by the key at first
    const first = await startIntegratorApp({ gateway: t.base, apiKey: 'pending' });
    const second = await startIntegratorApp({ gateway: t.base, apiKey: 'pending' });
    await first.close();
    await second.close();
    const origins = [first.origin, second.origin];
    const k = await t.api('POST', '/api/v1/api-keys', {
      token: admin,
      body: { name: 'grid-portal', embedActions: ['live'], origins },
    });
    assert.equal(k.status, 201, k.text);
    key = k.body;
    const port = (a: IntegratorApp) => Number(new URL(a.origin).port);
    kept = await startIntegratorApp({ gateway: t.base, apiKey: key.key, port: port(first) });
    removed = await startIntegratorApp({ gateway: t.base, apiKey: key.key, port: port(second) });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await kept?.close();
    await removed?.close();
    await t?.close();
  });
  afterEach(async function () {
    for (const p of pages.splice(0)) await endPage(this, 'sdk-admin', p);
  });

  const token = async (origins = [kept.origin, removed.origin]): Promise<{ token: string; id: number }> => {
    const r = await t.api('POST', '/api/v1/embed/tokens', {
      apiKey: key.key,
      body: { label: '网格员 李四', origins },
    });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };
  /** The host page's map on `origin` with `tok`: 'ready' with its markers, or the reason it shows. */
  const hostMap = async (
    origin: string,
    tok: string,
  ): Promise<{ state: string; cameras: string[]; errors: string[] }> => {
    const p = await newPage(browser, origin);
    pages.push(p);
    await p.goto(`/elements?token=${tok}`);
    const settled = 'cloudeye-map .ce-status[data-state=ready], cloudeye-map .ce-status[data-state=failed]';
    await p.waitForSelector(settled, { state: 'attached', timeout: 20_000 });
    const state = await p.$eval('cloudeye-map .ce-status', (e) => (e as HTMLElement).dataset.reason ?? 'ready');
    // the cameras the token's spatial answers hold (the map's own search around the city centre)
    const cameras =
      state === 'ready'
        ? await p.evaluate(
            async ([lng, lat]) =>
              (
                await (
                  document.getElementById('map') as unknown as {
                    searchAround(a: number, b: number, r: number): Promise<Array<{ id: string }>>;
                  }
                ).searchAround(lng!, lat!, 2000)
              ).map((c) => c.id),
            CENTRE,
          )
        : [];
    const errors = await p.evaluate(() =>
      (window as unknown as { hostErrors: Array<{ detail: { reason: string } }> }).hostErrors.map(
        (e) => e.detail.reason,
      ),
    );
    return { state, cameras, errors };
  };

  it('narrows scope, actions and origins by clicks; the removed origin is refused, a revoked token too', async () => {
    const tok = await token();
    const before = await hostMap(removed.origin, tok.token);
    assert.equal(before.state, 'ready', 'both origins work before');
    assert.deepEqual(before.cameras.sort(), [cams['路口一'], cams['校门一']].sort());

    const p = await newPage(browser, t.base);
    pages.push(p);
    await loginAs(p, 'keyadmin');
    await p.click('.nav-link[data-page=api-keys]');
    await p.click('tr[data-key="grid-portal"] .embed-btn');
    const form = '.embed-settings[data-key="grid-portal"]';
    await p.waitForSelector(form);
    assert.equal(await p.textContent(`${form} button[type=submit]`), '保存嵌入设置');
    await p.fill(`${form} input[name=tags]`, 'road');
    await p.check(`${form} input[name=action][value=ptz]`);
    await p.fill(`${form} textarea[name=origins]`, kept.origin);
    await p.click(`${form} button[type=submit]`);
    await p.waitForSelector('.toast >> text=嵌入设置已保存');
    const saved = (await t.api('GET', '/api/v1/api-keys', { token: await t.login('keyadmin') })).body.find(
      (k: { id: number }) => k.id === key.id,
    );
    assert.deepEqual(
      [saved.cameraScope, saved.embedActions, saved.origins],
      [{ tags: ['road'] }, ['live', 'ptz'], [kept.origin]],
    );
    assert.match((await p.textContent(`tr[data-key="grid-portal"]`)) ?? '', new RegExp(kept.origin));

    // the same token: refused on the removed origin (the widget says why, the host hears it), narrowed on the other
    const there = await hostMap(removed.origin, tok.token);
    assert.equal(there.state, 'origin');
    assert.ok(there.errors.includes('origin'), JSON.stringify(there.errors));
    assert.equal(
      await pages.at(-1)!.textContent('cloudeye-map .ce-status'),
      '此网站无权使用该令牌',
      'the reason in the widget',
    );
    const here = await hostMap(kept.origin, tok.token);
    assert.deepEqual([here.state, here.errors, here.cameras], ['ready', [], [cams['路口一']]], 'only the road camera');

    // the token listed under the key, revoked by a click: the host page says so
    const row = `${form} .embed-tokens tr[data-token="${tok.id}"]`;
    await p.waitForSelector(row);
    assert.match((await p.textContent(row)) ?? '', /网格员 李四/);
    await p.click(`${row} button`);
    await p.waitForSelector(row, { state: 'detached' });
    const revoked = await hostMap(kept.origin, tok.token);
    assert.deepEqual([revoked.state, revoked.errors.includes('revoked')], ['revoked', true]);
  });

  it('revokes every token of the key by a click', async () => {
    // (the first test left the key with one origin)
    const a = await token([kept.origin]);
    const b = await token([kept.origin]);
    const p = await newPage(browser, t.base);
    pages.push(p);
    await loginAs(p, 'keyadmin');
    await p.click('.nav-link[data-page=api-keys]');
    await p.click('tr[data-key="grid-portal"] .embed-btn');
    await p.waitForSelector(`.embed-tokens tr[data-token="${b.id}"]`);
    await p.click('.embed-tokens .revoke-all');
    await p.waitForSelector('.toast >> text=/已撤销 [2-9] 个令牌/');
    for (const x of [a, b]) assert.equal((await hostMap(kept.origin, x.token)).state, 'revoked');
  });
});
