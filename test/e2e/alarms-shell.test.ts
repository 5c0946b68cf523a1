// End-to-end: alarms reach the operator on every console page (a popup and the beep, the map never opened), and a click
// on the popup opens the alarm on the map with its cameras; a reopened alarm announces itself as a new one does (beep,
// popup, listed first and highlighted); a linkage rule names the wall screen its alarms go to, picked in the rule form.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { alarmWorld, P, postAlarmEvent, type AlarmWorld } from '../helpers/alarms';
import { endPage, launchBrowser, loginAs, newPage, screenshot } from './browser';
import { AUDIO_HOOK, audioRuns, oscillators } from './alarm-audio';
import { toScreen } from './map-helpers';

describe('alarms on every page, reopened alarms, rule screens (e2e)', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let w: AlarmWorld;
  let ruleId: number;
  let browser: Browser;
  let page: (Page & { errors: string[] }) | undefined;
  const alarmOf = async (eventId: string) =>
    String(
      (await waitFor(async () => t.gw.db.knex('alarms').where({ event_id: eventId }).first(), { what: eventId })).id,
    );
  const api = async (token: string, method: string, url: string, body?: unknown, status = 200) => {
    const r = await t.api(method, url, { token, body });
    assert.equal(r.status, status, r.text);
    return r.body;
  };

  before(async function () {
    this.timeout(90_000);
    t = await startTestGateway();
    w = await alarmWorld(t);
    ruleId = (await api(w.tokens.tadm, 'POST', '/api/v1/alarm-rules', { name: '值守联动', kinds: ['alarm'] }, 201)).id;
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async function () {
    await endPage(this, 'alarms-shell', page);
    page = undefined;
  });

  it('an operator on the wall page, the map never opened, gets the popup and the beep; a click opens it on the map', async () => {
    page = await newPage(browser, t.base);
    await page.addInitScript(AUDIO_HOOK);
    await loginAs(page, 'top');
    await page.click('.main-nav [data-page=wall]');
    await page.waitForSelector('.wall-page');
    // reloaded there: the console starts on the wall page, the map is never built
    await page.reload();
    await page.waitForSelector('.wall-page');
    await page.click('.main-nav [data-page=wall]');
    assert.equal(await page.locator('.map-page').count(), 0);

    const id = await alarmOf(await postAlarmEvent(t, w, 'on-the-wall-page', P));
    const entry = page.locator(`.alarm-popup .alarm-popup-item[data-alarm="${id}"]`);
    await entry.waitFor({ timeout: 10_000 });
    assert.equal(await entry.getAttribute('data-reason'), 'raised');
    assert.equal(await entry.locator('.alarm-popup-open').textContent(), '新告警：联网报警 · alarm.button · 值守联动');
    const oscs = await oscillators(page);
    assert.ok(oscs.length >= 2, JSON.stringify(oscs));
    assert.deepEqual([...new Set(oscs.map((o) => o.hz))].sort(), [660, 880]);
    await audioRuns(page);
    await screenshot(page, 'alarms-shell-popup');
    assert.equal(await page.locator('.map-page').count(), 0, 'still on the wall page');

    await entry.locator('.alarm-popup-open').click();
    await page.waitForSelector('.map-page .alarm-detail .alarm-camera');
    assert.equal(new URL(page.url()).hash, '#/map');
    assert.equal(await page.locator('.tab.active').getAttribute('data-tab'), 'alarms');
    const alarm = (await api(w.tokens.top, 'GET', `/api/v1/alarms/${id}`)).alarm;
    assert.ok(alarm.cameras.length >= 1);
    const shown = await page
      .locator('.alarm-detail .alarm-camera')
      .evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cameraId));
    assert.deepEqual(
      shown,
      alarm.cameras.map((c: { id: string }) => c.id),
    );
    assert.ok(shown.includes(w.cams.west));
    // the map centred on the alarm's place, its marker blinking there
    const box = (await page.locator('#map').boundingBox())!;
    const p = await toScreen(page, P.lng, P.lat);
    assert.ok(
      Math.hypot(p.x - (box.x + box.width / 2), p.y - (box.y + box.height / 2)) <= 2,
      JSON.stringify({ p, box }),
    );
    await page.waitForSelector(`.alarm-marker.blinking[data-alarm="${id}"]`);
    await page.waitForSelector('.alarm-popup', { state: 'hidden' });
    assert.equal(await page.locator('.wall-page').count(), 0);
    assert.deepEqual(page.errors, []);
  });

  it('a reopened alarm beeps, pops up and is listed first, highlighted, as a new one is', async () => {
    const older = await alarmOf(await postAlarmEvent(t, w, 'to-reopen', P));
    const newer = await alarmOf(await postAlarmEvent(t, w, 'newer', P));
    page = await newPage(browser, t.base);
    await page.addInitScript(AUDIO_HOOK);
    await loginAs(page, 'top');
    await page.click('.tab[data-tab=alarms]');
    const item = (id: string) => `.alarm-list .alarm-item[data-alarm="${id}"]`;
    await page.waitForSelector(item(older));
    const order = () =>
      page!.locator('.alarm-list .alarm-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.alarm));
    assert.ok((await order()).indexOf(newer) < (await order()).indexOf(older));
    // the operator closes the older one
    await page.click(item(older));
    await page.click('.alarm-detail .alarm-close');
    await page.waitForSelector('.alarm-detail .alarm-state[data-state=closed]');
    await page.click('.alarm-detail .alarm-back');
    await page.waitForSelector(item(older), { state: 'detached' });
    const before = (await oscillators(page)).length;

    // another operator reopens it
    await api(w.tokens.top2, 'POST', `/api/v1/alarms/${older}/reopen`);
    await page.waitForSelector(`${item(older)}.fresh`, { timeout: 10_000 });
    assert.equal(await page.textContent(`${item(older)} .alarm-state`), '新告警');
    assert.equal((await order())[0], older, 'listed first');
    assert.equal(await page.$eval(item(older), (el) => getComputedStyle(el).animationName), 'alarm-fresh');
    assert.equal(await page.locator(`${item(newer)}.fresh`).count(), 0, 'the newer one was not announced again');
    const oscs = (await oscillators(page)).slice(before);
    assert.ok(oscs.length >= 2, JSON.stringify(oscs));
    assert.deepEqual([...new Set(oscs.map((o) => o.hz))].sort(), [660, 880]);
    const entry = page.locator(`.alarm-popup .alarm-popup-item[data-alarm="${older}"]`);
    assert.equal(await entry.getAttribute('data-reason'), 'reopened');
    assert.match((await entry.textContent()) ?? '', /^告警重新打开：联网报警 · alarm.button · 值守联动/);
    await screenshot(page, 'alarms-shell-reopened');

    // opened: no longer highlighted, its popup entry gone
    await page.click(item(older));
    await page.waitForSelector('.alarm-detail .alarm-state[data-state=new]');
    await entry.waitFor({ state: 'detached' });
    await page.click('.alarm-detail .alarm-back');
    await page.waitForSelector(item(older));
    assert.equal(await page.locator(`${item(older)}.fresh`).count(), 0);
    assert.deepEqual(page.errors, []);
  });

  it("a department admin picks the rule's wall screen among the department's screens; the API's rule has it", async () => {
    const screen = async (token: string, name: string, col: number) =>
      (await api(token, 'POST', '/api/v1/wall/screens', { name, col, row: 0, layout: '4' }, 201)).screen.id as number;
    const main = await screen(w.tokens.tadm, '指挥大屏', 0);
    const duty = await screen(w.tokens.tadm, '值班屏', 1);
    const police = await screen(w.tokens.padm, '刑侦屏', 0);
    page = await newPage(browser, t.base);
    await loginAs(page, 'tadm');
    await page.click('.main-nav [data-page=rules]');
    const row = page.locator('.rules-list tr[data-rule]', { hasText: '值守联动' });
    await row.locator('.rule-edit').click();
    const sel = '.rule-form select[name=screenId]';
    assert.equal(await page.inputValue(sel), '', 'no screen yet');
    // the department's screens only (not police's)
    const options = await page
      .locator(`${sel} option`)
      .evaluateAll((els) => els.map((e) => [(e as HTMLOptionElement).value, e.textContent]));
    assert.deepEqual(options, [
      ['', '不上墙'],
      [String(main), '指挥大屏'],
      [String(duty), '值班屏'],
    ]);
    await page.selectOption(sel, String(duty));
    await page.click('.rule-form .rule-save');
    await waitFor(async () => (await api(w.tokens.tadm, 'GET', `/api/v1/alarm-rules/${ruleId}`)).screenId === duty, {
      what: 'the rule saved with its screen',
    });
    await row.locator('td', { hasText: '值班屏' }).waitFor();
    await screenshot(page, 'alarms-shell-rule-screen');
    // the form shows it when the rule is edited again; set back to none, saved as null
    await row.locator('.rule-edit').click();
    assert.equal(await page.inputValue(sel), String(duty));
    await page.selectOption(sel, '');
    await page.click('.rule-form .rule-save');
    await waitFor(async () => (await api(w.tokens.tadm, 'GET', `/api/v1/alarm-rules/${ruleId}`)).screenId === null, {
      what: 'the rule saved without a screen',
    });
    // in English: the field, its "none" and the list's column
    await page.selectOption('.topbar select.lang-switch', 'en');
    await page.locator('.rule-form label.field', { hasText: 'Wall screen' }).waitFor();
    assert.equal(await page.textContent(`${sel} option[value=""]`), 'None');
    await row.locator('td', { hasText: 'None' }).waitFor();
    // another department's screen is refused by the server, and the rule keeps its value
    const bad = await t.api('PATCH', `/api/v1/alarm-rules/${ruleId}`, {
      token: w.tokens.tadm,
      body: { screenId: police },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal((await api(w.tokens.tadm, 'GET', `/api/v1/alarm-rules/${ruleId}`)).screenId, null);
    assert.deepEqual(page.errors, []);
  });
});
