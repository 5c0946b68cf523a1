// Ingest phases of the events bench: signed webhooks (wrk, pre-signed requests), the same rows by plain batched
// INSERT, and MQTT QoS 1 (publisher → Mosquitto → the gateway's subscriber → stored).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import pg from 'pg';
import { normalizePlate } from '../gateway/events/event-model';
import { signWebhook } from '../gateway/events/webhook-signature';
import { PlateFleet } from '../sim/events/plates';
import { BENCH_DB_URL } from './events-rig';

const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface IngestWorld {
  schema: string;
  /** Checkpoint codes registered in the bench's department. */
  points: string[];
  webhook: { id: number; secret: string };
  /** Writes temporary files here. */
  dir: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One anpr read as a checkpoint system sends it (the cloudeye format: the reader's id keys it). */
function read(i: number, fleet: PlateFleet, points: string[], tag: string): Record<string, unknown> {
  const v = fleet.next();
  return {
    id: `${tag}-${i}`,
    kind: 'anpr',
    location: { point: points[i % points.length] },
    anpr: {
      plate: v.plate,
      plateColor: v.plateColor,
      vehicleType: v.vehicleType,
      direction: i % 2 ? 'north' : 'south',
      lane: 1 + (i % 4),
      speedKmh: 30 + (i % 40),
      confidence: 0.93,
    },
  };
}

export async function countRows(schema: string, where = 'true'): Promise<number> {
  const c = new pg.Client({ connectionString: BENCH_DB_URL });
  await c.connect();
  try {
    return Number((await c.query(`SELECT count(*) AS n FROM "${schema}".events WHERE ${where}`)).rows[0].n);
  } finally {
    await c.end();
  }
}

/**
 * Concurrent senders (wrk connections). A city's checkpoints post at once, each lane on a connection of its own, and an
 * answer waits until its batch is committed (a 2xx event is durable), so the rate is about senders ÷ commit time: with 32
 * senders the figure measured PostgreSQL's commit latency, not what the gateway takes in. 256 is a mid-size city's lanes.
 */
const SENDERS = 256;

function wrk(file: string, base: string, seconds: number, start: number): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const args = [
      '-t1',
      `-c${SENDERS}`,
      `-d${seconds}s`,
      '--timeout',
      '10s',
      '-s',
      path.join(HERE, 'events-webhook.lua'),
      base,
    ];
    const env = { ...process.env, BENCH_REQUESTS: file, BENCH_START: String(start) };
    const child = spawn('wrk', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    child.on('error', (e) =>
      reject(new Error(`bench events: cannot run wrk (${e.message}); scripts/setup.sh installs it`)),
    );
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || !line) return reject(new Error(`wrk exited ${code}: ${(err || out).slice(0, 500)}`));
      resolve(JSON.parse(line) as Record<string, number>);
    });
  });
}

/**
 * events_webhook_rps: single-event signed POSTs (one read per request, as a checkpoint camera posts), 2 % of
 * them repeats of an earlier request (deduplicated), through the rules, stored; new rows stored per second
 * of the measured window. Returns the rows of the measured window for the baseline.
 */
export async function benchWebhook(
  w: IngestWorld,
  base: string,
  o: { seconds: number; warmupS: number; maxRate: number },
  log: (l: string) => void,
): Promise<number> {
  const fleet = new PlateFleet(99, { fleet: 50_000 });
  const total = Math.ceil(o.maxRate * (o.seconds + o.warmupS + 1));
  const ts = Math.floor(Date.now() / 1000);
  const lines: string[] = [];
  for (let i = 0; i < total; i++) {
    const body = JSON.stringify(i % 50 === 49 ? read(i - 7, fleet, w.points, 'wh') : read(i, fleet, w.points, 'wh'));
    lines.push(`${w.webhook.id}\t${ts}\t${signWebhook(w.webhook.secret, ts, body)}\t${body}`);
  }
  const file = path.join(w.dir, 'webhook-requests.tsv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const warm = o.warmupS > 0 ? await wrk(file, base, o.warmupS, 0) : { requests: 0 };
  const before = await countRows(w.schema);
  const r = await wrk(file, base, o.seconds, warm.requests!);
  const stored = (await countRows(w.schema)) - before;
  const rps = stored / r.seconds!;
  log(
    `# webhook: ${SENDERS} senders, ${r.requests} requests in ${r.seconds!.toFixed(1)} s (${r.bad} answered >= 400, ${r.errors} socket errors), ` +
      `${stored} new rows stored, p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms; ${total} requests signed beforehand`,
  );
  if (r.requests! + warm.requests! > total) log('# webhook: the signed requests wrapped around: raise maxRate');
  log(`bench events_webhook_rps ${Math.round(rps)} events/s`);
  const bare = await bareHttp(file, o.seconds);
  log(
    `# webhook ceiling: a bare node:http server reading the same requests and answering 200 (one process, no ` +
      `signature, no storage): ${Math.round(bare)} requests/s; the gateway stores ${Math.round((100 * rps) / bare)} % of that`,
  );
  await batched(w, base, o.seconds, fleet, log);
  return stored;
}

/** Requests per second of a node:http server that reads each body and answers 200: what HTTP alone costs here. */
async function bareHttp(file: string, seconds: number): Promise<number> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(`{"accepted":1,"duplicates":0,"bytes":${Buffer.concat(chunks).length}}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const r = await wrk(file, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seconds, 0);
    return r.requests! / r.seconds!;
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/** The same path with 100 reads a request: what storage takes when the HTTP cost per event is a hundredth (a comment, no figure). */
async function batched(
  w: IngestWorld,
  base: string,
  seconds: number,
  fleet: PlateFleet,
  log: (l: string) => void,
): Promise<void> {
  const ts = Math.floor(Date.now() / 1000);
  const lines: string[] = [];
  for (let k = 0; k < 400; k++) {
    const body = JSON.stringify({
      events: Array.from({ length: 100 }, (_, i) => read(k * 100 + i, fleet, w.points, 'wb')),
    });
    lines.push(`${w.webhook.id}\t${ts}\t${signWebhook(w.webhook.secret, ts, body)}\t${body}`);
  }
  const file = path.join(w.dir, 'webhook-batches.tsv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const before = await countRows(w.schema);
  const r = await wrk(file, base, Math.max(2, Math.round(seconds / 3)), 0);
  const stored = (await countRows(w.schema)) - before;
  log(
    `# webhook batched: ${r.requests} requests of 100 reads in ${r.seconds!.toFixed(1)} s, ${stored} rows stored: ` +
      `${Math.round(stored / r.seconds!)} events/s, p50 ${r.p50Ms} ms`,
  );
}

