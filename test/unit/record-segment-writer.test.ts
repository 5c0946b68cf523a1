// SegmentWriter on real ffmpeg fragments through a StreamHub: keyframe-aligned segments that ffprobe reads, runs, pre-roll, failures.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StreamHub } from '../../transcoder/fanout/stream-hub';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { SegmentWriter, type ClosedSegment, type WriteFailure } from '../../transcoder/record/segment-writer';
import { checkSegmentFile } from '../../transcoder/record/segment-file';
import { parseSegmentRelPath, resolveSegmentPath } from '../../transcoder/record/segment-names';
import { ffmpegFmp4 } from '../helpers/fmp4-ffmpeg';

type Raw = Omit<Fragment, 'seq'>;

/** `seconds` of 25 fps H.264 with a keyframe every `gop` frames, receivedAt spaced as if live from `t0`. */
function run(generation: number, seconds: number, gop: number, t0: number): { init: InitSegment; fragments: Raw[] } {
  let init: InitSegment | null = null;
  const fragments: Raw[] = [];
  const r = new FragmentReader({
    generation,
    sliceCodec: 'h264',
    onInit: (i) => (init = i),
    onFragment: (f) => fragments.push({ ...f, receivedAt: t0 + (f.startS + f.durationS) * 1000 + 40 }),
    onError: (e) => assert.fail(e),
  });
  r.push(ffmpegFmp4({ codec: 'h264', seconds, gop, size: '320x240' }));
  return { init: init!, fragments };
}

/** Video packets of a file as ffprobe reads them: key flags in decode order. */
function probeKeys(file: string): boolean[] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  return (JSON.parse(out) as { packets: Array<{ flags: string }> }).packets.map((p) => p.flags.startsWith('K'));
}

function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

