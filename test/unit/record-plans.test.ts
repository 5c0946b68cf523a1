// Recording plan rules (which plan applies, weekly windows in a time zone, checks) and query time ranges, as tables of cases.
import assert from 'node:assert/strict';
import type { PlanRecord } from '../../gateway/db/recording-plans-repo';
import { checkPlan, desiredNow, inWindows, resolvePlan, type PlanDefaults } from '../../gateway/recordings/plan-rules';
import { checkRange, parseInstant } from '../../gateway/recordings/time-range';

const D: PlanDefaults = {
  mode: 'off',
  profile: 'main',
  preRollS: 5,
  postRollS: 10,
  retentionDays: 30,
  eventRetentionDays: 90,
};
let nextId = 1;
const plan = (p: Partial<PlanRecord>): PlanRecord => ({
  id: nextId++,
  scope: 'camera',
  cameraId: null,
  tag: null,
  departmentId: null,
  mode: 'continuous',
  profile: 'main',
  windows: [],
  timeZone: 'UTC',
  preRollS: 5,
  postRollS: 10,
  retentionDays: null,
  eventRetentionDays: null,
  updatedBy: 'test',
  updatedAt: '2026-12-06T00:00:00Z',
  ...p,
});

describe('record: plans', () => {
  const plans = [
    plan({ scope: 'camera', cameraId: '1', mode: 'event', retentionDays: 7 }),
    plan({ scope: 'tag', tag: 'station', mode: 'scheduled', departmentId: 2 }),
    plan({ scope: 'tag', tag: 'station', mode: 'event' }),
    plan({ scope: 'tag', tag: 'gate', mode: 'continuous' }),
    plan({ scope: 'department', departmentId: 2, mode: 'event', eventRetentionDays: 365, retentionDays: 14 }),
  ];
  const cases: Array<
    [string, { id: string; departmentId: number | null; tags: string[] }, string, string, number, number]
  > = [
    [
      'own plan first, days from its department',
      { id: '1', departmentId: 2, tags: ['gate'] },
      'event',
      'camera',
      7,
      365,
    ],
    ['strongest tag plan', { id: '2', departmentId: 2, tags: ['station', 'gate'] }, 'continuous', 'tag:gate', 14, 365],
    [
      'tag plan of its own department',
      { id: '3', departmentId: 2, tags: ['station'] },
      'scheduled',
      'tag:station',
      14,
      365,
    ],
    ['tag plan for all departments', { id: '4', departmentId: 3, tags: ['station'] }, 'event', 'tag:station', 30, 90],
    ['department plan', { id: '5', departmentId: 2, tags: [] }, 'event', 'department', 14, 365],
    ['defaults', { id: '6', departmentId: 3, tags: [] }, 'off', 'default', 30, 90],
  ];
  for (const [name, cam, mode, source, days, eventDays] of cases)
    it(`resolves: ${name}`, () => {
      const p = resolvePlan(cam, plans, D);
      assert.deepEqual([p.mode, p.source, p.retentionDays, p.eventRetentionDays], [mode, source, days, eventDays]);
    });

  it('weekly windows in the plan’s time zone, end exclusive; desired state per mode', () => {
    const w = [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }];
    // Monday 2026-12-07 08:30 in Shanghai is Monday 00:30 UTC
    const mon0830sh = Date.parse('2026-12-07T08:30:00+08:00');
    assert.equal(inWindows(w, 'Asia/Shanghai', mon0830sh), true);
    assert.equal(inWindows(w, 'UTC', mon0830sh), false);
    assert.equal(inWindows(w, 'Asia/Shanghai', Date.parse('2026-12-07T18:00:00+08:00')), false);
    assert.equal(inWindows(w, 'Asia/Shanghai', Date.parse('2026-12-06T10:00:00+08:00')), false, 'Sunday');
    assert.equal(
      inWindows([{ days: [0], start: '00:00', end: '24:00' }], 'UTC', Date.parse('2026-12-06T23:59:00Z')),
      true,
    );
    const base = resolvePlan({ id: '9', departmentId: 1, tags: [] }, [], D);
    assert.equal(
      desiredNow({ ...base, mode: 'scheduled', windows: w, timeZone: 'Asia/Shanghai' }, mon0830sh),
      'continuous',
    );
    assert.equal(desiredNow({ ...base, mode: 'scheduled', windows: w, timeZone: 'UTC' }, mon0830sh), 'off');
    assert.equal(desiredNow({ ...base, mode: 'event' }, mon0830sh), 'standby');
    assert.equal(desiredNow({ ...base, mode: 'off' }, mon0830sh), 'off');
  });

  it('checkPlan: a good plan comes back typed and normalised', () => {
    const p = checkPlan(
      {
        scope: 'tag',
        tag: '车站',
        departmentId: 2,
        mode: 'scheduled',
        timeZone: 'Asia/Shanghai',
        windows: [{ days: [5, 1, 1], start: '08:00', end: '24:00' }],
      },
      30,
      '7',
    );
    assert.deepEqual(p.windows, [{ days: [1, 5], start: '08:00', end: '24:00' }]);
    assert.equal(p.cameraId, null);
    assert.equal(p.preRollS, 5);
  });

  const bad: Array<[string, Record<string, unknown>, RegExp]> = [
    ['scope', { scope: 'city', mode: 'off' }, /plan\.scope must be camera, tag or department/],
    ['mode', { scope: 'camera', cameraId: '1', mode: 'always' }, /plan\.mode/],
    ['camera id', { scope: 'camera', cameraId: '../1', mode: 'off' }, /plan\.cameraId/],
    ['tag', { scope: 'tag', tag: 'a b', mode: 'off' }, /plan\.tag/],
    ['department', { scope: 'department', mode: 'off' }, /plan\.departmentId a department id is required/],
    [
      'time zone',
      { scope: 'camera', cameraId: '1', mode: 'off', timeZone: 'UTC+8' },
      /plan\.timeZone unknown time zone "UTC\+8"/,
    ],
    [
      'no windows',
      { scope: 'camera', cameraId: '1', mode: 'scheduled' },
      /plan\.windows a scheduled plan needs windows/,
    ],
    [
      'window order',
      { scope: 'camera', cameraId: '1', mode: 'scheduled', windows: [{ days: [1], start: '18:00', end: '08:00' }] },
      /windows\[0\]\.end must be after start 18:00/,
    ],
    [
      'window time',
      { scope: 'camera', cameraId: '1', mode: 'scheduled', windows: [{ days: [1], start: '8:00', end: '09:00' }] },
      /windows\[0\]\.start must be HH:MM/,
    ],
    [
      'pre-roll',
      { scope: 'camera', cameraId: '1', mode: 'event', preRollS: 31 },
      /plan\.preRollS must be a whole number 0–30/,
    ],
    ['retention', { scope: 'camera', cameraId: '1', mode: 'off', retentionDays: 0 }, /plan\.retentionDays/],
  ];
  for (const [name, input, why] of bad)
    it(`checkPlan rejects: ${name}`, () => {
      assert.throws(
        () => checkPlan(input, 30, '7'),
        (e: Error & { issues?: Array<{ path: string }> }) =>
          e.name === 'ValidationError' && why.test(e.message) && !!e.issues?.length,
      );
    });
});

