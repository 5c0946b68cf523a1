// cloudeye bench events: webhook and MQTT ingest rates (with a plain INSERT baseline), alarm → operator latency,
// plate search over stored reads. The gateway measured runs in a process of its own (bench/events-gateway.ts).
import { parsePhaseList } from './phases';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { Mosquitto } from '../sim/events/mosquitto';
import { benchAlarmLatency } from './events-alarm';
import { benchInsertBaseline, benchMqtt, benchWebhook, countRows } from './events-ingest';
import { benchPlateSearch, plateSchemaName, samplePlates, seedPlates, StaleSeed } from './events-plates';
import { dropSchema, startEventsRig } from './events-rig';

const CENTER = { lng: 111.69, lat: 29.03 };
const M_LAT = 1 / 111_320;
const M_LNG = 1 / (111_320 * Math.cos((CENTER.lat * Math.PI) / 180));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const EVENTS_PHASES = ['webhook', 'mqtt', 'alarm', 'plates'] as const;
export type EventsPhase = (typeof EVENTS_PHASES)[number];

/** Parses `--only a,b`; every phase when absent; throws naming an unknown phase. */
function phasesOf(only: string | undefined): Set<EventsPhase> {
  return parsePhaseList('events', EVENTS_PHASES, only);
}

export async function run(opts: { log: (line: string) => void; quick?: boolean; only?: string }): Promise<void> {
  const { log } = opts;
  const quick = opts.quick ?? false;
  const phases = phasesOf(opts.only);
  const size = quick
    ? { webhookS: 2, warmupS: 1, maxRate: 4000, mqtt: 1000, alarms: 10, plates: 20_000, samples: 10 }
    : { webhookS: 15, warmupS: 3, maxRate: 12_000, mqtt: 50_000, alarms: 200, plates: 10_000_000, samples: 40 };
  if (phases.has('webhook') || phases.has('mqtt') || phases.has('alarm')) await ingestAndAlarms(log, size, phases);
  if (phases.has('plates')) await plates(log, size);
}

