// Bulk camera seeding (cloudeye seed bench, the GIS bench): rows generated in PostgreSQL, statistics current, all indexed.
import assert from 'node:assert/strict';
import { generateBenchCameras } from '../../sim/bench-cameras';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('bench camera seeding', function () {
  this.timeout(60000);
  let t: TestGateway;

  before(async () => {
    t = await startTestGateway();
  });
  after(async () => t?.close());

  it('leaves the planner statistics of the new rows, and the gateway indexes every camera after a reload', async () => {
    const before = t.gw.services.directory.index.size;
    const deps = Object.values(t.departments);
    await generateBenchCameras(t.gw.db.knex, 30_000, { center: [111.69, 29.03], spanDeg: 0.5, departmentIds: deps });
    // reltuples is the planner's row count: -1 (never analyzed) or stale without an ANALYZE after the load
    const stats = await t.gw.db.knex.raw(`SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)`, [
      `"${t.schema}".cameras`,
    ]);
    const rows = Number(stats.rows[0].reltuples);
    assert.ok(rows >= 27_000 && rows <= 33_000, `planner row estimate ${rows} for ${before + 30_000} rows`);
    await t.gw.reload();
    assert.equal(t.gw.services.directory.index.size, before + 30_000);
    const byDept = new Map<number, number>();
    t.gw.services.directory.index.forEach((c) =>
      byDept.set(Number(c.departmentId), (byDept.get(Number(c.departmentId)) ?? 0) + 1),
    );
    for (const d of deps)
      assert.ok((byDept.get(d) ?? 0) >= 30_000 / deps.length - 1, `department ${d}: ${byDept.get(d)}`);
  });
});
