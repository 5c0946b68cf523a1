// `cloudeye bench gis` on a small city: every figure the GIS issue asks for is printed, from real runs
// (index, naive scan, PostGIS, clusters on their worker, compaction in steps, a gateway under wrk), with its cross-checks passing. No timing is asserted.
import assert from 'node:assert/strict';
import { exposeGc } from '../../gateway/cli/bench';
import { run } from '../../bench/gis';
import { TEST_DATABASE_URL } from '../helpers/gateway';

const FIGURES = [
  'index_build_ms',
  'mem_mb_per_million',
  'nearest10_us',
  'naive_ratio',
  'postgis_nearest10_us',
  'postgis_ratio',
  'cluster_query_ms',
  'cluster_build_block_ms',
  'cluster_block_ratio',
  'compact_full_ms',
  'compact_step_p99_ms',
  'compact_block_ratio',
  'http_nearby_p99_ms',
  'http_nearby_rps',
  'http_bare_p99_ms',
  'http_nearby_p99_ratio',
];

describe('bench gis (smoke, 20,000 cameras)', function () {
  this.timeout(180_000);

  it('prints every figure once, each a positive number, and no cross-check fails', async () => {
    exposeGc(); // as `cloudeye bench` does: the memory figure is measured between collections
    const lines: string[] = [];
    await run({
      cameras: 20_000,
      databaseUrl: TEST_DATABASE_URL,
      httpSeconds: { durationS: 1, warmupS: 1 },
      log: (l) => lines.push(l),
    });
    const text = lines.join('\n');
    assert.doesNotMatch(text, /skipped|WARNING/, text);
    for (const name of FIGURES) {
      const found = lines.filter((l) => l.startsWith(`bench ${name} `));
      assert.equal(found.length, 1, `${name}:\n${text}`);
      const [, , value, unit] = found[0]!.split(' ');
      assert.ok(Number.isFinite(Number(value)) && Number(value) > 0 && unit, found[0]);
    }
    // both PostGIS spellings were compared with the index's answers, and agreed on every one
    const compared = lines.filter((l) => /^# postgis (dwithin|knn): /.test(l));
    assert.equal(compared.length, 2, text);
    for (const l of compared) {
      const m = /(\d+) of (\d+) answers the same/.exec(l);
      assert.ok(m && Number(m[2]) > 0 && m[1] === m[2], l);
    }
    assert.match(text, /# http: wrk, 50 connections: \d+ requests in [\d.]+ s, 0 errors, (9|10)\.\d+ items\/answer/);
  });
});
