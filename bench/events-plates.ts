// Plate search over stored reads: seeds a kept schema (generate_series, indexes built after the load), then times
// exact and partial plate searches through the API as a city-wide admin.
import pg from 'pg';
import { partitionDdl } from '../gateway/db/events-repo';
import { BENCH_DB_URL } from './events-rig';

/** Bump when the seeded rows change shape: a kept schema of another version is seeded again. */
const SEED_VERSION = 1;
const DAYS = 30;
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const ALNUM = `${LETTERS}0123456789`;
/** 100 buckets of issuing offices: Changde 湘J 78 %, the rest of Hunan and neighbours. */
const PREFIXES = [
  ...Array<string>(78).fill('湘J'),
  ...Array<string>(7).fill('湘A'),
  ...['湘D', '湘D', '湘D', '湘G', '湘G', '湘C', '湘C', '湘F', '湘F', '湘E', '鄂A', '鄂A', '渝A', '粤B', '贵A'],
];

/** The kept schema holds rows of another size or version, or a seed that did not finish: it is made anew. */
export class StaleSeed extends Error {}

export const plateSchemaName = (rows: number): string => `bench_event_plates_${rows}`;

const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * Seeds `rows` reads over the last 30 days into the schema the gateway made (its migrations), unless a seed of
 * this size and version is there. Plates come from a pool of rows/5 vehicles (a plate is read ~5 times).
 * Returns the seconds seeding took (0 when kept).
 */
export async function seedPlates(schema: string, rows: number, log: (l: string) => void): Promise<number> {
  const c = new pg.Client({ connectionString: BENCH_DB_URL });
  await c.connect();
  try {
    await c.query(`SET search_path TO "${schema}", public`);
    await c.query('CREATE TABLE IF NOT EXISTS bench_seed (rows bigint, version int, seconds float8, at timestamptz)');
    const have = (await c.query('SELECT rows, version, seconds, at FROM bench_seed')).rows[0];
    // the indexes are dropped for the load and made after it: a seed without them, or with one not valid
    // (not on every partition), did not finish
    const ix = (
      await c.query(
        `SELECT count(*) AS n, count(*) FILTER (WHERE NOT i.indisvalid) AS bad
         FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace s ON s.oid = t.relnamespace
         WHERE s.nspname = $1 AND t.relname = 'events'`,
        [schema],
      )
    ).rows[0];
    const indexed = Number(ix.n) > 1 && Number(ix.bad) === 0;
    if (have && Number(have.rows) === rows && have.version === SEED_VERSION && indexed) {
      log(
        `# plates: kept seed of ${rows} reads from ${(have.at as Date).toISOString()} (seeding took ${Number(have.seconds).toFixed(0)} s)`,
      );
      return 0;
    }
    if (have || (await c.query('SELECT 1 FROM events LIMIT 1')).rows.length)
      throw new StaleSeed(`bench events: schema ${schema} holds another seed, or one that did not finish`);
    const t0 = performance.now();
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    for (let d = today - DAYS * 86_400_000; d <= today; d += 86_400_000) await c.query(partitionDdl(d));
    // indexes are built once after the load, far faster than kept up row by row (GIN above all)
    const defs = (
      await c.query(
        `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'events'
           AND (quote_ident(schemaname) || '.' || quote_ident(indexname))::regclass NOT IN (SELECT conindid FROM pg_constraint)`,
        [schema],
      )
    ).rows as Array<{ indexname: string; indexdef: string }>;
    for (const d of defs) await c.query(`DROP INDEX "${d.indexname}"`);
    const point = (
      await c.query(`INSERT INTO event_points (department_id, kind, code, name, lng, lat)
      SELECT id, 'checkpoint', 'KK-SEED', 'seed', 111.69, 29.03 FROM departments ORDER BY id LIMIT 1
      ON CONFLICT (department_id, code) DO UPDATE SET name = excluded.name RETURNING id, department_id`)
    ).rows[0];
    const pool = Math.max(10, Math.floor(rows / 5));
    // p: the vehicle (a multiplicative hash of the row over the pool); its plate: office, a letter, a letter or digit, 3 digits
    await c.query(`INSERT INTO events (id, at, received_at, kind, type, source, point_id, department_id, lng, lat, plate, plate_norm, data)
      SELECT nextval('event_ids'), at, at, 'anpr', 'anpr.read', 'source:bench-seed', ${point.id}, ${point.department_id},
             111.69, 29.03, plate, plate, '{}'::jsonb
      FROM (SELECT now() - (g::float8 / ${rows}) * interval '${DAYS} days' AS at,
                   (ARRAY[${PREFIXES.map(q).join(',')}])[1 + p % 100] ||
                   substr(${q(LETTERS)}, 1 + (p / 100) % 24, 1) || substr(${q(ALNUM)}, 1 + (p / 2400) % 34, 1) ||
                   lpad(((p / 81600) % 1000)::text, 3, '0') AS plate
            FROM (SELECT g, (((g::bigint * 2654435761) % 4294967291) % ${pool} * 7919 % 81600000)::int AS p
                  FROM generate_series(1, ${rows}) g) s) r`);
    const loadS = (performance.now() - t0) / 1000;
    await c.query(`SET maintenance_work_mem = '512MB'`);
    // pg_indexes shows a partitioned table's index "ON ONLY" the parent: made so, it would cover no partition
    for (const d of defs) await c.query(d.indexdef.replace(' ON ONLY ', ' ON '));
    await c.query('ANALYZE events');
    const seconds = (performance.now() - t0) / 1000;
    await c.query('INSERT INTO bench_seed VALUES ($1, $2, $3, now())', [rows, SEED_VERSION, seconds]);
    log(
      `# plates: seeded ${rows} reads in ${seconds.toFixed(0)} s (rows ${loadS.toFixed(0)} s, then ${defs.length} indexes)`,
    );
    return seconds;
  } finally {
    await c.end();
  }
}

