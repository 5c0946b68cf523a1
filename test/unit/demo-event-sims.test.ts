// The demo simulators' payloads go through the vendor adapters as the real ones do; the plate fleet is plausible and repeats.
import assert from 'node:assert/strict';
import { eventInputSchema, normalizePlate, plateSchema } from '../../gateway/events/event-model';
import { adapt } from '../../gateway/events/vendor-adapters';
import { axProCidEvent, hikvisionCaptureTime, hikvisionPlatesXml } from '../../sim/events/payloads';
import { PlateFleet } from '../../sim/events/plates';

describe('demo event simulators: payloads and plates', () => {
  it('a plate read posts as Hikvision plates XML: plate, lane, direction, capture time (UTC+8) and picture key survive', () => {
    const at = new Date('2026-12-06T10:20:30.450Z');
    assert.equal(hikvisionCaptureTime(at), '20261206T1820304500');
    const body = hikvisionPlatesXml([
      { at, plate: '湘J7K215', picName: '17652390304500108', lane: 2, direction: 'reverse' },
    ]);
    const [e] = adapt('hikvision-anpr', Buffer.from(body), { point: 'KK-DEMO-01' }).map((x) =>
      eventInputSchema.parse(x),
    );
    assert.ok(e && e.kind === 'anpr');
    assert.deepEqual(e.anpr, { plate: '湘J7K215', lane: 2, direction: 'reverse' });
    assert.equal(e.at, at.toISOString());
    assert.equal(e.id, 'pic-17652390304500108');
    assert.deepEqual(e.location, { point: 'KK-DEMO-01' });
  });

  it('an alarm box alert is an AX PRO cidEvent: zone alarm, panic button and fire map to their types, a restore clears', () => {
    const at = new Date('2026-12-06T10:20:30Z');
    const cases = [
      ['intrusion', 'active', 'intrusion', 'active'],
      ['button', 'active', 'button', 'active'],
      ['fire', 'inactive', 'fire', 'cleared'],
    ] as const;
    for (const [event, state, alarmType, stored] of cases) {
      const body = axProCidEvent({ at, event, zone: 3, state, ip: '10.23.10.2' });
      assert.equal(JSON.parse(body).dateTime, '2026-12-06T18:20:30+08:00');
      const [e] = adapt('hikvision-axpro', Buffer.from(body), { point: 'BJ-DEMO-01' }).map((x) =>
        eventInputSchema.parse(x),
      );
      assert.ok(e && e.kind === 'alarm', event);
      assert.equal(e.alarm.alarmType, alarmType);
      assert.equal(e.alarm.state, stored);
      assert.equal(e.alarm.zone, '3');
      assert.equal(e.at, at.toISOString());
    }
  });

  it('plates are valid, mostly Changde 湘J, and the regulars repeat so a plate makes a track', () => {
    const fleet = new PlateFleet(7);
    const reads = Array.from({ length: 500 }, () => fleet.next());
    for (const v of reads) {
      assert.ok(plateSchema.safeParse(v.plate).success, v.plate);
      assert.equal(normalizePlate(v.plate), v.plate);
      assert.match(
        v.plate,
        v.plateColor === 'green' ? /^[湘鄂渝粤贵][A-Z][DF]\d{5}$/ : /^[湘鄂渝粤贵][A-Z][A-Z0-9]{5}$/,
      );
    }
    const share = reads.filter((v) => v.plate.startsWith('湘J')).length / reads.length;
    assert.ok(share > 0.6 && share < 0.95, `湘J share ${share}`);
    const counts = new Map<string, number>();
    for (const v of reads) counts.set(v.plate, (counts.get(v.plate) ?? 0) + 1);
    const repeated = fleet.regulars.filter((v) => (counts.get(v.plate) ?? 0) >= 3);
    assert.ok(repeated.length >= fleet.regulars.length / 2, `${repeated.length} regulars seen 3 times or more`);
  });
});
