// Alarms on a real gateway: rule CRUD and its bad input, an event matching no rule, the workflow and its 409s,
// assignment and notes, policy filtering, escalation of an unacknowledged alarm, and the audit rows of every step.
import assert from 'node:assert/strict';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import {
  alarmWorld,
  auditRows,
  listen,
  P,
  postAlarmEvent,
  type AlarmListener,
  type AlarmWorld,
} from '../helpers/alarms';

describe('alarms: rules, workflow, escalation', function () {
  this.timeout(60_000);
  let t: TestGateway;
  let w: AlarmWorld;
  let ruleId: number;
  const alarmOf = async (eventId: string) =>
    waitFor(async () => t.gw.db.knex('alarms').where({ event_id: eventId }).first(), {
      what: `the alarm of ${eventId}`,
    });

  before(async () => {
    t = await startTestGateway({ events: { alarms: { sweepIntervalMs: 100 } } });
    w = await alarmWorld(t);
  });
  after(async () => t?.close());

  describe('rules', () => {
    const post = (token: string, body: Record<string, unknown>) =>
      t.api('POST', '/api/v1/alarm-rules', { token, body });
    const square = (d: number) => ({
      type: 'Polygon',
      coordinates: [
        [
          [P.lng - d, P.lat - d],
          [P.lng + d, P.lat - d],
          [P.lng + d, P.lat + d],
          [P.lng - d, P.lat + d],
          [P.lng - d, P.lat - d],
        ],
      ],
    });

    it('a department admin creates a rule with defaults (4 cameras); it is listed to its department only', async () => {
      const r = await post(w.tokens.tadm, { name: 'buttons', kinds: ['alarm'], area: square(0.005), ackTimeoutS: 600 });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.body.cameraCount, 4);
      assert.equal(r.body.departmentId, t.departments.traffic);
      ruleId = r.body.id;
      const mine = await t.api('GET', '/api/v1/alarm-rules', { token: w.tokens.tadm });
      assert.deepEqual(
        mine.body.items.map((x: { id: number }) => x.id),
        [ruleId],
      );
      const theirs = await t.api('GET', '/api/v1/alarm-rules', { token: w.tokens.padm });
      assert.deepEqual(theirs.body.items, []);
      assert.equal((await t.api('GET', `/api/v1/alarm-rules/${ruleId}`, { token: w.tokens.padm })).status, 404);
      const audit = await auditRows(t, 'alarm.rule.create');
      assert.equal(audit.length, 1);
      assert.equal(audit[0].target_id, String(ruleId));
    });

    const bad: Array<[string, Record<string, unknown>, number, RegExp]> = [
      [
        'a self-crossing polygon',
        {
          area: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 1],
                [1, 0],
                [0, 1],
                [0, 0],
              ],
            ],
          },
        },
        400,
        /body\.area/,
      ],
      ['a point for an area', { area: { type: 'Point', coordinates: [1, 2] } }, 400, /Polygon/],
      ['an unknown kind', { kinds: ['earthquake'] }, 400, /kinds/],
      ['no camera', { cameraCount: 0 }, 400, /cameraCount/],
      ['17 cameras', { cameraCount: 17 }, 400, /cameraCount/],
      ['an unknown field', { colour: 'red' }, 400, /colour/],
      ['a taken name', { name: 'buttons' }, 409, /already has a rule named "buttons"/],
      ['another department', { departmentId: 1 }, 403, /may not act for department/],
    ];
    for (const [name, o, status, detail] of bad)
      it(`refuses ${name} (${status}), storing nothing`, async () => {
        const r = await post(w.tokens.tadm, { name: 'other', kinds: ['alarm'], ...o });
        assert.equal(r.status, status, r.text);
        assert.match(r.body.detail + JSON.stringify(r.body.errors ?? []), detail);
        assert.equal((await t.gw.db.knex('alarm_rules').count<{ count: string }[]>('* as count'))[0]!.count, '1');
      });

    it('an operator may not manage rules (403); a patch changes fields, a bad patch nothing', async () => {
      assert.equal((await post(w.tokens.top, { name: 'x', kinds: ['alarm'] })).status, 403);
      const bad = await t.api('PATCH', `/api/v1/alarm-rules/${ruleId}`, {
        token: w.tokens.tadm,
        body: { minSeverity: 9 },
      });
      assert.equal(bad.status, 400, bad.text);
      const ok = await t.api('PATCH', `/api/v1/alarm-rules/${ruleId}`, {
        token: w.tokens.tadm,
        body: { minSeverity: 3 },
      });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.minSeverity, 3);
      const theirs = await t.api('PATCH', `/api/v1/alarm-rules/${ruleId}`, {
        token: w.tokens.padm,
        body: { minSeverity: 1 },
      });
      assert.equal(theirs.status, 404);
    });

    it('events matching no rule raise nothing: another kind, a low severity, outside the area', async () => {
      const before = await t.gw.db.knex('alarms').count<{ count: string }[]>('* as count');
      await postAlarmEvent(t, w, 'nm-1', P, { kind: 'anpr' });
      await postAlarmEvent(t, w, 'nm-2', P, { severity: 2 });
      await postAlarmEvent(t, w, 'nm-3', { lng: P.lng + 0.05, lat: P.lat });
      await t.gw.services.alarms.raiser.settled();
      assert.deepEqual(await t.gw.db.knex('alarms').count<{ count: string }[]>('* as count'), before);
    });
  });

  describe('workflow', () => {
    let id: string;
    let eventId: string;
    const step = (s: string, token = w.tokens.top, body?: unknown) =>
      t.api('POST', `/api/v1/alarms/${id}/${s}`, { token, ...(body === undefined ? {} : { body }) });

    before(async () => {
      eventId = await postAlarmEvent(t, w, 'wf-1', P);
      id = String((await alarmOf(eventId)).id);
    });

    it('the alarm is listed and read by its department, with its event and clip ranges; not by police', async () => {
      const list = await t.api('GET', '/api/v1/alarms?state=new', { token: w.tokens.top });
      assert.equal(list.status, 200, list.text);
      assert.ok(list.body.items.some((a: { id: string }) => a.id === id));
      const one = await t.api('GET', `/api/v1/alarms/${id}`, { token: w.tokens.top });
      assert.equal(one.status, 200, one.text);
      assert.equal(one.body.event.id, eventId);
      assert.deepEqual(
        one.body.cameras.map((c: { cameraId: string }) => c.cameraId),
        [w.cams.west, w.cams.south],
      );
      const atMs = Date.parse(one.body.event.at);
      assert.equal(one.body.cameras[0].from, new Date(atMs - 10_000).toISOString());
      assert.equal(one.body.cameras[0].to, new Date(atMs + 20_000).toISOString());
      assert.equal((await t.api('GET', `/api/v1/alarms/${id}`, { token: w.tokens.pop })).status, 404);
      const theirs = await t.api('GET', '/api/v1/alarms', { token: w.tokens.pop });
      assert.deepEqual(theirs.body.items, []);
      assert.equal((await t.api('GET', '/api/v1/alarms', { token: w.tokens.tview })).status, 403);
      assert.equal((await t.api('GET', '/api/v1/alarms?state=bogus', { token: w.tokens.top })).status, 400);
      assert.equal((await t.api('GET', '/api/v1/alarms/abc', { token: w.tokens.top })).status, 400);
    });

    it('steps out of order are 409 with the state named; each legal step moves it and is audited', async () => {
      const early = await step('handle');
      assert.equal(early.status, 409, early.text);
      assert.match(early.body.detail, new RegExp(`alarm ${id}: may not handle an alarm that is new`));
      assert.equal((await step('reopen')).status, 409);
      const ack = await step('ack');
      assert.equal(ack.status, 200, ack.text);
      assert.equal(ack.body.state, 'acknowledged');
      assert.equal((await step('ack')).status, 409);
      assert.equal((await step('ack', w.tokens.pop)).status, 404);
      assert.equal((await step('handle')).body.state, 'handled');
      assert.equal((await step('close')).body.state, 'closed');
      const late = await step('handle');
      assert.equal(late.status, 409);
      assert.match(late.body.detail, /that is closed/);
      assert.equal((await step('assign', w.tokens.top, { userId: w.users.top2 })).status, 409);
      const reopened = await step('reopen');
      assert.equal(reopened.body.state, 'new');
      for (const a of ['ack', 'handle', 'close', 'reopen'])
        assert.equal((await auditRows(t, `alarm.${a}`)).filter((r) => r.target_id === id).length, 1, a);
    });

    it('the assignees offered are the department users who may handle its alarms; not to police, not to viewers', async () => {
      const r = await t.api('GET', `/api/v1/alarms/${id}/assignees`, { token: w.tokens.top });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        r.body.items.map((u: { name: string; role: string }) => [u.name, u.role]),
        [
          ['tadm', 'admin'],
          ['top', 'operator'],
          ['top2', 'operator'],
        ],
      );
      assert.equal((await t.api('GET', `/api/v1/alarms/${id}/assignees`, { token: w.tokens.pop })).status, 404);
      assert.equal((await t.api('GET', `/api/v1/alarms/${id}/assignees`, { token: w.tokens.tview })).status, 403);
      assert.equal((await t.api('GET', '/api/v1/alarms/x/assignees', { token: w.tokens.top })).status, 400);
    });

    it('assignment to a user of the department; notes are appended; bad input is 400 and changes nothing', async () => {
      const r = await step('assign', w.tokens.top, { userId: w.users.top2 });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.assigneeId, w.users.top2);
      for (const [body, why] of [
        [{ userId: w.users.pop }, 'a police operator'],
        [{ userId: 999_999 }, 'no such user'],
        [{ userId: 'x' }, 'not a number'],
        [{}, 'no user'],
      ] as const) {
        const bad = await step('assign', w.tokens.top, body);
        assert.equal(bad.status, 400, `${why}: ${bad.text}`);
      }
      assert.equal((await step('notes', w.tokens.top, { text: 'on my way' })).status, 201);
      const n2 = await step('notes', w.tokens.top2, { text: 'arrived' });
      assert.deepEqual(
        n2.body.notes.map((n: { text: string; userName: string }) => [n.userName, n.text]),
        [
          ['top', 'on my way'],
          ['top2', 'arrived'],
        ],
      );
      for (const body of [{ text: '' }, { text: '   ' }, { text: 'x'.repeat(2001) }, { note: 'x' }])
        assert.equal((await step('notes', w.tokens.top, body)).status, 400);
      const row = await t.gw.db.knex('alarms').where({ id }).first();
      assert.equal(row.assignee_id, w.users.top2);
      assert.equal(row.notes.length, 2);
      assert.equal((await auditRows(t, 'alarm.note')).length, 2);
      assert.equal((await auditRows(t, 'alarm.assign')).length, 1);
    });
  });

  describe('escalation', () => {
    let op: AlarmListener;
    before(async () => {
      const r = await t.api('PATCH', `/api/v1/alarm-rules/${ruleId}`, {
        token: w.tokens.tadm,
        body: { ackTimeoutS: 1 },
      });
      assert.equal(r.status, 200, r.text);
      op = await listen(t, w.tokens.top);
    });
    after(() => op?.socket.close());

    it('an alarm not acknowledged in time is escalated once, re-notified and audited; an acknowledged one is not', async () => {
      const late = await postAlarmEvent(t, w, 'esc-1', P);
      const acked = await postAlarmEvent(t, w, 'esc-2', P);
      const lateId = String((await alarmOf(late)).id);
      const ackedId = String((await alarmOf(acked)).id);
      assert.equal((await t.api('POST', `/api/v1/alarms/${ackedId}/ack`, { token: w.tokens.top })).status, 200);
      const raised = await op.next((m) => m.reason === 'raised' && m.alarm.id === lateId);
      const esc = await op.next((m) => m.reason === 'escalated' && m.alarm.id === lateId, 4000);
      const waitedMs = Date.parse(esc.alarm.updatedAt) - Date.parse(raised.alarm.createdAt);
      assert.ok(waitedMs >= 1000 && waitedMs < 2000, `escalated ${waitedMs} ms after it was raised`);
      assert.equal(esc.alarm.escalated, true);
      assert.equal(esc.event.id, late);
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(op.got.filter((m) => m.reason === 'escalated' && m.alarm.id === lateId).length, 1);
      assert.equal(op.got.filter((m) => m.reason === 'escalated' && m.alarm.id === ackedId).length, 0);
      const rows = (await auditRows(t, 'alarm.escalate')).map((r) => r.target_id);
      assert.deepEqual(rows, [lateId]);
      // acknowledging an escalated alarm is the normal way out of it
      const ack = await t.api('POST', `/api/v1/alarms/${lateId}/ack`, { token: w.tokens.top });
      assert.deepEqual([ack.body.state, ack.body.escalated], ['acknowledged', true]);
    });
  });
});
