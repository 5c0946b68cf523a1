// Vendor payload adapters on real captures (test/fixtures/events, see SOURCES.md): each becomes valid event inputs.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValidationError } from '../../gateway/errors';
import { eventInputSchema } from '../../gateway/events/event-model';
import { adapt, hikvisionTime } from '../../gateway/events/vendor-adapters';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/events');
const file = (f: string) => readFileSync(path.join(DIR, f));

describe('events: vendor adapters on real payloads', () => {
  it('Hikvision ANPR plates poll → an anpr read at the source checkpoint, device local time to UTC', () => {
    for (const f of ['hikultimate-anpr-plates-poll.xml', 'hikultimate-anpr-plates-poll-longpicname.xml']) {
      const [e, ...rest] = adapt('hikvision-anpr', file(f), { point: 'KK-1', utcOffsetMinutes: 60 });
      assert.equal(rest.length, 0);
      const v = eventInputSchema.parse(e);
      assert.equal(v.kind, 'anpr');
      if (v.kind !== 'anpr') return;
      assert.equal(v.anpr.plate, 'DK18HVX');
      assert.equal(v.anpr.lane, 1);
      assert.equal(v.anpr.direction, 'forward');
      assert.equal(v.at, '2020-04-24T15:16:27.000Z', 'captureTime 16:16:27 at UTC+1');
      assert.deepEqual(v.location, { point: 'KK-1' });
      assert.match(v.id!, /^pic-2020042416162/, 'picName keys the read (a 25-digit name kept whole)');
    }
    assert.equal(hikvisionTime('20200424T1616270500', 0), '2020-04-24T16:16:27.050Z');
    assert.equal(hikvisionTime('yesterday', 0), undefined);
  });

  it('Hikvision AX PRO CID zone alarm → an intrusion alarm of its zone', () => {
    const [e] = adapt('hikvision-axpro', file('hikultimate-axpro-cidevent-zonealarm.json'), { point: 'AP-9' });
    const v = eventInputSchema.parse(e);
    assert.equal(v.kind, 'alarm');
    if (v.kind !== 'alarm') return;
    assert.deepEqual([v.alarm.alarmType, v.alarm.zone, v.alarm.state], ['intrusion', '1', 'active']);
    assert.equal(v.at, '2012-01-13T02:58:19.000Z');
    assert.match(v.alarm.description!, /CID 3103 zoneAlarm/);
  });

  const AXIS: Array<[string, string, boolean | undefined]> = [
    ['axis-fenceguard-linecrossing-init.xml', 'line-crossing', false],
    ['axis-objectanalytics-change.xml', 'intrusion', true],
    ['axis-pir-change.xml', 'motion', true],
    ['axis-io-input-port0-init.xml', 'other', false],
  ];
  for (const [f, kind, active] of AXIS)
    it(`Axis metadata event ${f} → a camera event "${kind}"`, () => {
      const [e] = adapt('axis-event', file(f), { cameraId: '42' });
      const v = eventInputSchema.parse(e);
      assert.equal(v.kind, 'camera');
      if (v.kind !== 'camera') return;
      assert.equal(v.camera.event, kind);
      assert.equal(v.camera.active, active);
      assert.deepEqual(v.location, { cameraId: '42' });
      assert.ok(!v.camera.topic.includes(':'), 'namespace prefixes removed');
    });

  const BAD: Array<[string, Parameters<typeof adapt>[0], string, RegExp]> = [
    [
      'XML with a DOCTYPE',
      'hikvision-anpr',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Plates>&e;</Plates>',
      /DOCTYPE/,
    ],
    ['XML without plates', 'hikvision-anpr', '<Plates version="2.0"></Plates>', /no Plates\/Plate/],
    ['truncated XML', 'axis-event', '<tt:MetadataStream xmlns:tt="x"><tt:Event>', /axis-event payload/],
    ['not an AX PRO alert', 'hikvision-axpro', '{"eventType":"heartBeat"}', /cidEvent/],
    ['malformed JSON', 'cloudeye', '{"kind":', /malformed JSON/],
    ['a __proto__ key', 'cloudeye', '{"a":{"__proto__":{}}}', /__proto__/],
  ];
  for (const [name, format, body, message] of BAD)
    it(`refuses ${name} (${format}) with a ValidationError`, () => {
      assert.throws(
        () => adapt(format, Buffer.from(body), { point: 'P' }),
        (e: unknown) => e instanceof ValidationError && message.test(e.message),
      );
    });

  it('a vendor source without a location setting is refused clearly', () => {
    assert.throws(
      () => adapt('hikvision-anpr', file('hikultimate-anpr-plates-poll.xml'), {}),
      /no point or cameraId setting/,
    );
  });
});
