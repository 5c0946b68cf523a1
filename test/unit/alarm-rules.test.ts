// Linkage rule matching (kind, department, severity, area, weekly windows, cleared alarms) and the alarm state machine.
import assert from 'node:assert/strict';
import {
  compileRule,
  inWindows,
  localTime,
  matchingRules,
  mismatch,
  severityOf,
} from '../../gateway/alarms/rule-match';
import { RULE_DEFAULTS, ruleCreateSchema, type AlarmRule } from '../../gateway/alarms/rule-model';
import { ALARM_STATES, ALARM_STEPS, refusal, TRANSITIONS } from '../../gateway/alarms/alarm-model';
import type { StoredEvent } from '../../gateway/events/event-model';
import { GisInputError } from '../../gis/errors';

const SQUARE = {
  type: 'Polygon',
  coordinates: [
    [
      [111.6, 29.0],
      [111.8, 29.0],
      [111.8, 29.1],
      [111.6, 29.1],
      [111.6, 29.0],
    ],
  ],
};

const rule = (o: Partial<AlarmRule> = {}): AlarmRule => ({
  ...RULE_DEFAULTS,
  id: 1,
  departmentId: 2,
  name: 'r',
  kinds: ['alarm'],
  windows: [],
  createdAt: '',
  updatedAt: '',
  ...o,
});

// 2026-12-07 is a Monday; 02:30 UTC is 10:30 in Asia/Shanghai
const MONDAY_0230Z = '2026-12-07T02:30:00.000Z';
const event = (o: Partial<StoredEvent> = {}): StoredEvent => ({
  id: '9',
  at: MONDAY_0230Z,
  receivedAt: MONDAY_0230Z,
  kind: 'alarm',
  type: 'alarm.button',
  sourceId: 1,
  source: 'webhook:s',
  cameraId: null,
  pointId: null,
  departmentId: 2,
  lng: 111.7,
  lat: 29.05,
  plate: null,
  data: { alarmType: 'button', zone: 'Z', state: 'active', severity: 4 },
  ...o,
});

describe('alarm rules: matching an accepted event', () => {
  const cases: Array<[string, Partial<AlarmRule>, Partial<StoredEvent>, string | null]> = [
    ['a plain match', {}, {}, null],
    ['a disabled rule', { enabled: false }, {}, 'rule disabled'],
    ['another department', {}, { departmentId: 3 }, 'another department'],
    ['a kind not in the rule', { kinds: ['anpr'] }, {}, 'kind alarm not in the rule'],
    ['one of several kinds', { kinds: ['anpr', 'alarm'] }, {}, null],
    ['below the severity', { minSeverity: 5 }, {}, 'severity 4 below 5'],
    ['at the severity', { minSeverity: 4 }, {}, null],
    ['no severity counts as 3', { minSeverity: 3, kinds: ['anpr'] }, { kind: 'anpr', data: { plate: 'X' } }, null],
    ['no severity is below 4', { minSeverity: 4, kinds: ['anpr'] }, { kind: 'anpr', data: {} }, 'severity 3 below 4'],
    ['a cleared alarm', {}, { data: { state: 'cleared', severity: 5 } }, 'a cleared alarm'],
    ['inside the area', { area: SQUARE }, {}, null],
    ['outside the area', { area: SQUARE }, { lng: 111.9 }, 'outside the area'],
    [
      'inside a window (Shanghai time)',
      { windows: [{ days: [1], start: '10:00', end: '11:00' }], timeZone: 'Asia/Shanghai' },
      {},
      null,
    ],
    [
      'outside a window (the same hour in UTC)',
      { windows: [{ days: [1], start: '10:00', end: '11:00' }], timeZone: 'UTC' },
      {},
      'outside the time windows',
    ],
    ['another weekday', { windows: [{ days: [0, 6], start: '00:00', end: '24:00' }] }, {}, 'outside the time windows'],
  ];
  for (const [name, r, e, want] of cases) {
    it(`${name}: ${want ?? 'raises'}`, () => {
      assert.equal(mismatch(compileRule(rule(r)), event(e)), want);
    });
  }

  it('every matching rule raises, in order; none when nothing matches', () => {
    const rules = [rule({ id: 1 }), rule({ id: 2, kinds: ['anpr'] }), rule({ id: 3, minSeverity: 2 })].map(compileRule);
    assert.deepEqual(
      matchingRules(rules, event()).map((r) => r.id),
      [1, 3],
    );
    assert.deepEqual(matchingRules(rules, event({ departmentId: 7 })), []);
  });

  it('severity is the event’s own 1…5 integer, else 3', () => {
    assert.equal(severityOf({ data: { severity: 5 } }), 5);
    for (const bad of [0, 6, 2.5, '5', null]) assert.equal(severityOf({ data: { severity: bad } }), 3);
  });

  it('local time and windows follow the time zone, end exclusive', () => {
    assert.deepEqual(localTime(Date.parse(MONDAY_0230Z), 'Asia/Shanghai'), { day: 1, minute: 630 });
    assert.equal(
      inWindows([{ days: [1], start: '10:00', end: '10:30' }], 'Asia/Shanghai', Date.parse(MONDAY_0230Z)),
      false,
    );
    assert.equal(inWindows([], 'UTC', 0), true);
  });

  it('a rule whose area is not a valid polygon does not compile (GisInputError naming the fault)', () => {
    const bow = {
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
    };
    assert.throws(() => compileRule(rule({ area: bow })), GisInputError);
    assert.throws(() => compileRule(rule({ area: { type: 'Point', coordinates: [1, 2] } })), /Polygon/);
  });
});

