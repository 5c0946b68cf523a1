// Event kinds, their shapes and locations; plate normalisation and search patterns.
import assert from 'node:assert/strict';
import { eventBatchSchema, eventInputSchema, normalizePlate, typeOf } from '../../gateway/events/event-model';
import { parsePlatePattern } from '../../gateway/events/plate-pattern';
import { ValidationError } from '../../gateway/errors';

const at = { point: 'KK-1' };

describe('events: kinds and shapes', () => {
  const GOOD: Array<[string, unknown, string]> = [
    [
      'an ANPR read with every field',
      {
        kind: 'anpr',
        location: at,
        anpr: {
          plate: '湘J·12345',
          plateColor: 'blue',
          vehicleType: 'car',
          vehicleColor: 'white',
          direction: 'north',
          lane: 2,
          speedKmh: 62.5,
          imageUrl: 'http://10.0.0.9/p/1.jpg',
          confidence: 0.97,
        },
      },
      'anpr.read',
    ],
    [
      'an alarm box with a zone',
      {
        kind: 'alarm',
        location: { position: { lng: 111.7, lat: 29 } },
        alarm: { alarmType: 'alarm-box', zone: '3F-东' },
      },
      'alarm.alarm-box',
    ],
    [
      'a camera line crossing',
      {
        kind: 'camera',
        location: { cameraId: '12' },
        camera: { event: 'line-crossing', topic: 'RuleEngine/LineDetector/Crossed', active: true },
      },
      'camera.line-crossing',
    ],
    ['a custom event', { kind: 'custom', type: 'door.open', location: at, data: { door: 3 } }, 'door.open'],
  ];
  for (const [name, input, type] of GOOD)
    it(`accepts ${name} (type ${type})`, () => {
      const v = eventInputSchema.parse(input);
      assert.equal(typeOf(v), type);
    });

  const BAD: Array<[string, unknown, string]> = [
    ['no location', { kind: 'alarm', alarm: { alarmType: 'fire', zone: 'A' } }, 'location'],
    ['an empty location', { kind: 'alarm', location: {}, alarm: { alarmType: 'fire', zone: 'A' } }, 'location'],
    [
      'a position off the globe',
      { kind: 'alarm', location: { position: { lng: 200, lat: 0 } }, alarm: { alarmType: 'fire', zone: 'A' } },
      'location.position.lng',
    ],
    ['a plate with markup', { kind: 'anpr', location: at, anpr: { plate: '<b>湘J1</b>' } }, 'anpr.plate'],
    ['a one-character plate', { kind: 'anpr', location: at, anpr: { plate: '湘' } }, 'anpr.plate'],
    [
      'a speed of 900 km/h',
      { kind: 'anpr', location: at, anpr: { plate: '湘J12345', speedKmh: 900 } },
      'anpr.speedKmh',
    ],
    [
      'an image by file URL',
      { kind: 'anpr', location: at, anpr: { plate: '湘J12345', imageUrl: 'file:///etc/passwd' } },
      'anpr.imageUrl',
    ],
    [
      'an unknown alarm type',
      { kind: 'alarm', location: at, alarm: { alarmType: 'ufo', zone: 'A' } },
      'alarm.alarmType',
    ],
    ['an unknown field', { kind: 'alarm', location: at, alarm: { alarmType: 'fire', zone: 'A' }, extra: 1 }, ''],
    ['a custom type with spaces', { kind: 'custom', type: 'rm -rf', location: at }, 'type'],
    ['custom data over 16 kB', { kind: 'custom', type: 'x', location: at, data: { b: 'x'.repeat(17000) } }, 'data'],
    ['an id with spaces', { id: 'a b', kind: 'custom', type: 'x', location: at }, 'id'],
    ['a time without zone', { at: '2026-12-06T10:00:00', kind: 'custom', type: 'x', location: at }, 'at'],
  ];
  for (const [name, input, path] of BAD)
    it(`refuses ${name}`, () => {
      const r = eventInputSchema.safeParse(input);
      assert.equal(r.success, false);
      if (path)
        assert.ok(
          r.error!.issues.some((i) => i.path.join('.') === path),
          JSON.stringify(r.error!.issues.map((i) => i.path)),
        );
    });

  it('a batch holds 1 to 500 events', () => {
    const e = { kind: 'custom', type: 'x', location: at };
    assert.equal(eventBatchSchema.safeParse({ events: [e] }).success, true);
    assert.equal(eventBatchSchema.safeParse({ events: [] }).success, false);
    assert.equal(eventBatchSchema.safeParse({ events: Array(501).fill(e) }).success, false);
  });
});

describe('events: plates', () => {
  it('normalises case, width, spaces, dots and dashes', () => {
    assert.equal(normalizePlate('湘j·12345'), '湘J12345');
    assert.equal(normalizePlate('ＡＢ-12 3'), 'AB123');
  });

  const PATTERNS: Array<[string, unknown]> = [
    ['湘J12345', { exact: '湘J12345' }],
    ['湘j 12345', { exact: '湘J12345' }],
    ['湘J*8*', { like: '湘J%8%' }],
    ['*12345', { like: '%12345' }],
    ['湘J?8B99', { like: '湘J_8B99' }],
    ['湘J**8', { like: '湘J%8' }],
  ];
  for (const [raw, want] of PATTERNS) it(`pattern ${raw}`, () => assert.deepEqual(parsePlatePattern(raw), want));

  for (const bad of ['*8*', '??', '湘J%', "J1'--", '湘J_1', 'x'.repeat(33)])
    it(`refuses the pattern ${JSON.stringify(bad.slice(0, 12))}`, () => {
      assert.throws(
        () => parsePlatePattern(bad),
        (e: unknown) => e instanceof ValidationError && e.issues[0]!.path === 'query.plate',
      );
    });
});