/** events_insert_baseline_rps: `rows` reads of the same shape by plain INSERT … SELECT FROM unnest, 500 a batch. */
export async function benchInsertBaseline(w: IngestWorld, rows: number, log: (l: string) => void): Promise<void> {
  const c = new pg.Client({ connectionString: BENCH_DB_URL });
  await c.connect();
  try {
    const point = (await c.query(`SELECT id, department_id, lng, lat FROM "${w.schema}".event_points LIMIT 1`)).rows[0];
    const fleet = new PlateFleet(5, { fleet: 50_000 });
    const BATCH = 500;
    const t0 = performance.now();
    for (let i = 0; i < rows; i += BATCH) {
      const n = Math.min(BATCH, rows - i);
      const reads = Array.from({ length: n }, (_, k) => read(i + k, fleet, w.points, 'bl'));
      const plates = reads.map((r) => (r.anpr as { plate: string }).plate);
      await c.query(
        `INSERT INTO "${w.schema}".events (at, kind, type, source_id, source, point_id, department_id, lng, lat, plate, plate_norm, data)
         SELECT now(), 'anpr', 'anpr.read', $1, 'source:baseline', $2, $3, $4, $5, p, p, d
         FROM unnest($6::text[], $7::jsonb[]) AS t(p, d)`,
        [
          w.webhook.id,
          point.id,
          point.department_id,
          point.lng,
          point.lat,
          plates.map(normalizePlate),
          reads.map((r) => JSON.stringify(r.anpr)),
        ],
      );
    }
    const s = (performance.now() - t0) / 1000;
    log(`# baseline: ${rows} rows in ${s.toFixed(2)} s, ${BATCH} a batch, autocommit, one connection`);
    log(`bench events_insert_baseline_rps ${Math.round(rows / s)} events/s`);
  } finally {
    await c.end();
  }
}

/** events_mqtt_rps: `count` QoS 1 messages published at once; from the first publish to all of them stored. */
export async function benchMqtt(
  w: IngestWorld & { brokerUrl: string; topic: string },
  count: number,
  log: (l: string) => void,
): Promise<void> {
  const fleet = new PlateFleet(42, { fleet: 50_000 });
  const payloads = Array.from({ length: count }, (_, i) => JSON.stringify(read(i, fleet, w.points, 'mq')));
  const pub = await mqtt.connectAsync(w.brokerUrl, { clientId: `cloudeye-bench-pub-${process.pid}`, clean: true });
  try {
    // the earlier phases' queued rows land first (on a loaded machine they may still be draining): a count that
    // moved for 500 ms no more
    let before = await countRows(w.schema);
    for (let still = 0; still < 5;) {
      await sleep(100);
      const n = await countRows(w.schema);
      still = n === before ? still + 1 : 0;
      before = n;
    }
    const t0 = performance.now();
    let acked = 0;
    for (const p of payloads) pub.publish(w.topic, p, { qos: 1 }, (err) => void (err || acked++));
    let stored = 0;
    const deadline = Date.now() + 120_000;
    while ((stored = (await countRows(w.schema)) - before) < count && Date.now() < deadline) await sleep(20);
    const s = (performance.now() - t0) / 1000;
    log(`# mqtt: ${count} messages, ${acked} acknowledged by the broker, ${stored} stored in ${s.toFixed(2)} s`);
    if (stored < count) throw new Error(`bench events: only ${stored} of ${count} MQTT messages stored in 120 s`);
    log(`bench events_mqtt_rps ${Math.round(count / s)} events/s`);
  } finally {
    await pub.endAsync();
  }
}