describe('record: time ranges', () => {
  const now = Date.parse('2026-12-06T12:00:00Z');
  it('parses instants with offsets to the millisecond', () => {
    assert.equal(parseInstant('2026-12-06T18:00:00.250+08:00', 'q'), Date.parse('2026-12-06T10:00:00.250Z'));
    assert.equal(parseInstant('2026-12-06T10:00Z', 'q'), Date.parse('2026-12-06T10:00:00Z'));
  });
  const bad: Array<[string, unknown, unknown, RegExp]> = [
    ['reversed', '2026-12-06T11:00:00Z', '2026-12-06T10:00:00Z', /range reversed or empty/],
    ['empty', '2026-12-06T11:00:00Z', '2026-12-06T11:00:00Z', /range reversed or empty/],
    ['future', '2026-12-07T11:00:00Z', '2026-12-07T12:00:00Z', /query\.from .* is in the future/],
    ['years', '2024-01-01T00:00:00Z', '2026-12-06T00:00:00Z', /longer than 400 days/],
    ['no zone', '2026-12-06T10:00:00', '2026-12-06T11:00:00Z', /has no time zone/],
    ['bad zone', '2026-12-06T10:00:00+15:00', '2026-12-06T11:00:00Z', /offset outside/],
    ['zone name', '2026-12-06T10:00:00 Asia/Shanghai', '2026-12-06T11:00:00Z', /must be an ISO 8601 time/],
    ['not a date', '2026-13-01T10:00:00Z', '2026-12-06T11:00:00Z', /not a real date/],
    ['number', 1796551200000, '2026-12-06T11:00:00Z', /must be an ISO 8601 time/],
    ['year 1970', '1970-01-01T00:00:00Z', '1970-01-02T00:00:00Z', /outside the years/],
  ];
  for (const [name, from, to, why] of bad)
    it(`rejects: ${name}`, () => {
      assert.throws(
        () => checkRange(from, to, { maxDays: 400, nowMs: now }),
        (e: Error) => e.name === 'ValidationError' && why.test(e.message),
      );
    });
  it('accepts a range ending in the future (footage up to now)', () => {
    assert.deepEqual(checkRange('2026-12-06T11:00:00Z', '2026-12-06T13:00:00Z', { maxDays: 400, nowMs: now }), {
      fromMs: Date.parse('2026-12-06T11:00:00Z'),
      toMs: Date.parse('2026-12-06T13:00:00Z'),
    });
  });
});
