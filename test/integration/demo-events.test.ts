// The demo's event simulators against a gateway and the machine's Mosquitto (1883): checkpoints post signed
// Hikvision plate reads, alarm boxes publish AX PRO alerts (QoS 1), the demo's rule raises alarms to operators.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startDemoEvents, DEMO_RULE_NAME, type DemoEvents } from '../../sim/events/demo-events';
import { DEMO_ALARM_POINTS, DEMO_CHECKPOINTS } from '../../sim/events/demo-points';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { listen, type AlarmListener } from '../helpers/alarms';
import { waitFor } from '../helpers/wait-for';

const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

describe('demo event simulators (machine Mosquitto)', function () {
  this.timeout(90000);
  let t: TestGateway;
  let sims: DemoEvents | undefined;
  let op: AlarmListener;
  const warnings: string[] = [];
  // a topic space of this run's own on the shared broker
  const topicPrefix = `cloudeye-test-${process.pid}-${randomBytes(3).toString('hex')}`;
  const start = () =>
    startDemoEvents({
      base: t.base,
      brokerUrl: BROKER,
      topicPrefix,
      admins: { traffic: 'tadmin', police: 'padmin' },
      password: (u) => `pw-${u}`,
      rate: 4,
      firstAlarmAfterS: 1,
      alarmMeanGapS: 2,
      log: (_level, msg) => void warnings.push(msg),
    });

  before(async () => {
    t = await startTestGateway();
    await t.addUser('tadmin', 'admin', 'traffic');
    await t.addUser('padmin', 'admin', 'police');
    await t.addUser('pop', 'operator', 'police');
    // two police cameras looking at every alarm box, so the raised alarms have cameras
    const padmin = await t.login('padmin');
    for (const [i, a] of DEMO_ALARM_POINTS.entries()) {
      const r = await t.api('POST', '/api/v1/cameras', {
        token: padmin,
        body: {
          name: `box-${i}`,
          mainUri: `rtsp://10.9.8.${i + 1}/a`,
          lng: a.lng - 0.0005,
          lat: a.lat,
          bearing: 90,
          fov: 60,
          rangeM: 150,
        },
      });
      assert.equal(r.status, 201, r.text);
    }
    op = await listen(t, await t.login('pop'));
  });

  after(async () => {
    await sims?.close();
    op?.socket.close();
    await t?.close();
  });

  it('registers its points, sources and rule; reads and alarms arrive, are stored, and raise alarms with cameras', async () => {
    sims = await start();
    const raised = await op.next((m) => m.reason === 'raised', 30000);
    assert.equal(raised.event.kind, 'alarm');
    assert.match(raised.event.source, /^source:demo-sim BJ-DEMO-\d\d$/);
    assert.ok(raised.cameras.length >= 1, JSON.stringify(raised));
    const reads = await waitFor(
      async () => {
        const rows = await t.gw.db.knex('events').where({ kind: 'anpr' }).select('plate_norm', 'point_id', 'data');
        return new Set(rows.map((r) => r.point_id)).size >= 3 && rows.length >= 10 && rows;
      },
      { what: 'plate reads from three checkpoints', timeoutMs: 30000 },
    );
    for (const r of reads) {
      assert.match(r.plate_norm, /^[湘鄂渝粤贵][A-Z][A-Z0-9]{5,6}$/);
      assert.ok(r.data.lane >= 1 && ['forward', 'reverse'].includes(r.data.direction), JSON.stringify(r.data));
    }
    assert.ok(reads.filter((r) => r.plate_norm.startsWith('湘J')).length >= reads.length / 2, 'mostly Changde plates');
    const stored = await t.gw.db.knex('events').where({ kind: 'alarm' }).first();
    assert.ok(stored && /^alarm\.(intrusion|button|fire)$/.test(stored.type), JSON.stringify(stored));
    assert.equal(sims.checkpoints.stats.failed, 0, warnings.join('\n'));
    assert.equal(sims.alarmBoxes.stats.failed, 0, warnings.join('\n'));
  });

  it('a second start registers anew without doubling anything', async () => {
    await sims!.close();
    sims = await start();
    const sources = await t.gw.db.knex('event_sources').select('kind', 'format');
    assert.equal(sources.length, DEMO_CHECKPOINTS.length + DEMO_ALARM_POINTS.length);
    assert.equal(sources.filter((s) => s.kind === 'webhook' && s.format === 'hikvision-anpr').length, 8);
    assert.equal(sources.filter((s) => s.kind === 'mqtt' && s.format === 'hikvision-axpro').length, 6);
    assert.equal(Number((await t.gw.db.knex('event_points').count('* as n'))[0]!.n), 14);
    assert.equal((await t.gw.db.knex('alarm_rules').where({ name: DEMO_RULE_NAME })).length, 1);
    const before = sims.checkpoints.stats.accepted;
    await waitFor(() => sims!.checkpoints.stats.accepted > before + 3, {
      what: 'reads after the restart',
      timeoutMs: 20000,
    });
  });
});
