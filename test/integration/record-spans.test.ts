// Spans from the index against a brute-force merge of the same rows, through inserts in any order, deletions and missing marks.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { Database } from '../../gateway/db/database';
import { RecordingsRepo, type SegmentRecord } from '../../gateway/db/recordings-repo';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/gateway';

/** Spans the slow, obvious way: present rows by start, a new span where the gap to the previous end exceeds gapMs. */
function bruteSpans(rows: SegmentRecord[], fromMs: number, toMs: number, gapMs: number) {
  const present = rows.filter((r) => !r.missing).sort((a, b) => a.startMs - b.startMs);
  const spans: Array<{ startMs: number; endMs: number }> = [];
  for (const r of present) {
    const last = spans.at(-1);
    if (last && r.startMs - last.endMs <= gapMs) last.endMs = r.endMs;
    else spans.push({ startMs: r.startMs, endMs: r.endMs });
  }
  return spans.filter((s) => s.startMs < toMs && s.endMs > fromMs);
}

describe('recording: spans from the index', function () {
  this.timeout(60_000);
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  let db: Database;
  let repo: RecordingsRepo;
  before(async () => {
    db = new Database({ url: TEST_DATABASE_URL, schema });
    await db.ensureSchema();
    await db.migrateUp();
    repo = new RecordingsRepo(db.knex);
  });
  after(async () => {
    await db.close();
    await dropSchema(schema);
  });

  it('match a brute-force merge after random inserts (out of order), retention deletions and missing files', async () => {
    let x = 12345;
    const rnd = (n: number): number => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x % n;
    };
    const t0 = Date.UTC(2026, 11, 1);
    // two cameras and both profiles interleaved; 10 s segments with occasional gaps of 0.5–20 s
    const plan: Array<{ cam: string; profile: 'main' | 'sub'; start: number; end: number }> = [];
    for (const cam of ['11', '12'])
      for (const profile of ['main', 'sub'] as const) {
        let t = t0;
        for (let i = 0; i < 120; i++) {
          const gap = rnd(6) === 0 ? 500 + rnd(20_000) : rnd(3) * 40;
          t += gap;
          plan.push({ cam, profile, start: t, end: t + 10_000 });
          t += 10_000;
        }
      }
    // inserted in a shuffled order (orphans indexed at reconciliation arrive out of order)
    for (let i = plan.length - 1; i > 0; i--) {
      const j = rnd(i + 1);
      [plan[i], plan[j]] = [plan[j]!, plan[i]!];
    }
    for (const p of plan)
      await repo.insert({
        cameraId: p.cam,
        departmentId: null,
        profile: p.profile,
        startMs: p.start,
        endMs: p.end,
        bytes: 1000,
        volume: '/v',
        path: `${p.cam}/2026-12-01/${p.profile}-${p.start}.mp4`,
        kind: 'continuous',
        eventIds: [],
        generation: 0,
      });
    const check = async (what: string) => {
      for (const cam of ['11', '12'])
        for (const profile of ['main', 'sub'] as const) {
          const rows = (await repo.segments(cam, 0, 8.64e15)).filter((r) => r.profile === profile);
          for (const [from, to] of [
            [0, 8.64e15],
            [t0 + 300_000, t0 + 900_000],
            [t0 + 1_000_000, t0 + 1_000_001],
          ] as const)
            for (const gap of [1000, 1500, 5000])
              assert.deepEqual(
                await repo.spans(cam, from, to, gap, profile),
                bruteSpans(rows, from, to, gap),
                `${what}: camera ${cam} ${profile} [${from}, ${to}) gap ${gap}`,
              );
        }
    };
    await check('after inserts');
    // retention: the oldest of camera 11's main, and a few in the middle of camera 12's sub
    const main11 = (await repo.segments('11', 0, 8.64e15)).filter((r) => r.profile === 'main');
    await repo.delete(main11.slice(0, 15).map((r) => r.id));
    const sub12 = (await repo.segments('12', 0, 8.64e15)).filter((r) => r.profile === 'sub');
    await repo.delete([sub12[40]!.id, sub12[41]!.id, sub12[77]!.id]);
    await check('after deletions');
    // files gone: marked missing, and a whole day
    await repo.markMissing([sub12[10]!.id, main11[60]!.id, main11[61]!.id]);
    await check('after missing marks');
    await repo.markDayMissing('/v', '12', t0);
    await check('after a day marked missing');
  });
  it("a camera's event times come from its event segments alone, touching ones as one stretch", async () => {
    const t0 = Date.UTC(2026, 10, 1);
    // 60,000 continuous segments of 20 cameras on one volume (camera 7 among them), and 4 event segments of camera 7
    await db.knex.raw(
      `INSERT INTO recording_segments (camera_id, profile, start_at, end_at, bytes, volume, path, kind, prev_gap_ms)
       SELECT CASE WHEN g % 20 = 0 THEN 7 ELSE 1000 + g % 20 END, 'main',
              to_timestamp((? + (g / 20) * 10000) / 1000.0), to_timestamp((? + (g / 20) * 10000 + 10000) / 1000.0),
              1, '/ev', 'c-' || g, 'continuous', 0
       FROM generate_series(0::bigint, 59999::bigint) AS g`,
      [t0, t0],
    );
    // an hour apart, the first hour's followed by a second segment touching it
    for (const at of [1, 2, 3].map((k) => k * 3_600_000).concat(3_610_000))
      await repo.insert({
        cameraId: '7',
        departmentId: null,
        profile: 'main',
        startMs: t0 + at,
        endMs: t0 + at + 10_000,
        bytes: 1,
        volume: '/ev',
        path: `7/2026-11-01/main-${t0 + at}.mp4`,
        kind: 'event',
        eventIds: [String(at)],
        generation: 0,
      });
    await db.knex.raw('ANALYZE recording_segments');
    let asked: { sql: string; bindings: Knex.Value[] } | null = null;
    const onQuery = (q: { sql: string; bindings: Knex.Value[] }): void => void (asked = q);
    db.knex.on('query', onQuery);
    const times = await repo.eventTimes('7', 'main', t0, t0 + 30 * 86_400_000, 20_000);
    db.knex.off('query', onQuery);
    // touching event segments are one stretch
    assert.deepEqual(
      times.map((t) => [t.startMs - t0, t.endMs - t0]),
      [
        [3_600_000, 3_620_000],
        [7_200_000, 7_210_000],
        [10_800_000, 10_810_000],
      ],
    );
    const q = asked as unknown as { sql: string; bindings: Knex.Value[] };
    const plan = JSON.stringify(
      (await db.knex.raw(`EXPLAIN (FORMAT JSON) ${q.sql.replace(/\$\d+/g, '?')}`, q.bindings)).rows[0],
    );
    assert.match(plan, /"Index Name":"recording_segments_event_starts"/, plan);
  });
});
