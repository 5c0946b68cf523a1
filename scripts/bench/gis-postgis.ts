// PostGIS side of the GIS benchmark: load the same cameras, GiST index, KNN `<->` with the same policy in SQL.
import pg from 'pg';
import type { GisCamera } from '../../gis/types';

export interface PostgisResult {
  loadMs: number;
  medianUs: number;
  hitsPerQuery: number;
}

/**
 * Loads `cams` into a throw-away schema bench_gis_<pid> (dropped at the end, even on error), builds a
 * GiST index on geography, and times `queries` KNN lookups equivalent to CameraIndex.nearest with
 * the typical policy (own department 4, or department 1 tagged "school"), radius 2 km, LIMIT 10.
 */
export async function benchPostgis(
  databaseUrl: string, cams: readonly GisCamera[], queries: ReadonlyArray<[number, number]>, log: (line: string) => void,
): Promise<PostgisResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const schema = `bench_gis_${process.pid}`;
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(`CREATE EXTENSION IF NOT EXISTS postgis SCHEMA ${schema}`).catch(async () => {
      await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
    });
    await client.query(`SET search_path TO ${schema}, public`);
    await client.query(`CREATE TABLE cams (id bigint PRIMARY KEY, status text NOT NULL, department_id int NOT NULL, tags text[] NOT NULL, geog geography(Point, 4326) NOT NULL)`);
    const t0 = performance.now();
    const BATCH = 50_000;
    for (let i = 0; i < cams.length; i += BATCH) {
      const part = cams.slice(i, i + BATCH);
      await client.query(
        `INSERT INTO cams (id, status, department_id, tags, geog)
         SELECT id, status, dept, CASE WHEN tags = '' THEN '{}'::text[] ELSE string_to_array(tags, ',') END,
                ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography
         FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::float8[], $6::float8[]) AS t(id, status, dept, tags, lng, lat)`,
        [part.map((c) => c.id), part.map((c) => c.status), part.map((c) => c.departmentId), part.map((c) => c.tags.join(',')),
          part.map((c) => c.lng), part.map((c) => c.lat)],
      );
    }
    await client.query('CREATE INDEX cams_geog ON cams USING gist (geog)');
    await client.query('ANALYZE cams');
    const loadMs = performance.now() - t0;
    log(`# postgis: loaded ${cams.length} rows + GiST in ${(loadMs / 1000).toFixed(1)} s`);
    const sql = `SELECT id FROM cams
      WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, 2000)
        AND (department_id = 4 OR (department_id = 1 AND 'school' = ANY(tags)))
      ORDER BY geog <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography LIMIT 10`;
    const plan = await client.query(`EXPLAIN ${sql.replace(/\$1/g, String(queries[0]?.[0] ?? 0)).replace(/\$2/g, String(queries[0]?.[1] ?? 0))}`);
    log(`# postgis plan: ${plan.rows.map((r: Record<string, string>) => Object.values(r)[0]).join(' | ').replace(/\s+/g, ' ').slice(0, 200)}`);
    const stmt = { name: 'knn', text: sql };
    for (const [x, y] of queries.slice(0, 50)) await client.query({ ...stmt, values: [x, y] });
    const times: number[] = [];
    let hits = 0;
    for (const [x, y] of queries) {
      const t = performance.now();
      const res = await client.query({ ...stmt, values: [x, y] });
      times.push(performance.now() - t);
      hits += res.rowCount ?? 0;
    }
    times.sort((a, b) => a - b);
    return { loadMs, medianUs: (times[times.length >> 1] as number) * 1000, hitsPerQuery: hits / queries.length };
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await client.end();
  }
}
