// End-to-end: a department admin writes a linkage rule in the console and an event raises an alarm by it; a signed
// webhook event reaches an operator's alarm panel live, with a beep (Web Audio) and a blinking marker at its place;
// the operator works it by clicking (ack, assign, note, close), plays a linked camera and sees the footage recorded for
// it; an alarm raised while the link is down is listed once it is back; an operator is offered no rule editing.
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { alarmWorld, at, P, postAlarmEvent, type AlarmWorld } from '../helpers/alarms';
import { endPage, launchBrowser, loginAs, newPage, screenshot } from './browser';
import { expectPaneShows, referenceFrame } from './frames';
import { showAt, toScreen } from './map-helpers';
import { AUDIO_HOOK, audioRuns, oscillators } from './alarm-audio';

const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };

describe('alarm console (e2e): rules, live alarms, workflow', function () {
  this.timeout(60_000);
  let sim: RtspProcess;
  let t: TestGateway;
  let w: AlarmWorld;
  let browser: Browser;
  let page: (Page & { errors: string[] }) | undefined;
  const alarmOf = async (eventId: string) =>
    waitFor(async () => t.gw.db.knex('alarms').where({ event_id: eventId }).first(), { what: `alarm of ${eventId}` });
  const get = async (token: string, url: string) => {
    const r = await t.api('GET', url, { token });
    assert.equal(r.status, 200, r.text);
    return r.body;
  };

  before(async function () {
    this.timeout(90_000);
    sim = await RtspProcess.start({ count: 1, codec: 'h264' });
    t = await startTestGateway({ recording: { segmentSeconds: 2, planIntervalS: 0.5, retryS: 1 } });
    w = await alarmWorld(t, { west: sim.url(0, 'main') });
    // traffic records on events: the west camera's recorder waits on standby (south's address answers nobody)
    const rec = t.gw.services.recordings;
    await rec.setPlan({ scope: 'department', departmentId: t.departments.traffic, mode: 'event' }, SYSTEM);
    await waitFor(() => rec.status().find((x) => x.cameraId === w.cams.west)?.state === 'standby', {
      what: 'the west recorder on standby',
      timeoutMs: 30_000,
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });
  afterEach(async function () {
    await endPage(this, 'alarms-console', page);
    page = undefined;
  });

  it('a department admin creates and edits a rule in the form; an event then raises an alarm by it', async () => {
    page = await newPage(browser, t.base);
    await loginAs(page, 'tadm');
    await page.click('.main-nav [data-page=rules]');
    await page.waitForSelector('.rules-page .rule-form');
    await page.fill('.rule-form input[name=name]', '报警箱联动');
    // bad input: no kind (the server's field error), a window that does not read (the form's): nothing stored
    await page.click('.rule-form .rule-save');
    await page.locator('.toast-error', { hasText: 'body.kinds' }).waitFor();
    await page.check('.rule-form input[name=kinds][value=alarm]');
    await page.fill('.rule-form textarea[name=windows]', 'weekdays 8-18');
    await page.click('.rule-form .rule-save');
    await page.locator('.toast-error', { hasText: '生效时段格式错误：weekdays 8-18' }).waitFor();
    assert.deepEqual((await get(w.tokens.tadm, '/api/v1/alarm-rules')).items, []);
    await page.fill('.rule-form input[name=cameraCount]', '2');
    await page.fill('.rule-form input[name=minSeverity]', '3');
    await page.fill('.rule-form textarea[name=windows]', '0-6 00:00-24:00');
    await page.fill('.rule-form input[name=ackTimeoutS]', '600');
    await page.click('.rule-form .rule-save');
    const row = page.locator('.rules-list tr[data-rule]', { hasText: '报警箱联动' });
    await row.waitFor();
    const rules = (await get(w.tokens.tadm, '/api/v1/alarm-rules')).items;
    assert.equal(rules.length, 1);
    const r = rules[0];
    assert.deepEqual(
      [r.name, r.kinds, r.cameraCount, r.minSeverity, r.ackTimeoutS, r.departmentId, r.windows],
      [
        '报警箱联动',
        ['alarm'],
        2,
        3,
        600,
        t.departments.traffic,
        [{ days: [0, 1, 2, 3, 4, 5, 6], start: '00:00', end: '24:00' }],
      ],
    );
    await screenshot(page, 'alarms-console-rules');
    // edit: the form is filled from the row; a changed field is saved
    await row.locator('.rule-edit').click();
    assert.equal(await page.inputValue('.rule-form input[name=name]'), '报警箱联动');
    await page.fill('.rule-form input[name=postRollS]', '30');
    await page.click('.rule-form .rule-save');
    await waitFor(async () => (await get(w.tokens.tadm, `/api/v1/alarm-rules/${r.id}`)).postRollS === 30, {
      what: 'the edited post-roll saved',
    });
    // delete: a second rule, removed by its row's button
    const extra = await t.api('POST', '/api/v1/alarm-rules', {
      token: w.tokens.tadm,
      body: { name: 'tmp', kinds: ['camera'] },
    });
    assert.equal(extra.status, 201, extra.text);
    await page.reload();
    page.once('dialog', (d) => void d.accept());
    await page.locator('.rules-list tr[data-rule]', { hasText: 'tmp' }).locator('.rule-delete').click();
    await page.locator('.rules-list tr[data-rule]', { hasText: 'tmp' }).waitFor({ state: 'detached' });
    assert.deepEqual(
      (await get(w.tokens.tadm, '/api/v1/alarm-rules')).items.map((x: { name: string }) => x.name),
      ['报警箱联动'],
    );
    // the rule works: an alarm event in the department raises an alarm named after it, with 2 cameras
    const alarm = await alarmOf(await postAlarmEvent(t, w, 'rule-check', at(-10, 5)));
    assert.equal(alarm.rule_name, '报警箱联动');
    assert.equal(alarm.cameras.length, 2);
  });

  it('an operator is offered no rule editing, and the server refuses it', async () => {
    page = await newPage(browser, t.base);
    await loginAs(page, 'top');
    assert.equal(await page.locator('.main-nav [data-page=rules]').count(), 0);
    await page.evaluate(() => (location.hash = '#/rules'));
    await page.waitForSelector('.map-page');
    assert.equal(await page.locator('.rules-page').count(), 0);
    const r = await t.api('POST', '/api/v1/alarm-rules', {
      token: w.tokens.top,
      body: { name: 'x', kinds: ['alarm'] },
    });
    assert.equal(r.status, 403);
  });

  it('a webhook alarm appears live with a beep and a blinking marker; acknowledged, assigned, noted, closed by clicks', async () => {
    page = await newPage(browser, t.base);
    await page.addInitScript(AUDIO_HOOK);
    await loginAs(page, 'top');
    await page.click('.tab[data-tab=alarms]');
    await page.waitForSelector('.alarm-panel .alarm-item');
    await showAt(page, P.lng, P.lat, 17);
    assert.equal((await oscillators(page)).length, 0);

    const eventId = await postAlarmEvent(t, w, 'live-1', P);
    const id = String((await alarmOf(eventId)).id);
    const item = `.alarm-item[data-alarm="${id}"]`;
    await page.waitForSelector(item, { timeout: 10_000 });
    assert.equal(await page.textContent(`${item} .alarm-state`), '新告警');
    // the sound: the page's code started oscillators, in a running audio context
    const oscs = await oscillators(page);
    assert.ok(oscs.length >= 2, JSON.stringify(oscs));
    assert.deepEqual([...new Set(oscs.map((o) => o.hz))].sort(), [660, 880]);
    // the context runs (the sign-in click was the user gesture the autoplay policy asks for)
    await audioRuns(page);
    // the marker: at P on screen, and blinking (its opacity alternates)
    const marker = `.alarm-marker[data-alarm="${id}"]`;
    const box = (await page.locator(marker).boundingBox())!;
    const want = await toScreen(page, P.lng, P.lat);
    assert.ok(
      Math.hypot(box.x + box.width / 2 - want.x, box.y + box.height / 2 - want.y) <= 2,
      JSON.stringify({ box, want }),
    );
    assert.equal(await page.$eval(marker, (el) => getComputedStyle(el).animationName), 'alarm-blink');
    const seen = new Set<string>();
    for (let i = 0; i < 12 && seen.size < 2; i++) {
      seen.add(await page.$eval(marker, (el) => Number(getComputedStyle(el).opacity).toFixed(2)));
      await page.waitForTimeout(110);
    }
    await screenshot(page, 'alarms-console-new');
    assert.ok(seen.size >= 2, `opacity changes: ${[...seen].join()}`);

    // open it: the event and the linked cameras; a click plays the west camera live in the wall
    await page.click(item);
    await page.waitForSelector('.alarm-detail .alarm-camera');
    assert.match((await page.textContent('.alarm-detail .alarm-event')) ?? '', /button · Z1/);
    const cams = page.locator('.alarm-detail .alarm-camera');
    await page.waitForFunction(
      () => document.querySelector('.alarm-detail .alarm-camera-name')?.textContent === 'west',
    );
    assert.deepEqual(await cams.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cameraId)), [
      w.cams.west,
      w.cams.south,
    ]);
    await page.click(`.alarm-camera[data-camera-id="${w.cams.west}"] .alarm-camera-play`);
    const pane = `.video-wall .pane[data-camera-id="${w.cams.west}"]`;
    await page.waitForSelector(`${pane}[data-state=live]`, { timeout: 30_000 });
    await expectPaneShows(page, pane, await referenceFrame(sim.url(0, 'main')), { samples: 3 });

    await screenshot(page, 'alarms-console-detail');
    const state = async () => (await get(w.tokens.top, `/api/v1/alarms/${id}`)).alarm;
    await page.click('.alarm-detail .alarm-ack');
    await page.waitForSelector('.alarm-detail .alarm-state[data-state=acknowledged]');
    assert.equal(await page.textContent('.alarm-detail .alarm-state'), '已确认');
    assert.equal((await state()).state, 'acknowledged');
    assert.equal(await page.$eval(marker, (el) => getComputedStyle(el).animationName), 'none', 'no longer blinking');

    await page.selectOption('.alarm-detail select[name=assignee]', String(w.users.top2));
    await page.click('.alarm-detail .alarm-assign-btn');
    await page.locator('.alarm-detail .facts dd', { hasText: 'top2' }).waitFor();
    assert.equal((await state()).assigneeId, w.users.top2);

    await page.fill('.alarm-detail input[name=note]', '已派警');
    await page.press('.alarm-detail input[name=note]', 'Enter');
    await page.locator('.alarm-notes li', { hasText: '已派警' }).waitFor();
    assert.deepEqual(
      (await state()).notes.map((n: { text: string }) => n.text),
      ['已派警'],
    );

    await page.click('.alarm-detail .alarm-close');
    await page.waitForSelector('.alarm-detail .alarm-state[data-state=closed]');
    assert.equal(await page.textContent('.alarm-detail .alarm-state'), '已关闭');
    assert.equal((await state()).state, 'closed');
    await page.waitForSelector(marker, { state: 'detached' });
    // another operator reopens it: the panel is told (alarm:notify, reopened), it shows new and blinks again
    const other = await t.api('POST', `/api/v1/alarms/${id}/reopen`, { token: w.tokens.top2 });
    assert.equal(other.status, 200, other.text);
    await page.waitForSelector('.alarm-detail .alarm-state[data-state=new]');
    await page.waitForSelector(`${marker}.blinking`);
    // and acknowledges it (not pushed): this one's Acknowledge is refused (409, said), the alarm shown as it is now
    assert.equal((await t.api('POST', `/api/v1/alarms/${id}/ack`, { token: w.tokens.top2 })).status, 200);
    await page.click('.alarm-detail .alarm-ack');
    await page.locator('.toast-error', { hasText: 'may not ack an alarm that is acknowledged' }).waitFor();
    await page.waitForSelector('.alarm-detail .alarm-state[data-state=acknowledged]');
    await page.click('.alarm-detail .alarm-close');
    await page.waitForSelector('.alarm-detail .alarm-state[data-state=closed]');
    await page.waitForSelector(marker, { state: 'detached' });
    await page.click('.alarm-detail .alarm-back');
    await page.waitForSelector('.alarm-list');
    assert.equal(await page.locator(item).count(), 0, 'the open list no longer holds it');

    // its footage: the west camera recorded it (south could not); reopened from the full list, the index has it
    await page.selectOption('.alarm-panel select[name=alarm-scope]', 'all');
    const clip = `.alarm-clip[data-camera-id="${w.cams.west}"] .clip-held`;
    let held = '';
    for (let i = 0; i < 10 && !/^\d+ 段录像$/.test(held); i++) {
      if (i) await page.click('.alarm-detail .alarm-back');
      await page.click(item);
      await page.waitForFunction((sel) => !!document.querySelector(sel)?.textContent, clip);
      held = (await page.textContent(clip)) ?? '';
      if (!/段录像/.test(held)) await page.waitForTimeout(1000);
    }
    assert.match(held, /^\d+ 段录像$/);
    assert.equal(await page.locator('.alarm-clip').count(), 1, 'only the camera that recorded it');
    // played back over the event's window from the alarm itself: what the camera drew, through the recording
    const linked = `.alarm-detail .event-video-cam[data-camera-id="${w.cams.west}"]`;
    await page.click(`${linked} .replay`);
    const clipPane = `.alarm-detail .event-video-player .clip[data-camera-id="${w.cams.west}"]`;
    await page.waitForFunction(
      (sel) => {
        const v = document.querySelector(`${sel} video`) as HTMLVideoElement | null;
        return !!v && v.readyState >= 2 && v.currentTime > 0.5;
      },
      clipPane,
      { timeout: 20_000 },
    );
    await expectPaneShows(page, clipPane, await referenceFrame(sim.url(0, 'main')), { samples: 2, everyMs: 400 });
    const spans = await get(
      w.tokens.top,
      `/api/v1/cameras/${w.cams.west}/recordings?${new URLSearchParams({
        from: (await state()).eventAt,
        to: new Date(Date.now() + 60_000).toISOString(),
      })}`,
    );
    assert.ok(spans.spans.length >= 1);

    // the link drops: an alarm raised meanwhile is not pushed, and is listed once the link is back
    await page.click('.alarm-detail .alarm-back');
    await page.waitForSelector(item);
    await page.context().setOffline(true);
    // the operator is told the link is down (a socket may outlive the network: the console drops it itself)
    await page.waitForSelector('.topbar .link-status[data-link=down]', { state: 'visible' });
    assert.equal(await page.textContent('.topbar .link-status'), '实时连接中断 · 告警暂不推送');
    const missed = String((await alarmOf(await postAlarmEvent(t, w, 'while-offline', at(-10, 10)))).id);
    await page.waitForTimeout(1000);
    assert.equal(await page.locator(`.alarm-item[data-alarm="${missed}"]`).count(), 0, 'not pushed while offline');
    await page.context().setOffline(false);
    await page.waitForSelector(`.alarm-item[data-alarm="${missed}"]`, { timeout: 20_000 });
    await page.waitForSelector('.topbar .link-status', { state: 'hidden' });
    assert.deepEqual(page.errors, []);
  });
});