describe('alarm rules: input schema', () => {
  const base = { name: 'n', kinds: ['alarm'] };
  const bad: Array<[string, Record<string, unknown>]> = [
    ['an unknown kind', { kinds: ['fire'] }],
    ['no kinds', { kinds: [] }],
    ['no cameras', { cameraCount: 0 }],
    ['too many cameras', { cameraCount: 17 }],
    ['a fractional count', { cameraCount: 2.5 }],
    ['a severity of 6', { minSeverity: 6 }],
    ['a window ending before it starts', { windows: [{ days: [1], start: '11:00', end: '10:00' }] }],
    ['a day 7', { windows: [{ days: [7], start: '10:00', end: '11:00' }] }],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }],
    ['an unknown field', { colour: 'red' }],
    ['a radius of 0', { radiusM: 0 }],
  ];
  for (const [name, o] of bad)
    it(`refuses ${name}`, () => assert.equal(ruleCreateSchema.safeParse({ ...base, ...o }).success, false));
  it('accepts a full rule', () => {
    const r = ruleCreateSchema.safeParse({
      ...base,
      area: SQUARE,
      windows: [{ days: [1, 2], start: '08:00', end: '24:00' }],
      timeZone: 'Asia/Shanghai',
      minSeverity: 3,
      cameraCount: 16,
      radiusM: 500,
      preRollS: 10,
      postRollS: 30,
      ackTimeoutS: 60,
    });
    assert.ok(r.success, JSON.stringify(r.error?.issues));
  });
});

describe('alarms: the state machine', () => {
  it('new → acknowledged → handled → closed, close from any open state, reopen from closed only', () => {
    const allowed = Object.fromEntries(
      ALARM_STEPS.map((s) => [s, ALARM_STATES.filter((st) => refusal(s, st) === null)]),
    );
    assert.deepEqual(allowed, {
      ack: ['new'],
      handle: ['acknowledged'],
      close: ['new', 'acknowledged', 'handled'],
      reopen: ['closed'],
    });
    assert.deepEqual(
      ALARM_STEPS.map((s) => TRANSITIONS[s].to),
      ['acknowledged', 'handled', 'closed', 'new'],
    );
    assert.equal(refusal('handle', 'new'), 'may not handle an alarm that is new (allowed from acknowledged)');
  });
});