/** Plates of the seed to search for (spread over the pool). */
export async function samplePlates(schema: string, n: number, rows: number): Promise<string[]> {
  const c = new pg.Client({ connectionString: BENCH_DB_URL });
  await c.connect();
  try {
    // about 20 × n rows drawn, n of them kept: plates spread over the whole seed
    const pct = Math.min(100, (n * 20 * 100) / rows);
    const r = await c.query(
      `SELECT plate_norm FROM "${schema}".events TABLESAMPLE BERNOULLI (${pct}) REPEATABLE (7) WHERE plate_norm IS NOT NULL LIMIT $1`,
      [n],
    );
    if (r.rows.length < n) throw new Error(`bench events: only ${r.rows.length} plates sampled of ${n}`);
    return r.rows.map((x: { plate_norm: string }) => x.plate_norm);
  } finally {
    await c.end();
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

/** Times searches (newest 50, as the console asks) sequentially; prints the medians. */
export async function benchPlateSearch(
  api: (url: string) => Promise<{ status: number; body: any; text: string }>,
  plates: string[],
  rows: number,
  log: (l: string) => void,
): Promise<void> {
  const time = async (plate: string): Promise<{ ms: number; n: number }> => {
    const t0 = performance.now();
    const r = await api(`/api/v1/events?kind=anpr&limit=50&plate=${encodeURIComponent(plate)}`);
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`bench events: plate search ${plate}: ${r.status} ${r.text.slice(0, 200)}`);
    return { ms, n: r.body.items.length as number };
  };
  // one round unmeasured: connections, statement plans, the first pages read
  for (const p of plates.slice(0, 3)) await time(p);
  const exact: number[] = [];
  let found = 0;
  for (const p of plates) {
    const r = await time(p);
    exact.push(r.ms);
    found += r.n;
  }
  log(
    `# plates exact: ${plates.length} plates, ${(found / plates.length).toFixed(1)} reads each; ` +
      `median ${median(exact).toFixed(1)} ms, p95 ${p95(exact).toFixed(1)} ms`,
  );
  log(`bench plate_search_exact_ms ${median(exact).toFixed(1)} ms`);
  // partial: prefix, suffix, the 湘J*8* shape (office, wildcard, a digit, wildcard), a middle run
  const shapes: Record<string, (p: string) => string> = {
    prefix: (p) => `${p.slice(0, 4)}*`,
    suffix: (p) => `*${p.slice(-4)}`,
    'office*digit*': (p) => `${p.slice(0, 2)}*${p.slice(-2, -1)}*`,
    middle: (p) => `*${p.slice(2, 5)}*`,
  };
  const all: number[] = [];
  const parts: string[] = [];
  for (const [name, shape] of Object.entries(shapes)) {
    const xs: number[] = [];
    let n = 0;
    for (const p of plates.slice(0, Math.max(5, Math.floor(plates.length / 2)))) {
      const r = await time(shape(p));
      xs.push(r.ms);
      n += r.n;
    }
    all.push(...xs);
    parts.push(
      `${name} (e.g. ${shape(plates[0]!)}) median ${median(xs).toFixed(1)} ms p95 ${p95(xs).toFixed(1)} ms, ${(n / xs.length).toFixed(0)} hits`,
    );
  }
  log(`# plates partial over ${rows} reads: ${parts.join('; ')}`);
  log(`bench plate_search_partial_ms ${median(all).toFixed(1)} ms`);
}