describe('record: SegmentWriter', function () {
  this.timeout(60_000);
  let root: string;
  const a = run(3, 7, 25, Date.UTC(2026, 11, 6, 10, 0, 0));
  beforeEach(() => (root = mkdtempSync(path.join(tmpdir(), 'ce-rec-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function writer(extra: Partial<ConstructorParameters<typeof SegmentWriter>[0]> = {}) {
    const segments: ClosedSegment[] = [];
    const errors: WriteFailure[] = [];
    const w = new SegmentWriter({
      root,
      cameraId: '42',
      profile: 'main',
      segmentSeconds: 2,
      onSegment: (s) => segments.push(s),
      onError: (e) => errors.push(e),
      ...extra,
    });
    return { w, segments, errors };
  }

  it('writes keyframe-aligned segments of ≥ segmentSeconds that ffprobe reads, named by their wall-clock start', async () => {
    const hub = new StreamHub('42.main');
    const { w, segments, errors } = writer();
    hub.addTap(w, { keepAlive: true });
    hub.publishInit(a.init);
    for (const f of a.fragments) hub.publishFragment(f);
    hub.endRun('test');
    await w.close();
    assert.deepEqual(errors, []);
    // 7 s with a keyframe each second, cut at the first keyframe ≥ 2 s: 2 + 2 + 2 + 1
    assert.deepEqual(
      segments.map((s) => s.fragments),
      [50, 50, 50, 25],
    );
    const t0 = Date.UTC(2026, 11, 6, 10, 0, 0);
    for (const [i, s] of segments.entries()) {
      assert.equal(path.basename(s.path), `main-${s.startTime}.mp4`);
      assert.deepEqual(parseSegmentRelPath(s.relPath), { cameraId: '42', profile: 'main', startMs: s.startTime });
      assert.ok(Math.abs(s.startTime - (t0 + 40 + i * 2000)) <= 5, `segment ${i} starts at ${s.startTime - t0} ms`);
      assert.ok(Math.abs(s.endTime - s.startTime - s.fragments * 40) <= 5);
      assert.equal(s.generation, 3);
      assert.equal(readFileSync(s.path).length, s.bytes);
      const keys = probeKeys(s.path);
      assert.equal(keys.length, s.fragments);
      assert.equal(keys[0], true, 'each segment starts at a keyframe');
      const check = await checkSegmentFile(s.path);
      assert.ok(check.ok && check.info.fragments === s.fragments, JSON.stringify(check));
    }
    assert.ok(!listAll(root).some((f) => f.endsWith('.part')), 'no temporary file left');
    // contiguous within the run (times are the delivery's: 40 ms after capture here)
    for (let i = 1; i < segments.length; i++) assert.equal(segments[i]!.startTime, segments[i - 1]!.endTime);
  });

  it('a run ending closes the segment at what it has; the next run starts after a gap, at its first keyframe', async () => {
    const hub = new StreamHub('42.main');
    const { w, segments } = writer();
    hub.addTap(w);
    hub.publishInit(a.init);
    for (const f of a.fragments.slice(0, 37)) hub.publishFragment(f);
    hub.endRun('ffmpeg killed');
    const b = run(4, 3, 25, Date.UTC(2026, 11, 6, 10, 0, 10));
    hub.publishInit(b.init);
    for (const f of b.fragments) hub.publishFragment(f);
    hub.close('test');
    await w.close();
    assert.deepEqual(
      segments.map((s) => [s.generation, s.fragments]),
      [
        [3, 37],
        [4, 50],
        [4, 25],
      ],
    );
    const gap = segments[1]!.startTime - segments[0]!.endTime;
    assert.ok(gap > 8000 && gap < 9000, `gap ${gap} ms`);
    for (const s of segments) assert.equal(probeKeys(s.path)[0], true);
  });

  it('on standby writes nothing; resume() starts with the pre-roll (whole GOPs) and never writes a fragment twice', async () => {
    const hub = new StreamHub('42.main', { replaySeconds: 30 });
    const { w, segments } = writer({ active: false, segmentSeconds: 60 });
    hub.addTap(w, { keepAlive: true });
    hub.publishInit(a.init);
    for (const f of a.fragments.slice(0, 110)) hub.publishFragment(f);
    assert.equal(listAll(root).length, 0);
    w.resume(hub.replay(2));
    for (const f of a.fragments.slice(110, 150)) hub.publishFragment(f);
    w.pause();
    for (const f of a.fragments.slice(150)) hub.publishFragment(f);
    await w.close();
    assert.equal(segments.length, 1);
    // replay(2) at fragment 110: the GOPs from frame 50 (≥ 2 s), then 110..149
    assert.equal(segments[0]!.fragments, 100);
    const keys = probeKeys(segments[0]!.path);
    assert.equal(keys.length, 100);
    assert.deepEqual(
      keys.map((k, i) => (k ? i : -1)).filter((i) => i >= 0),
      [0, 25, 50, 75],
    );
  });

  it('a volume that refuses writes is reported once, nothing half-written stays, and retry() resumes at a keyframe', async () => {
    const hub = new StreamHub('42.main');
    const { w, segments, errors } = writer();
    hub.addTap(w);
    hub.publishInit(a.init);
    // the camera's directory is a file: every open fails (as on a volume that went away)
    writeFileSync(path.join(root, '42'), 'not a directory');
    for (const f of a.fragments.slice(0, 60)) hub.publishFragment(f);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /^transcoder: record: /);
    assert.ok(errors[0]!.code === 'EEXIST' || errors[0]!.code === 'ENOTDIR', String(errors[0]!.code));
    assert.ok(w.failed);
    rmSync(path.join(root, '42'));
    for (const f of a.fragments.slice(60, 80)) hub.publishFragment(f);
    assert.equal(existsSync(path.join(root, '42')), false, 'nothing written until retry()');
    w.retry();
    for (const f of a.fragments.slice(80)) hub.publishFragment(f);
    hub.endRun('test');
    await w.close();
    assert.equal(errors.length, 1);
    assert.equal(segments[0]!.fragments, 50, 'resumed at the keyframe of frame 100');
    assert.equal(probeKeys(segments[0]!.path)[0], true);
  });

  it('rejects bad camera ids, lengths and traversal in segment paths with clear errors', () => {
    assert.throws(() => writer({ cameraId: '../x' }), /camera id "\.\.\/x" rejected/);
    assert.throws(() => writer({ segmentSeconds: 0 }), /segmentSeconds 0 outside 1\.\.600/);
    for (const bad of [
      '../../etc/passwd',
      '/etc/passwd',
      '42/2026-12-06/../../x.mp4',
      '42\\2026-12-06\\main-1.mp4',
      '42/2026-12-06/main-1.mp4\u0000',
    ])
      assert.throws(() => resolveSegmentPath(root, bad), /segment path .* rejected/);
    // the date directory must be the start's UTC day
    assert.throws(() => resolveSegmentPath(root, '42/2026-12-07/main-1796551200000.mp4'), /rejected/);
    const ok = `42/2026-12-06/main-${Date.UTC(2026, 11, 6, 10)}.mp4`;
    assert.equal(resolveSegmentPath(root, ok), path.join(root, ok));
  });

  it('checkSegmentFile refuses truncated, garbled and non-keyframe-first files', async () => {
    const good = Buffer.concat([a.init.data, ...a.fragments.slice(0, 30).map((f) => f.data)]);
    mkdirSync(path.join(root, 'x'));
    const cases: Array<[string, Buffer, RegExp]> = [
      ['truncated', good.subarray(0, good.length - 100), /trailing bytes/],
      ['garbled', Buffer.concat([a.init.data, Buffer.from('garbage that is not a box at all')]), /./],
      ['no keyframe first', Buffer.concat([a.init.data, ...a.fragments.slice(1, 30).map((f) => f.data)]), /keyframe/],
      ['init only', a.init.data, /no fragment/],
      ['empty', Buffer.alloc(0), /no init/],
    ];
    for (const [name, data, why] of cases) {
      const file = path.join(root, 'x', `${name}.mp4`);
      writeFileSync(file, data);
      const c = await checkSegmentFile(file);
      assert.equal(c.ok, false, name);
      if (!c.ok) assert.match(c.reason, why, name);
    }
    writeFileSync(path.join(root, 'x', 'good.mp4'), good);
    const c = await checkSegmentFile(path.join(root, 'x', 'good.mp4'));
    assert.ok(c.ok && c.info.fragments === 30 && Math.abs(c.info.durationS - 1.2) < 0.01);
  });
});
