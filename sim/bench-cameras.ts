// Bench data: a large random camera estate generated inside PostgreSQL (cloudeye seed bench, the GIS benchmarks).
import type { Knex } from 'knex';

/**
 * Bench data: n random cameras generated inside PostgreSQL (one INSERT … SELECT per 200k rows),
 * spread over a square of `spanDeg` around `center`, departments cycled, 30 % offline.
 */
export async function generateBenchCameras(
  knex: Knex,
  n: number,
  opts: { center: [number, number]; spanDeg: number; departmentIds: number[]; seed?: number },
): Promise<number> {
  await knex.raw('SELECT setseed(?)', [((opts.seed ?? 42) % 1000) / 1000]);
  const chunk = 200_000;
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    await knex.raw(
      `INSERT INTO cameras (department_id, name, source, main_uri, lng, lat, bearing, fov, range_m, tags, status, streams)
       SELECT (?::int[])[1 + (g % ?)], 'bench-' || g, 'rtsp', 'rtsp://10.' || (g / 65536 % 256) || '.' || (g / 256 % 256) || '.' || (g % 256) || '/main',
              ? + (random() - 0.5) * ?, ? + (random() - 0.5) * ?,
              CASE WHEN random() < 0.2 THEN NULL ELSE floor(random() * 360) END,
              CASE WHEN random() < 0.2 THEN NULL ELSE 40 + floor(random() * 60) END,
              50 + floor(random() * 150),
              CASE WHEN g % 7 = 0 THEN ARRAY['school'] WHEN g % 5 = 0 THEN ARRAY['road'] ELSE ARRAY[]::text[] END,
              CASE WHEN random() < 0.3 THEN 'offline' ELSE 'online' END,
              '{"main":{"codec":"h264"}}'::jsonb
       FROM generate_series(?::bigint, ?::bigint) AS g`,
      [
        opts.departmentIds,
        opts.departmentIds.length,
        opts.center[0],
        opts.spanDeg,
        opts.center[1],
        opts.spanDeg,
        start,
        start + count - 1,
      ],
    );
  }
  // Statistics for the new rows now, not when autovacuum gets to them: with the old ones the planner
  // reads each id-ordered page of the directory load by a full scan + sort (1M cameras: 9 s, not 5).
  await knex.raw('ANALYZE cameras');
  return n;
}
