// Recording index against disk: reconciliation after a crash, retention by age and by quota (held and event footage kept).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway } from '../../gateway/main';
import { RecordingsRepo, type SegmentWrite } from '../../gateway/db/recordings-repo';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import type { ClosedSegment } from '../../transcoder/record/segment-writer';
import { writeSegments } from '../helpers/footage';
import { dropSchema, startTestGateway, testConfig, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };
const DAY = 86_400_000;

const row = (
  volume: string,
  cam: string,
  s: ClosedSegment,
  kind: 'continuous' | 'event' = 'continuous',
): SegmentWrite => ({
  cameraId: cam,
  departmentId: null,
  profile: 'main',
  startMs: s.startTime,
  endMs: s.endTime,
  bytes: s.bytes,
  volume,
  path: s.relPath,
  kind,
  eventIds: kind === 'event' ? ['1'] : [],
  generation: 0,
});

describe('recording: reconciliation and retention', function () {
  this.timeout(120_000);

  it('at start: temporary files removed, orphans indexed or removed, vanished files marked missing, counts reported', async () => {
    const volume = mkdtempSync(path.join(tmpdir(), 'ce-recvol-'));
    const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
    const config = testConfig({ recording: { volumes: [{ path: volume, quotaBytes: 0 }], reserveBytes: 0 } });
    let gw: Gateway | null = await startGateway(config, { schema, log: () => undefined });
    try {
      const repo = new RecordingsRepo(gw.db.knex);
      const t0 = Date.now() - 3_600_000;
      const segs = await writeSegments(volume, '777', t0, 4, 2);
      assert.equal(segs.length, 4);
      // indexed: 0, 1 (then its file vanishes), and a row of a day whose directory is gone
      await repo.insert(row(volume, '777', segs[0]!));
      await repo.insert(row(volume, '777', segs[1]!));
      unlinkSync(segs[1]!.path);
      const oldDay = Date.UTC(2026, 0, 5, 10);
      await repo.insert({
        ...row(volume, '777', segs[0]!),
        startMs: oldDay,
        endMs: oldDay + 1000,
        path: `777/2026-01-05/main-${oldDay}.mp4`,
      });
      // a crash: a half-written temporary file, segments 2 and 3 renamed but never indexed, one unreadable
      const dir = path.dirname(segs[0]!.path);
      writeFileSync(path.join(dir, `.main-${t0 + 99_000}.mp4.part`), Buffer.alloc(5000, 1));
      writeFileSync(segs[3]!.path, Buffer.from('not an mp4 at all'));
      writeFileSync(path.join(dir, 'notes.txt'), 'left alone');
      await gw.close();
      gw = null;
      gw = await startGateway(config, { schema, log: () => undefined });
      const rec = gw.services.recordings;
      assert.deepEqual(rec.reconciled, [
        { volume, checked: 1, tempRemoved: 1, orphansIndexed: 1, orphansRemoved: 1, missingMarked: 2 },
      ]);
      const rows = await new RecordingsRepo(gw.db.knex).segments('777', 0, Date.now());
      assert.deepEqual(
        rows.map((r) => [r.path, r.missing]),
        [
          [`777/2026-01-05/main-${oldDay}.mp4`, true],
          [segs[0]!.relPath, false],
          [segs[1]!.relPath, true],
          [segs[2]!.relPath, false],
        ],
      );
      const orphan = rows[3]!;
      assert.equal(orphan.bytes, segs[2]!.bytes);
      assert.ok(Math.abs(orphan.endMs - segs[2]!.endTime) <= 2, 'orphan end from its boxes');
      assert.deepEqual(
        readdirSync(dir).sort(),
        [path.basename(segs[0]!.path), path.basename(segs[2]!.path), 'notes.txt'].sort(),
      );
      // missing footage is a gap in the spans
      const spans = await rec.footage.spans('777', new Date(t0 - 1000).toISOString(), new Date().toISOString());
      assert.equal(spans.length, 2, JSON.stringify(spans));
    } finally {
      await gw?.close();
      await dropSchema(schema);
      rmSync(volume, { recursive: true, force: true });
    }
  });

  it('by age: old continuous footage deleted, event footage kept longer, held footage never; each deletion logged', async () => {
    const logs: string[] = [];
    const t = await startTestGateway({}, { onLog: (l, m) => logs.push(m) });
    try {
      const rec = t.gw.services.recordings;
      const volume = [...rec.volumes.keys()][0]!;
      const repo = new RecordingsRepo(t.gw.db.knex);
      const now = Date.now();
      const [c40] = await writeSegments(volume, '501', now - 40 * DAY, 1);
      const [e40] = await writeSegments(volume, '502', now - 40 * DAY, 1);
      const [e100] = await writeSegments(volume, '503', now - 100 * DAY, 1);
      const [h100] = await writeSegments(volume, '504', now - 100 * DAY, 1);
      const [c1] = await writeSegments(volume, '505', now - DAY, 1);
      await repo.insert(row(volume, '501', c40!));
      await repo.insert(row(volume, '502', e40!, 'event'));
      await repo.insert(row(volume, '503', e100!, 'event'));
      await repo.insert(row(volume, '504', h100!));
      await repo.insert(row(volume, '505', c1!));
      const hold = await rec.footage.hold(
        {
          cameraId: '504',
          from: new Date(now - 101 * DAY).toISOString(),
          to: new Date(now - 99 * DAY).toISOString(),
          reason: '案件 2026-118 证据',
        },
        { kind: 'user', id: 7, name: 'investigator', departmentId: 1 },
      );
      const audit = await t.gw.db.knex('audit_log').where({ action: 'recording.hold', target_id: '504' });
      assert.equal(audit.length, 1);
      assert.equal(audit[0].actor_name, 'investigator');
      assert.equal(audit[0].detail.reason, '案件 2026-118 证据');
      const r = await rec.enforceRetention();
      assert.equal(r.deleted, 2);
      for (const [seg, kept] of [
        [c40, false],
        [e40, true],
        [e100, false],
        [h100, true],
        [c1, true],
      ] as const)
        assert.equal(existsSync(seg!.path), kept, `${seg!.relPath} kept ${kept}`);
      const left = await t.gw.db.knex('recording_segments').orderBy('camera_id').pluck('camera_id');
      assert.deepEqual(left.map(String), ['502', '504', '505']);
      assert.equal(logs.filter((m) => /retention deleted camera 50[13] /.test(m)).length, 2);
      // released: the held footage falls to retention at the next pass
      await rec.footage.releaseHold(hold.id, SYSTEM);
      assert.equal((await rec.enforceRetention()).deleted, 1);
      assert.equal(existsSync(h100!.path), false);
      await assert.rejects(rec.footage.releaseHold(hold.id, SYSTEM), /no active evidence hold/);
    } finally {
      await t.close();
    }
  });

  it('quota reached: oldest continuous deleted first, held and event footage kept, never above quota + one segment per camera', async () => {
    const rtsp = new RtspProcess({ count: 2, codec: 'h264', port: 0, width: 320, height: 240, fps: 25 });
    await rtsp.start();
    const volume = mkdtempSync(path.join(tmpdir(), 'ce-recq-'));
    const quota = 600_000;
    const logs: string[] = [];
    const t: TestGateway = await startTestGateway(
      {
        recording: {
          volumes: [{ path: volume, quotaBytes: quota }],
          reserveBytes: 0,
          segmentSeconds: 1,
          planIntervalS: 0.5,
          lowWater: 0.9,
        },
      },
      { onLog: (l, m) => logs.push(m) },
    );
    try {
      const rec = t.gw.services.recordings;
      const repo = new RecordingsRepo(t.gw.db.knex);
      const now = Date.now();
      const [ev] = await writeSegments(volume, '601', now - 2 * DAY, 1);
      const [held] = await writeSegments(volume, '602', now - 3 * DAY, 1);
      await repo.insert(row(volume, '601', ev!, 'event'));
      await repo.insert(row(volume, '602', held!));
      await rec.footage.hold(
        {
          cameraId: '602',
          from: new Date(now - 4 * DAY).toISOString(),
          to: new Date(now - 2 * DAY).toISOString(),
          reason: 'evidence',
        },
        SYSTEM,
      );
      rec.volumes.get(volume)!.indexedBytes = await repo.volumeBytes(volume);
      await t.addUser('padm', 'admin', 'police');
      const admin = await t.login('padm');
      const cams: string[] = [];
      for (const i of [0, 1]) {
        const c = await t.api('POST', '/api/v1/cameras', {
          token: admin,
          body: {
            name: `quota ${i}`,
            mainUri: rtsp.url(i, 'main'),
            lng: 111.69,
            lat: 29.03,
            streams: { main: { codec: 'h264' } },
          },
        });
        cams.push(c.body.id as string);
      }
      // a department default: both cameras record
      await rec.setPlan({ scope: 'department', departmentId: t.departments.police, mode: 'continuous' }, SYSTEM);
      let maxSeg = 0;
      let worst = 0;
      const deadline = Date.now() + 60_000;
      while (
        Date.now() < deadline &&
        cams.some((cam) => logs.filter((m) => m.includes(`retention deleted camera ${cam} `)).length < 4)
      ) {
        let final = 0;
        for (const f of readdirSync(volume, { recursive: true, withFileTypes: true }))
          if (f.isFile() && f.name.endsWith('.mp4')) {
            const size = statSync(path.join(f.parentPath, f.name)).size;
            final += size;
            maxSeg = Math.max(maxSeg, size);
          }
        worst = Math.max(worst, final);
        await new Promise((r) => setTimeout(r, 50));
      }
      const deletions = logs.filter((m) => m.includes('retention deleted'));
      assert.ok(deletions.length >= 8, `deletions: ${deletions.length}`);
      assert.ok(
        worst <= quota + 2 * maxSeg,
        `disk ${worst} bytes, quota ${quota} + one segment (${maxSeg}) per camera`,
      );
      assert.ok(
        deletions.every((m) => cams.some((cam) => m.includes(`camera ${cam} continuous`))),
        deletions.join('\n'),
      );
      assert.ok(existsSync(ev!.path) && existsSync(held!.path), 'event and held footage kept');
      // the oldest continuous went first: what is left of each camera is its newest footage
      for (const cam of cams) {
        const rows = await rec.footage.segments(
          cam,
          new Date(now - 600_000).toISOString(),
          new Date(Date.now() + 1000).toISOString(),
        );
        const gone = deletions
          .filter((m) => m.includes(`camera ${cam} `))
          .map((m) => Date.parse(/\((\S+), \d+ bytes\)/.exec(m)![1]!));
        assert.ok(rows.length > 0 && gone.length > 0);
        assert.ok(
          Math.max(...gone) < rows[0]!.startMs,
          `camera ${cam}: deleted up to ${Math.max(...gone)}, kept from ${rows[0]!.startMs}`,
        );
      }
    } finally {
      await t.close();
      await rtsp.close();
      rmSync(volume, { recursive: true, force: true });
    }
  });
  it('a volume full of held footage stops recording instead of filling, and recording resumes once the hold is released', async () => {
    const rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0, width: 320, height: 240, fps: 25 });
    await rtsp.start();
    const volume = mkdtempSync(path.join(tmpdir(), 'ce-recfull-'));
    const logs: string[] = [];
    const t: TestGateway = await startTestGateway(
      {
        recording: {
          volumes: [{ path: volume, quotaBytes: 40_000 }],
          reserveBytes: 0,
          segmentSeconds: 1,
          planIntervalS: 0.5,
          retryS: 1,
        },
      },
      { onLog: (l, m) => logs.push(`${l} ${m}`) },
    );
    try {
      const rec = t.gw.services.recordings;
      const repo = new RecordingsRepo(t.gw.db.knex);
      const now = Date.now();
      const held = await writeSegments(volume, '701', now - 2 * DAY, 4);
      for (const s of held) await repo.insert(row(volume, '701', s));
      const hold = await rec.footage.hold(
        {
          cameraId: '701',
          from: new Date(now - 3 * DAY).toISOString(),
          to: new Date(now - DAY).toISOString(),
          reason: 'evidence',
        },
        SYSTEM,
      );
      rec.volumes.get(volume)!.indexedBytes = await repo.volumeBytes(volume);
      assert.ok(rec.volumes.get(volume)!.indexedBytes > 40_000);
      await rec.enforceRetention();
      assert.equal(rec.volumes.get(volume)!.full, true);
      await t.addUser('padm', 'admin', 'police');
      const c = await t.api('POST', '/api/v1/cameras', {
        token: await t.login('padm'),
        body: {
          name: 'full',
          mainUri: rtsp.url(0, 'main'),
          lng: 111.69,
          lat: 29.03,
          streams: { main: { codec: 'h264' } },
        },
      });
      const cam = c.body.id as string;
      await rec.setPlan({ scope: 'camera', cameraId: cam, mode: 'continuous' }, SYSTEM);
      await waitFor(() => rec.status()[0]?.state === 'failed', { what: 'recording refused' });
      assert.match(rec.status()[0]!.reason, /full of held footage/);
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(existsSync(path.join(volume, cam)), false, 'nothing written for the camera');
      assert.ok(
        held.every((s) => existsSync(s.path)),
        'held footage kept',
      );
      assert.ok(logs.some((m) => /error recording: volume .* is full of held footage/.test(m)));
      await rec.footage.releaseHold(hold.id, SYSTEM);
      await rec.enforceRetention();
      assert.equal(rec.volumes.get(volume)!.full, false);
      await waitFor(() => rec.status()[0]?.state === 'recording', {
        what: 'recording after the release',
        timeoutMs: 15_000,
      });
    } finally {
      await t.close();
      await rtsp.close();
      rmSync(volume, { recursive: true, force: true });
    }
  });
});