async function ingestAndAlarms(
  log: (l: string) => void,
  size: { webhookS: number; warmupS: number; maxRate: number; mqtt: number; alarms: number },
  phases: Set<EventsPhase>,
): Promise<void> {
  const schema = `bench_events_${process.pid}_${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-bench-ev-'));
  // Mosquitto's defaults hold 20 QoS 1 messages in flight to a subscriber and queue 1000 more, dropping the
  // rest: a burst of 50,000 at once would mostly be dropped by the broker, and 20 in flight make the rate one
  // commit per 20 messages. A broker fed by many devices is set up for bursts:
  const brokerConf = ['max_inflight_messages 1000', 'max_queued_messages 200000'];
  const broker = new Mosquitto({ dir: path.join(dir, 'mqtt'), extra: brokerConf });
  const rig = await startEventsRig({
    schema,
    users: [
      { username: 'bev-admin', role: 'admin', department: 'traffic' },
      { username: 'bev-op', role: 'operator', department: 'traffic' },
    ],
  });
  try {
    await broker.start();
    const admin = await rig.as('bev-admin');
    const must = async (method: string, url: string, body: unknown): Promise<any> => {
      const r = await admin.api(method, url, body);
      if (r.status >= 300) throw new Error(`bench events: ${method} ${url}: ${r.status} ${r.text.slice(0, 300)}`);
      return r.body;
    };
    const points: string[] = [];
    for (let i = 0; i < 50; i++) {
      const code = `KK-B-${String(i).padStart(2, '0')}`;
      await must('POST', '/api/v1/event-points', {
        kind: 'checkpoint',
        code,
        name: code,
        lng: CENTER.lng + ((i % 10) - 5) * 0.004,
        lat: CENTER.lat + (Math.floor(i / 10) - 2) * 0.004,
      });
      points.push(code);
    }
    // the alarm place P has 12 cameras on a ring of 60 m looking at it
    const P = { lng: CENTER.lng + 0.01, lat: CENTER.lat + 0.01 };
    for (let k = 0; k < 12; k++) {
      const a = (k / 12) * 2 * Math.PI;
      await must('POST', '/api/v1/cameras', {
        name: `bev-${k}`,
        mainUri: `rtsp://10.255.0.${k + 1}/a`,
        lng: P.lng + Math.sin(a) * 60 * M_LNG,
        lat: P.lat + Math.cos(a) * 60 * M_LAT,
        bearing: ((a * 180) / Math.PI + 180) % 360,
        fov: 60,
        rangeM: 150,
      });
    }
    // two rules: alarms raise; a read rule that never raises (reads have severity 3) is matched all the same
    const rule = { timeZone: 'Asia/Shanghai', cameraCount: 4, radiusM: 300 };
    await must('POST', '/api/v1/alarm-rules', { name: 'bench alarms', kinds: ['alarm'], ...rule });
    await must('POST', '/api/v1/alarm-rules', { name: 'bench reads', kinds: ['anpr'], minSeverity: 5, ...rule });
    const created = await must('POST', '/api/v1/event-sources', { kind: 'webhook', name: 'bench-webhook' });
    const webhook = { id: created.source.id as number, secret: created.secret as string };
    const world = { schema, points, webhook, dir };

    if (phases.has('webhook')) {
      const stored = await benchWebhook(
        world,
        rig.base,
        { seconds: size.webhookS, warmupS: size.warmupS, maxRate: size.maxRate },
        log,
      );
      await benchInsertBaseline(world, Math.max(1000, Math.min(stored, 100_000)), log);
    }
    if (!phases.has('mqtt') && !phases.has('alarm')) return;

    const topic = `bench/events/${process.pid}`;
    await must('POST', '/api/v1/event-sources', {
      kind: 'mqtt',
      name: 'bench-mqtt',
      settings: { url: broker.url, topics: [`${topic}/#`] },
    });
    await subscribed(broker.url, `${topic}/probe`, points[0]!, schema);
    log(`# mqtt broker: mosquitto with ${brokerConf.join(', ')}`);
    if (phases.has('mqtt'))
      await benchMqtt({ ...world, brokerUrl: broker.url, topic: `${topic}/reads` }, size.mqtt, log);
    if (!phases.has('alarm')) return;

    const op = await rig.as('bev-op');
    await benchAlarmLatency(
      { base: rig.base, operatorToken: op.token, webhook, at: P },
      { count: size.alarms, gapMs: 50 },
      log,
    );
  } finally {
    await rig.close();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Waits until the gateway's subscriber stores a probe (it subscribes when the source is registered). */
async function subscribed(url: string, topic: string, point: string, schema: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId: `cloudeye-bench-probe-${process.pid}` });
  try {
    const deadline = Date.now() + 20_000;
    for (let k = 0; Date.now() < deadline; k++) {
      const id = `probe-${k}`;
      await c.publishAsync(topic, JSON.stringify({ id, kind: 'custom', type: 'bench.probe', location: { point } }), {
        qos: 1,
      });
      await sleep(300);
      if ((await countRows(schema, `type = 'bench.probe'`)) > 0) return;
    }
    throw new Error('bench events: the MQTT source did not store a probe within 20 s');
  } finally {
    await c.endAsync();
  }
}

async function plates(
  log: (l: string) => void,
  size: { plates: number; samples: number },
  again = true,
): Promise<void> {
  const schema = plateSchemaName(size.plates);
  const rig = await startEventsRig({
    schema,
    keepSchema: true,
    users: [{ username: 'bev-city', role: 'admin', department: null }],
  });
  try {
    try {
      await seedPlates(schema, size.plates, log);
    } catch (e) {
      if (!(e instanceof StaleSeed) || !again) throw e;
      // a fresh schema (the gateway's migrations, then the seed): nothing of a half-done seed is kept
      await rig.close();
      await dropSchema(schema);
      return plates(log, size, false);
    }
    const city = await rig.as('bev-city');
    const sample = await samplePlates(schema, size.samples, size.plates);
    await benchPlateSearch((url) => city.api('GET', url), sample, size.plates, log);
  } finally {
    await rig.close();
  }
}
