// The record bench's index phase: record_spans_ms, the spans API over 30 days with the index holding N cameras × D days.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startRig, type Rig } from './live-rig';
import { median, spread } from './live-stats';

export interface RecordSpansOptions {
  /** Cameras whose rows fill the index (the first `queried` of them registered and asked for). */
  cameras: number;
  queried: number;
  days: number;
  /** Spans queries timed (spread over the queried cameras). */
  queries: number;
}

/**
 * A camera's segments: 10 s each, back to back, with a 60 s gap every 6 h (four spans a day); the first minute of
 * every hour is event footage (1.7 % of the rows, 24 event stretches a day).
 */
const SEG_MS = 10_000;
const PER_SPAN = 2160;
const GAP_MS = 60_000;

interface Seeded {
  key: string;
  rig: Rig;
  volume: string;
  ids: string[];
  spanMs: number;
}

/** The index seeded by an earlier run of a `--runs` series, kept for the next run (seeding 100 × 30 days takes minutes). */
let kept: Seeded | null = null;

/**
 * Times the spans query; `last` false keeps the seeded index for the next run of the series, which then times its
 * own queries against it.
 */
export async function measureSpans(log: (l: string) => void, o: RecordSpansOptions, last = true): Promise<void> {
  const key = JSON.stringify(o);
  if (kept && kept.key !== key) await release(kept);
  let seeded = kept;
  kept = null;
  if (seeded) {
    log(`# spans: the index seeded by the previous run, ${seeded.ids.length} cameras × ${o.days} days`);
    await seeded.rig.login();
  } else seeded = await seed(log, o, key);
  try {
    await query(log, o, seeded);
  } catch (e) {
    await release(seeded);
    throw e;
  }
  if (last) await release(seeded);
  else kept = seeded;
}

async function release(s: Seeded): Promise<void> {
  try {
    await s.rig.close();
  } finally {
    rmSync(s.volume, { recursive: true, force: true });
  }
}

async function seed(log: (l: string) => void, o: RecordSpansOptions, key: string): Promise<Seeded> {
  const volume = mkdtempSync(path.join(tmpdir(), 'ce-bench-spans-'));
  const rig = await startRig(
    [],
    {},
    {
      // nothing of the seeded footage is old enough for retention to take while the queries run
      config: {
        recording: {
          volumes: [{ path: volume, quotaBytes: 0 }],
          retentionDays: 400,
          eventRetentionDays: 400,
          retentionIntervalS: 86_400,
        },
      },
    },
  );
  try {
    const ids: string[] = [];
    for (let k = 0; k < o.queried; k++) {
      const r = await rig.api('POST', '/api/v1/cameras', {
        name: `brec-spans-${k}`,
        mainUri: `rtsp://127.0.0.1:9/${k}`,
        streams: { main: { codec: 'h264' } },
        lng: 111.69 + k * 0.001,
        lat: 29.03,
      });
      if (r.status !== 201) throw new Error(`bench record: registering a camera failed: ${r.status} ${r.text}`);
      ids.push(r.body.id as string);
    }
    // the others: footage of cameras not in the registry (deleted since), ids far from the registered ones
    for (let k = ids.length; k < o.cameras; k++) ids.push(String(900_000_000 + k));
    const knex = rig.gw.db.knex;
    const dept = (await rig.gw.repos.org.departments())[0]!.id;
    const perCam = Math.floor((o.days * 86_400_000) / SEG_MS);
    const spanMs = perCam * SEG_MS + Math.floor(perCam / PER_SPAN) * GAP_MS;
    const t0 = Date.now() - spanMs - 3_600_000;
    const began = Date.now();
    const chunk = 100_000;
    for (const cam of ids)
      for (let from = 0; from < perCam; from += chunk) {
        // one INSERT … SELECT per chunk of rows, each with its gap to the previous (as the recorder's index keeps it)
        await knex.raw(
          `INSERT INTO recording_segments (camera_id, department_id, profile, start_at, end_at, bytes, volume, path, kind,
             generation, prev_gap_ms)
           SELECT ?::bigint, ?, 'main', to_timestamp(s / 1000.0), to_timestamp((s + ?) / 1000.0), 250000, ?,
                  ? || '/' || to_char(to_timestamp(s / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD') || '/main-' || s || '.mp4',
                  CASE WHEN g % 360 < 6 THEN 'event' ELSE 'continuous' END, 0, CASE WHEN g = 0 THEN NULL WHEN g % ? = 0 THEN ? ELSE 0 END
           FROM (SELECT g, ?::bigint + g * ? + (g / ?) * ? AS s FROM generate_series(?::bigint, ?::bigint) AS g) x`,
          [
            cam,
            dept,
            SEG_MS,
            volume,
            cam,
            PER_SPAN,
            GAP_MS,
            t0,
            SEG_MS,
            PER_SPAN,
            GAP_MS,
            from,
            Math.min(perCam, from + chunk) - 1,
          ],
        );
      }
    await knex.raw('ANALYZE recording_segments');
    const rows = Number((await knex.raw('SELECT count(*) AS n FROM recording_segments')).rows[0].n);
    log(
      `# spans: ${rows} segment rows (${o.cameras} cameras × ${o.days} days of 10 s segments) inserted in` +
        ` ${((Date.now() - began) / 1000).toFixed(1)} s`,
    );
    return { key, rig, volume, ids, spanMs };
  } catch (e) {
    await release({ key, rig, volume, ids: [], spanMs: 0 });
    throw e;
  }
}

async function query(log: (l: string) => void, o: RecordSpansOptions, s: Seeded): Promise<void> {
  const { rig, ids, spanMs } = s;
  const to = new Date(Date.now()).toISOString();
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const expect = Math.ceil(Math.min(30 * 86_400_000, spanMs) / (PER_SPAN * SEG_MS + GAP_MS));
  const xs: number[] = [];
  for (let k = 0; k < o.queries + 1; k++) {
    const cam = ids[k % o.queried]!;
    const t = performance.now();
    const r = await rig.api('GET', `/api/v1/cameras/${cam}/recordings?from=${from}&to=${to}`);
    const ms = performance.now() - t;
    if (r.status !== 200) throw new Error(`bench record: spans query failed: ${r.status} ${r.text.slice(0, 300)}`);
    const answer = r.body.spans as Array<{ kind: string }>;
    const spans = answer.length;
    // every span holds event footage (an hour's first minute): the answer marks each mixed
    if (answer.some((x) => x.kind !== 'mixed'))
      throw new Error(`bench record: a span of continuous and event footage not marked mixed: ${r.text.slice(0, 300)}`);
    if (Math.abs(spans - expect) > 1) throw new Error(`bench record: ${spans} spans over 30 days, expected ${expect}`);
    if (k === 0) log(`# spans: the first query (cold) ${ms.toFixed(1)} ms, ${spans} spans over 30 days`);
    else xs.push(ms);
  }
  log(`# spans: ${xs.length} queries over the HTTP API, spread ${spread(xs)}`);
  log(`bench record_spans_ms ${median(xs).toFixed(1)} ms`);
}
