// Recording in a real gateway: simulated cameras, the supervisor's one pull, real ffmpeg, PostgreSQL; kills, drops, bad input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import type { Sink } from '../../transcoder/fanout/types';
import type { SegmentRecord } from '../../gateway/db/recordings-repo';
import type { RecordingService } from '../../gateway/recordings/recording-service';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const SYSTEM = { kind: 'system' as const, id: 'test', name: 'test', departmentId: null };

/** Video packets' key flags of a file, as ffprobe reads them (throws when ffprobe cannot read it). */
function probeKeys(file: string): boolean[] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { packets: Array<{ flags: string }> }).packets.map((p) => p.flags.startsWith('K'));
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

describe('recording: a gateway records its cameras', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let rtsp: RtspProcess;
  let rec: RecordingService;
  let cam: string;
  let volume: string;
  const logs: string[] = [];
  const iso = (ms: number): string => new Date(ms).toISOString();
  const segs = (): Promise<SegmentRecord[]> =>
    rec.footage.segments(cam, iso(Date.now() - 3_600_000), iso(Date.now() + 1000));

  before(async () => {
    rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0, width: 320, height: 240, fps: 25 });
    await rtsp.start();
    t = await startTestGateway(
      {
        // ffmpeg pulls here, so a run can be killed mid-segment; the recorder reads the hub whatever pulls (record-crash: native)
        transcoder: {
          pullEngine: 'ffmpeg',
          idleTimeoutS: 5,
          stallTimeoutS: 2,
          backoffInitialMs: 300,
          backoffMaxMs: 1500,
        },
        recording: { segmentSeconds: 2, planIntervalS: 0.5, retryS: 1 },
      },
      { onLog: (level, msg) => logs.push(`${level} ${msg}`) },
    );
    rec = t.gw.services.recordings;
    volume = [...rec.volumes.keys()][0]!;
    await t.addUser('padm', 'admin', 'police');
    const admin = await t.login('padm');
    const r = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: 'rec 1',
        mainUri: rtsp.url(0, 'main'),
        lng: 111.69,
        lat: 29.03,
        streams: { main: { codec: 'h264' } },
      },
    });
    assert.equal(r.status, 201, r.text);
    cam = r.body.id;
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  it('a continuous plan records keyframe-aligned segments that pass ffprobe, through the one pull of the camera', async () => {
    await rec.setPlan({ scope: 'camera', cameraId: cam, mode: 'continuous' }, SYSTEM);
    await waitFor(async () => (await segs()).length >= 3, { what: 'three segments', timeoutMs: 30_000 });
    await waitFor(() => rec.status()[0]?.state === 'recording', { what: 'recording state' });
    assert.deepEqual(
      rec.status().map((s) => [s.cameraId, s.state]),
      [[cam, 'recording']],
    );
    // recording holds the stream alive through its keepAlive tap: one pull, no second camera session
    assert.deepEqual(
      t.gw.services.supervisor.list().map((s) => s.key),
      [`${cam}.main`],
    );
    const rows = await segs();
    for (const s of rows) {
      const keys = probeKeys(path.join(volume, s.path));
      assert.equal(keys[0], true, `${s.path} starts at a keyframe`);
      assert.ok(s.endMs - s.startMs >= 1900 && s.endMs - s.startMs < 4500, `${s.path}: ${s.endMs - s.startMs} ms`);
      assert.equal(s.kind, 'continuous');
    }
    const spans = await rec.footage.spans(cam, iso(Date.now() - 600_000), iso(Date.now()));
    assert.equal(spans.length, 1, JSON.stringify(spans));
    assert.equal(spans[0]!.startMs, rows[0]!.startMs);
    assert.ok(spans[0]!.endMs >= rows.at(-1)!.endMs);
  });

  it('ffmpeg killed mid-segment: no half segment indexed, recording goes on in a new run after a boundary', async () => {
    const before = await segs();
    const info = t.gw.services.supervisor.get(`${cam}.main`);
    assert.ok(info?.pid);
    await new Promise((r) => setTimeout(r, 700)); // mid-segment
    process.kill(info.pid, 'SIGKILL');
    const lastGen = Math.max(...before.map((s) => s.generation));
    await waitFor(async () => (await segs()).filter((s) => s.generation > lastGen).length >= 2, {
      what: 'two segments of the next run',
      timeoutMs: 30_000,
    });
    await rec.settled();
    const rows = await segs();
    for (const s of rows) assert.equal(probeKeys(path.join(volume, s.path))[0], true, s.path);
    const cut = rows.findIndex((s) => s.generation > lastGen);
    assert.ok(cut > 0);
    assert.ok(rows[cut]!.startMs >= rows[cut - 1]!.endMs, 'the new run starts after the killed one ends');
    // the segment cut short by the kill is indexed with what it had (complete fragments), never past it
    const files = allFiles(volume).filter((f) => f.endsWith('.mp4'));
    assert.ok(files.length >= rows.length);
    assert.ok(!rows.some((s) => s.path.endsWith('.part')));
  });

  it('a camera down for ~10 s: one gap of about that length in the spans', async () => {
    const t0 = Date.now();
    await rtsp.down(0);
    await new Promise((r) => setTimeout(r, 10_000));
    await rtsp.up(0);
    await waitFor(async () => (await segs()).some((s) => s.startMs > t0 + 10_000 && s.endMs > s.startMs + 1000), {
      what: 'segments after the camera came back',
      timeoutMs: 40_000,
    });
    const spans = await rec.footage.spans(cam, iso(t0 - 60_000), iso(Date.now()));
    const gaps = spans.slice(1).map((s, i) => s.startMs - spans[i]!.endMs);
    const big = gaps.filter((g) => g > 5000);
    assert.equal(big.length, 1, `gaps ${JSON.stringify(gaps)}`);
    assert.ok(big[0]! >= 9000 && big[0]! < 25_000, `gap of ${big[0]} ms`);
  });

  it('bad input: reversed, future, too long and zone-less ranges, bad ids, traversal in segment paths, bad plans', async () => {
    const now = Date.now();
    const cases: Array<[string, () => Promise<unknown>, RegExp]> = [
      ['reversed', () => rec.footage.spans(cam, iso(now), iso(now - 1000)), /range reversed or empty/],
      ['future', () => rec.footage.spans(cam, iso(now + 3_600_000), iso(now + 7_200_000)), /in the future/],
      ['years', () => rec.footage.spans(cam, '2020-01-01T00:00:00Z', iso(now)), /longer than 400 days/],
      ['no zone', () => rec.footage.spans(cam, '2026-12-06T10:00:00', iso(now)), /has no time zone/],
      ['bad offset', () => rec.footage.spans(cam, '2026-12-06T10:00:00+25:00', iso(now)), /offset outside/],
      ['not a date', () => rec.footage.spans(cam, '2026-02-30T10:00:00Z', iso(now)), /not a real date/],
      ['camera id', () => rec.footage.spans('1; drop table', iso(now - 1000), iso(now)), /not a camera id/],
      ['profile', () => rec.footage.spans(cam, iso(now - 1000), iso(now), 'x'), /not main or sub/],
      ['traversal', () => rec.footage.segmentFile(cam, `../../etc/passwd`), /segment path .* rejected/],
      ['encoded traversal', () => rec.footage.segmentFile(cam, `${cam}/2026-12-06/..%2f..%2fmain-1.mp4`), /rejected/],
      [
        'other camera',
        () => rec.footage.segmentFile(cam, `9${cam}/2026-12-06/main-${Date.UTC(2026, 11, 6)}.mp4`),
        /not camera/,
      ],
      [
        'time zone',
        () =>
          rec.setPlan(
            {
              scope: 'camera',
              cameraId: cam,
              mode: 'scheduled',
              timeZone: 'Mars/Olympus',
              windows: [{ days: [1], start: '08:00', end: '18:00' }],
            },
            SYSTEM,
          ),
        /unknown time zone/,
      ],
      [
        'window',
        () =>
          rec.setPlan(
            {
              scope: 'camera',
              cameraId: cam,
              mode: 'scheduled',
              windows: [{ days: [7], start: '18:00', end: '08:00' }],
            },
            SYSTEM,
          ),
        /days 0 \(Sunday\) to 6.*must be after start/,
      ],
      [
        'pre-roll',
        () => rec.setPlan({ scope: 'camera', cameraId: cam, mode: 'event', preRollS: 600 }, SYSTEM),
        /preRollS must be a whole number 0–30/,
      ],
      [
        'hold reason',
        () => rec.footage.hold({ cameraId: cam, from: iso(now - 60_000), to: iso(now), reason: '' }, SYSTEM),
        /needs a reason/,
      ],
    ];
    for (const [name, call, why] of cases) {
      const err = await call().then(
        () => null,
        (e: Error) => e,
      );
      assert.ok(err, `${name}: accepted`);
      assert.equal(err.name, 'ValidationError', `${name}: ${err.name} ${err.message}`);
      assert.match(err.message, why, name);
    }
    const missing = await rec.footage
      .segmentFile(cam, `${cam}/2026-12-06/main-${Date.UTC(2026, 11, 6)}.mp4`)
      .catch((e: Error) => e);
    assert.equal((missing as Error).name, 'NotFoundError');
    const rows = await segs();
    const found = await rec.footage.segmentFile(cam, rows[0]!.path);
    assert.equal(found.file, path.join(volume, rows[0]!.path));
  });

  it('a volume that becomes unwritable: recording reported failed, live viewing unaffected, recording resumes after', async () => {
    const hub = t.gw.services.supervisor.hub(`${cam}.main`)!;
    let got = 0;
    const sink: Sink = { write: () => void got++, bufferedBytes: () => 0, close: () => undefined };
    const att = hub.attach(sink);
    const failed: string[] = [];
    const off = rec.onStatus((s) => s.state === 'failed' && failed.push(s.reason));
    // the camera's directory replaced by a file: every new segment's open fails, as on a volume gone read-only
    const { renameSync, writeFileSync, rmSync } = await import('node:fs');
    const camDir = path.join(volume, cam);
    renameSync(camDir, `${camDir}.aside`);
    writeFileSync(camDir, 'not a directory');
    try {
      await waitFor(() => failed.length > 0, { what: 'recording reported failed', timeoutMs: 10_000 });
      assert.match(failed[0]!, /transcoder: record: .*(EEXIST|ENOTDIR)/);
      const seen = got;
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(got > seen + 20, `the viewer kept receiving fragments (${got - seen} in 1.5 s)`);
      assert.equal(t.gw.services.supervisor.get(`${cam}.main`)?.state, 'live');
    } finally {
      rmSync(camDir);
      renameSync(`${camDir}.aside`, camDir);
      off();
    }
    const t0 = Date.now();
    await waitFor(async () => (await segs()).some((s) => s.startMs > t0), {
      what: 'recording resumed',
      timeoutMs: 20_000,
    });
    await waitFor(() => rec.status()[0]?.state === 'recording', { what: 'state recording' });
    att.detach();
  });
  it('an event plan waits on standby, then records from the pull’s pre-roll to the post-roll of an event posted to the API', async () => {
    await rec.setPlan({ scope: 'camera', cameraId: cam, mode: 'event', preRollS: 3, postRollS: 3 }, SYSTEM);
    await waitFor(() => rec.status()[0]?.state === 'standby', { what: 'standby' });
    await new Promise((r) => setTimeout(r, 1500));
    await rec.settled();
    const quiet = (await segs()).length;
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal((await segs()).length, quiet, 'nothing written on standby');
    const admin = await t.login('padm');
    const at = Date.now();
    const ev = await t.api('POST', '/api/v1/events', { token: admin, body: { cameraId: cam, type: 'motion' } });
    assert.equal(ev.status, 201, ev.text);
    await waitFor(() => rec.status()[0]?.state === 'recording', { what: 'recording on the event', timeoutMs: 3000 });
    await waitFor(() => rec.status()[0]?.state === 'standby', {
      what: 'standby after the post-roll',
      timeoutMs: 15_000,
    });
    await rec.settled();
    const evSegs = (await segs()).slice(quiet);
    assert.ok(evSegs.length >= 2, JSON.stringify(evSegs));
    for (const s of evSegs) {
      assert.equal(s.kind, 'event');
      assert.deepEqual(s.eventIds, [String(ev.body.id)]);
      assert.equal(probeKeys(path.join(volume, s.path))[0], true, s.path);
    }
    const start = evSegs[0]!.startMs;
    const end = evSegs.at(-1)!.endMs;
    assert.ok(start <= at - 2500 && start >= at - 6000, `pre-roll from ${at - start} ms before the event`);
    assert.ok(end >= at + 2500, `post-roll to ${end - at} ms after the event`);
    const spans = await rec.footage.spans(cam, iso(at - 10_000), iso(Date.now()));
    assert.ok(
      spans.some((sp) => sp.startMs <= start && sp.endMs >= end),
      JSON.stringify(spans),
    );
  });
});
