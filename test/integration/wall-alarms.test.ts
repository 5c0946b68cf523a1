// Alarms on the wall: a linkage rule naming a screen puts its alarm's cameras there (a running tour paused), and the
// screen shows again what it showed when the alarm is closed (the tour going on), across a gateway restart too; a rule's
// screen must be its department's.
import assert from 'node:assert/strict';
import pg from 'pg';
import { startTestGateway, TEST_DATABASE_URL, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { SimCam } from '../helpers/simcam-rtsp';
import { alarmWorld, auditRows, P, postAlarmEvent, type AlarmWorld } from '../helpers/alarms';

describe('alarms on the wall', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let w: AlarmWorld;
  let screenId: number;
  let ruleId: number;
  let sim: SimCam;
  const screen = async () => (await t.api('GET', `/api/v1/wall/screens/${screenId}`, { token: w.tokens.top })).body;

  before(async () => {
    sim = await SimCam.start({ count: 1, codec: 'h264', width: 320, height: 180, gopS: 1 });
    t = await startTestGateway();
    // the toured camera plays (one nobody answers would be skipped as offline)
    w = await alarmWorld(t, { west: sim.url(0) });
    const s = await t.api('POST', '/api/v1/wall/screens', {
      token: w.tokens.tadm,
      body: { name: '指挥屏', layout: '4' },
    });
    assert.equal(s.status, 201, s.text);
    screenId = s.body.screen.id;
  });
  after(async () => {
    await t?.close();
    await sim?.close();
  });

  it("refuses a rule naming a screen that is not of the rule's department, or no screen at all", async () => {
    const body = { name: 'wall', kinds: ['alarm'], cameraCount: 2 };
    const none = await t.api('POST', '/api/v1/alarm-rules', {
      token: w.tokens.tadm,
      body: { ...body, screenId: 9999 },
    });
    assert.equal(none.status, 400, none.text);
    assert.match(none.text, /screenId/);
    const foreign = await t.api('POST', '/api/v1/alarm-rules', { token: w.tokens.padm, body: { ...body, screenId } });
    assert.equal(foreign.status, 400, 'a screen of another department is refused as no screen');
    assert.equal(
      (await t.api('POST', '/api/v1/alarm-rules', { token: w.tokens.tadm, body: { ...body, screenId: 'x' } })).status,
      400,
    );
    const ok = await t.api('POST', '/api/v1/alarm-rules', { token: w.tokens.tadm, body: { ...body, screenId } });
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.body.screenId, screenId);
    ruleId = ok.body.id;
  });

  it("raised: the alarm's cameras replace the screen's content and pause its tour; closed: the content and tour come back", async () => {
    const put = await t.api('PUT', `/api/v1/wall/screens/${screenId}/panes/3`, {
      token: w.tokens.top,
      body: { cameraId: w.cams.away },
    });
    assert.equal(put.status, 200, put.text);
    const tour = await t.api('POST', '/api/v1/wall/tours', {
      token: w.tokens.top,
      body: { name: 'slow', steps: [{ cameraId: w.cams.west, dwellS: 3600 }] },
    });
    assert.equal(tour.status, 201, tour.text);
    const started = await t.api('POST', `/api/v1/wall/screens/${screenId}/tour`, {
      token: w.tokens.top,
      body: { tourId: tour.body.id },
    });
    assert.equal(started.status, 200, started.text);
    await waitFor(async () => (await screen()).layout === '1', { what: 'the tour on the screen' });

    await postAlarmEvent(t, w, 'wall-1', P);
    const alarm = await waitFor(async () => t.gw.db.knex('alarms').where({ rule_id: ruleId }).first());
    const shown = await waitFor(
      async () => {
        const s = await screen();
        return s.alarm === String(alarm.id) && s;
      },
      { what: "the alarm's cameras on the screen" },
    );
    // the cameras the rule chose for the alarm, each on a pane of the smallest layout holding them
    const chosen = (await t.api('GET', `/api/v1/alarms/${alarm.id}`, { token: w.tokens.top })).body.alarm.cameras;
    const ids = chosen.map((c: { id: string }) => c.id).sort();
    assert.ok(ids.length >= 1 && ids.every((id: string) => [w.cams.west, w.cams.south].includes(id)), String(ids));
    assert.equal(shown.layout, ids.length === 1 ? '1' : '4');
    assert.deepEqual(
      shown.panes
        .map((p: any) => p.cameraId)
        .filter(Boolean)
        .sort(),
      ids,
    );
    assert.equal(shown.tour.paused, true);
    assert.equal((await auditRows(t, 'wall.alarm.show')).length, 1);

    const closed = await t.api('POST', `/api/v1/alarms/${alarm.id}/close`, { token: w.tokens.top });
    assert.equal(closed.status, 200, closed.text);
    const back = await waitFor(
      async () => {
        const s = await screen();
        return s.alarm === null && s.layout === '1' && s;
      },
      { what: 'the previous content back' },
    );
    assert.equal(back.panes[0].cameraId, w.cams.west, 'the tour shows its step again');
    assert.deepEqual(back.tour, { id: tour.body.id, name: 'slow', step: 0, steps: 1, paused: false });
    assert.equal((await auditRows(t, 'wall.alarm.restore')).length, 1);
  });

  it('without a tour: the operator-set panes come back when the alarm is closed', async () => {
    assert.equal((await t.api('DELETE', `/api/v1/wall/screens/${screenId}/tour`, { token: w.tokens.top })).status, 200);
    await t.api('PUT', `/api/v1/wall/screens/${screenId}/layout`, { token: w.tokens.top, body: { layout: '4' } });
    await t.api('PUT', `/api/v1/wall/screens/${screenId}/panes/2`, {
      token: w.tokens.top,
      body: { cameraId: w.cams.away },
    });
    const before = await screen();
    assert.equal(before.panes[2].cameraId, w.cams.away);
    await postAlarmEvent(t, w, 'wall-2', P);
    const alarm = await waitFor(async () => t.gw.db.knex('alarms').where({ rule_id: ruleId, state: 'new' }).first());
    await waitFor(async () => (await screen()).alarm === String(alarm.id), { what: 'the second alarm shown' });
    assert.equal((await t.api('POST', `/api/v1/alarms/${alarm.id}/close`, { token: w.tokens.top })).status, 200);
    const back = await waitFor(async () => {
      const s = await screen();
      return s.alarm === null && s;
    });
    assert.deepEqual(
      back.panes.map((p: any) => p.cameraId),
      before.panes.map((p: any) => p.cameraId),
    );
    assert.equal(back.tour, null);
  });

  /** Sets an alarm's state in the database itself (the gateway stopped). */
  const setAlarmState = async (id: string, state: string): Promise<void> => {
    const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await c.connect();
    try {
      await c.query(`UPDATE "${t.schema}".alarms SET state = $1 WHERE id = $2`, [state, id]);
    } finally {
      await c.end();
    }
  };

  it('across a gateway restart: the alarm stays shown, its tour held; closed, the previous content and tour come back', async () => {
    const tours = (await t.api('GET', '/api/v1/wall/tours', { token: w.tokens.top })).body.items;
    const slow = tours.find((x: { name: string }) => x.name === 'slow');
    const started = await t.api('POST', `/api/v1/wall/screens/${screenId}/tour`, {
      token: w.tokens.top,
      body: { tourId: slow.id },
    });
    assert.equal(started.status, 200, started.text);
    await waitFor(async () => (await screen()).layout === '1', { what: 'the tour on the screen' });
    await postAlarmEvent(t, w, 'wall-3', P);
    // the alarm the screen shows (the rule's newest: an earlier one still open would be replaced by it)
    const alarm = { id: await waitFor(async () => (await screen()).alarm ?? undefined, { what: 'the alarm shown' }) };
    const row = await t.gw.db.knex('alarms').where({ id: alarm.id }).first('rule_id', 'state');
    assert.deepEqual([row.rule_id, row.state], [ruleId, 'new']);

    await t.restart();
    const again = await screen();
    assert.equal(again.alarm, String(alarm.id), 'the screen still names its alarm');
    assert.equal(again.tour.paused, true, 'its tour is held');
    // the alarm's cameras (the rule may add one that came on line meanwhile: compared with the alarm as it is now)
    const chosen = (await t.api('GET', `/api/v1/alarms/${alarm.id}`, { token: w.tokens.top })).body.alarm.cameras;
    assert.deepEqual(
      again.panes
        .map((p: any) => p.cameraId)
        .filter(Boolean)
        .sort(),
      chosen.map((c: { id: string }) => c.id).sort(),
    );
    // the tour resumed paused does not take the screen back (its first step would show within its 4 s head start)
    await new Promise((r) => setTimeout(r, 5000));
    assert.equal((await screen()).alarm, String(alarm.id));

    assert.equal((await t.api('POST', `/api/v1/alarms/${alarm.id}/close`, { token: w.tokens.top })).status, 200);
    const back = await waitFor(
      async () => {
        const s = await screen();
        return s.alarm === null && s.layout === '1' && s;
      },
      { what: 'the previous content back after the restart' },
    );
    assert.equal(back.panes[0].cameraId, w.cams.west, 'the tour shows its step again');
    assert.deepEqual(back.tour, { id: slow.id, name: 'slow', step: 0, steps: 1, paused: false });
    const stored = await t.gw.db.knex('wall_screens').where({ id: screenId }).first('alarm_id', 'alarm_before');
    assert.deepEqual(stored, { alarm_id: null, alarm_before: null });
  });

  it('an alarm closed while the gateway was stopped: the screen shows its previous content when it starts', async () => {
    await postAlarmEvent(t, w, 'wall-4', P);
    const alarm = await waitFor(async () => t.gw.db.knex('alarms').where({ rule_id: ruleId, state: 'new' }).first());
    await waitFor(async () => (await screen()).alarm === String(alarm.id), { what: 'the alarm shown' });
    const restores = (await auditRows(t, 'wall.alarm.restore')).length;
    await t.restart({ whileDown: () => setAlarmState(String(alarm.id), 'closed') });
    const back = await waitFor(
      async () => {
        const s = await screen();
        return s.alarm === null && s.layout === '1' && s;
      },
      { what: 'the previous content back at start' },
    );
    assert.equal(back.panes[0].cameraId, w.cams.west);
    assert.equal(back.tour.paused, false, 'the tour goes on');
    // audited just after the screen is set
    await waitFor(async () => (await auditRows(t, 'wall.alarm.restore')).length === restores + 1, {
      what: 'the restore audited',
    });
  });

  it('a tour stopped while an alarm is shown stays stopped when the alarm is closed', async () => {
    // the tour still runs on the screen (the previous test left it going on)
    await waitFor(async () => (await screen()).tour?.paused === false, { what: 'the tour running' });
    await postAlarmEvent(t, w, 'wall-5', P);
    const alarm = await waitFor(async () => t.gw.db.knex('alarms').where({ rule_id: ruleId, state: 'new' }).first());
    await waitFor(async () => (await screen()).alarm === String(alarm.id), { what: 'the alarm shown' });
    assert.equal((await t.api('DELETE', `/api/v1/wall/screens/${screenId}/tour`, { token: w.tokens.top })).status, 200);
    assert.equal((await screen()).tour, null, 'the screen names no tour');
    assert.equal((await t.api('POST', `/api/v1/alarms/${alarm.id}/close`, { token: w.tokens.top })).status, 200);
    const back = await waitFor(
      async () => {
        const s = await screen();
        return s.alarm === null && s;
      },
      { what: 'the previous content back' },
    );
    assert.equal(back.tour, null, 'no overlay naming the stopped tour');
    assert.equal(back.panes[0].cameraId, w.cams.west, 'the last step shown before the alarm comes back');
    // and it does not start again by itself
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await screen()).tour, null);
  });
});
