// Playback API on real footage (ffmpeg segments, PostgreSQL index): spans, the re-timed fMP4 stream across a gap, HLS VOD.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { SegmentRecord } from '../../gateway/db/recordings-repo';
import { recordFootage } from '../helpers/footage';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const run = promisify(execFile);

interface Packet {
  dts: number;
  key: boolean;
}

function ffprobePackets(file: string): { packets: Packet[]; duration: number } {
  const r = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'packet=dts_time,flags:format=duration',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout) as {
    packets: Array<{ dts_time: string; flags: string }>;
    format: { duration: string };
  };
  return {
    packets: j.packets.map((p) => ({ dts: Number(p.dts_time), key: p.flags.startsWith('K') })),
    duration: Number(j.format.duration),
  };
}

/** Frames ffmpeg decodes from `input` (file or URL of this gateway: run without blocking it), and its error output. */
async function decode(input: string): Promise<{ frames: number; errors: string }> {
  const r = await run(
    'ffmpeg',
    ['-v', 'error', '-protocol_whitelist', 'http,tcp,file', '-i', input, '-map', '0:v:0', '-f', 'framemd5', '-'],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );
  return { frames: r.stdout.split('\n').filter((l) => /^\d+,/.test(l)).length, errors: r.stderr.trim() };
}

describe('playback API: spans, a continuous stream across a gap, HLS VOD', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let admin: string;
  let cam: string;
  let runA: SegmentRecord[];
  let runB: SegmentRecord[];
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-playback-'));
  const t0 =
    Date.UTC(2026, 0, 1) + Math.floor((Date.now() - Date.UTC(2026, 0, 1)) / 86_400_000 - 1) * 86_400_000 + 36e6;

  before(async () => {
    t = await startTestGateway();
    await t.addUser('padm', 'admin', 'police');
    admin = await t.login('padm');
    const r = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: 'pb 1',
        mainUri: 'rtsp://127.0.0.1:9/x',
        lng: 111.69,
        lat: 29.03,
        streams: { main: { codec: 'h264' } },
      },
    });
    assert.equal(r.status, 201, r.text);
    cam = r.body.id;
    const volume = [...t.gw.services.recordings.volumes.keys()][0]!;
    const repo = t.gw.services.playback.repo;
    // yesterday 10:00 UTC: 4 segments of 2 s, then the camera drops for 20 s, then 3 more
    runA = await recordFootage(repo, volume, cam, t.departments.police, t0, 4, 2);
    runB = await recordFootage(repo, volume, cam, t.departments.police, runA.at(-1)!.endMs + 20_000, 3, 2);
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const iso = (ms: number): string => new Date(ms).toISOString();

  it('spans of the day from the index: two spans, the 20 s gap between them, the rest of the day as gaps', async () => {
    const day = Date.UTC(new Date(t0).getUTCFullYear(), new Date(t0).getUTCMonth(), new Date(t0).getUTCDate());
    const r = await t.api('GET', `/api/v1/cameras/${cam}/recordings?from=${iso(day)}&to=${iso(day + 86_400_000)}`, {
      token: admin,
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.body.spans.map((s: { start: string; end: string; kind: string }) => [s.start, s.end, s.kind]),
      [
        [iso(runA[0]!.startMs), iso(runA.at(-1)!.endMs), 'continuous'],
        [iso(runB[0]!.startMs), iso(runB.at(-1)!.endMs), 'continuous'],
      ],
    );
    const inner = r.body.gaps.filter((g: { start: string }) => g.start === iso(runA.at(-1)!.endMs));
    assert.equal(inner.length, 1);
    assert.ok(Math.abs(inner[0].seconds - 20) < 0.01, JSON.stringify(inner));
    assert.equal(r.body.gaps[0].start, iso(day));
    assert.equal(r.body.gaps.at(-1).end, iso(day + 86_400_000));
  });

  it('the stream plays from the keyframe at or before start, through the gap, on one continuous timeline; the map says where', async () => {
    const start = runA[0]!.startMs + 2500; // inside the second segment, 0.5 s after a keyframe
    const r = await t.api('POST', `/api/v1/cameras/${cam}/playback`, {
      token: admin,
      body: { start: iso(start), speed: 4 },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.speed, 4);
    const res = await fetch(t.base + r.body.stream);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'video/mp4');
    const file = path.join(dir, 'stream.mp4');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const { packets, duration } = ffprobePackets(file);
    // from 2 s into run A (the keyframe at or before start): 6 s of A, then 6 s of B, nothing of the gap
    assert.equal(packets.length, 12 * 25);
    assert.ok(Math.abs(duration - 12) < 0.15, `duration ${duration}`);
    assert.equal(packets[0]!.key, true);
    for (let i = 1; i < packets.length; i++) {
      const step = packets[i]!.dts - packets[i - 1]!.dts;
      assert.ok(step > 0 && step < 0.07, `packet ${i}: step ${step} s`);
    }
    const d = await decode(file);
    assert.equal(d.frames, 300);
    assert.equal(d.errors, '');

    const map = await t.api('GET', r.body.map);
    assert.equal(map.status, 200, map.text);
    assert.equal(map.body.segments.length, 6);
    assert.equal(map.body.segments[0].wallStart, iso(runA[1]!.startMs));
    assert.equal(map.body.segments[0].mediaStartS, 0);
    assert.equal(map.body.gaps.length, 1);
    const gap = map.body.gaps[0];
    assert.equal(gap.from, iso(runA.at(-1)!.endMs));
    assert.equal(gap.to, iso(runB[0]!.startMs));
    assert.ok(Math.abs(gap.seconds - 20) < 0.05);
    assert.ok(Math.abs(gap.atMediaS - 6) < 0.1, `jump at media ${gap.atMediaS} s`);
    // the media time right after the jump is run B's first frame: wall clock = that segment's start
    const afterJump = map.body.segments.find((s: { mediaStartS: number }) => s.mediaStartS === gap.atMediaS);
    assert.equal(afterJump.wallStart, iso(runB[0]!.startMs));
    assert.equal(map.body.end, iso(runB.at(-1)!.endMs));
    assert.equal(map.body.next, null);
  });

  it('above 8×: keyframes only, each shown for its GOP time over the speed; the map gives the rate', async () => {
    const start = runA[0]!.startMs + 2500;
    const r = await t.api('POST', `/api/v1/cameras/${cam}/playback`, {
      token: admin,
      body: { start: iso(start), speed: 16 },
    });
    assert.equal(r.status, 201, r.text);
    const res = await fetch(t.base + r.body.stream);
    const file = path.join(dir, 'fast.mp4');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const { packets, duration } = ffprobePackets(file);
    // 6 s of A and 6 s of B at one keyframe a second: 12 pictures of 1/16 s each
    assert.equal(packets.length, 12);
    assert.ok(packets.every((p) => p.key));
    assert.ok(Math.abs(duration - 12 / 16) < 0.02, `duration ${duration}`);
    const d = await decode(file);
    assert.equal(d.frames, 12);
    assert.equal(d.errors, '');
    const map = await t.api('GET', r.body.map);
    assert.equal(map.body.keyframesOnly, true);
    for (const s of map.body.segments) assert.ok(Math.abs(s.rate - 16) < 0.5, `rate ${s.rate}`);
    assert.ok(Math.abs(map.body.gaps[0].atMediaS - 6 / 16) < 0.02, `jump at ${map.body.gaps[0].atMediaS}`);
    assert.equal(
      (await t.api('POST', `/api/v1/cameras/${cam}/playback`, { token: admin, body: { start: iso(start), speed: 12 } }))
        .status,
      400,
    );
  });

  it('HLS VOD: a valid playlist (map, discontinuity at the gap, program date-times, endlist) that ffmpeg plays', async () => {
    const r = await t.api('POST', `/api/v1/cameras/${cam}/playback`, {
      token: admin,
      body: { start: iso(runA[0]!.startMs - 60_000) },
    });
    assert.equal(r.status, 201, r.text);
    const pl = await t.api('GET', r.body.hls);
    assert.equal(pl.status, 200);
    assert.match(pl.headers.get('content-type') ?? '', /^application\/vnd\.apple\.mpegurl/);
    const lines = pl.text.trim().split('\n');
    assert.equal(lines[0], '#EXTM3U');
    assert.equal(lines.at(-1), '#EXT-X-ENDLIST');
    assert.ok(lines.includes('#EXT-X-PLAYLIST-TYPE:VOD'));
    assert.equal(lines.filter((l) => l === '#EXT-X-DISCONTINUITY').length, 1);
    assert.equal(lines.filter((l) => l.startsWith('#EXT-X-MAP:')).length, 2);
    const pdt = lines.filter((l) => l.startsWith('#EXT-X-PROGRAM-DATE-TIME:')).map((l) => l.slice(25));
    assert.deepEqual(
      pdt,
      [...runA, ...runB].map((s) => iso(s.startMs)),
    );
    assert.equal(lines.filter((l) => /^seg-\d+\.m4s$/.test(l)).length, 7);
    const d = await decode(t.base + r.body.hls);
    assert.equal(d.frames, 14 * 25);
    assert.equal(d.errors, '');
  });

  it('a segment file gone after the session opened is one more gap: the stream serves the rest, on one timeline', async () => {
    const volume = [...t.gw.services.recordings.volumes.keys()][0]!;
    const t1 = runB.at(-1)!.endMs + 3_600_000;
    const run = await recordFootage(t.gw.services.playback.repo, volume, cam, t.departments.police, t1, 4, 2);
    const r = await t.api('POST', `/api/v1/cameras/${cam}/playback`, { token: admin, body: { start: iso(t1) } });
    assert.equal(r.status, 201, r.text);
    rmSync(path.join(volume, run[1]!.path));
    const res = await fetch(t.base + r.body.stream);
    assert.equal(res.status, 200);
    const file = path.join(dir, 'holed.mp4');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const { packets } = ffprobePackets(file);
    assert.equal(packets.length, 3 * 2 * 25, 'three segments of four');
    for (let i = 1; i < packets.length; i++) {
      const step = packets[i]!.dts - packets[i - 1]!.dts;
      assert.ok(step > 0 && step < 0.07, `packet ${i}: step ${step} s`);
    }
    assert.equal((await decode(file)).errors, '');
  });

  it('HLS of a window still being recorded: playlist type EVENT, no ENDLIST, the segments there so far', async () => {
    const volume = [...t.gw.services.recordings.volumes.keys()][0]!;
    const recent = await recordFootage(
      t.gw.services.playback.repo,
      volume,
      cam,
      t.departments.police,
      Date.now() - 30_000,
      2,
      2,
    );
    const r = await t.api('POST', `/api/v1/cameras/${cam}/playback`, {
      token: admin,
      body: { start: iso(recent[0]!.startMs) },
    });
    assert.equal(r.status, 201, r.text);
    const pl = await t.api('GET', r.body.hls);
    assert.equal(pl.status, 200);
    assert.ok(pl.text.includes('#EXT-X-PLAYLIST-TYPE:EVENT'));
    assert.ok(!pl.text.includes('#EXT-X-ENDLIST'));
    assert.equal(pl.text.split('\n').filter((l) => /^seg-\d+\.m4s$/.test(l)).length, 2);
    const map = await t.api('GET', r.body.map);
    assert.equal(map.body.endedBy, 'footage');
    assert.equal(map.body.end, iso(recent.at(-1)!.endMs));
  });

  it('the OpenAPI document describes the footage routes with their actions', async () => {
    const doc = (await t.api('GET', '/api/v1/openapi.json')).body;
    const op = (p: string, m: string) => doc.paths[p]?.[m];
    assert.equal(op('/api/v1/cameras/{id}/recordings', 'get')?.['x-action'], 'playback');
    assert.equal(op('/api/v1/cameras/{id}/playback', 'post')?.['x-action'], 'playback');
    assert.deepEqual(op('/api/v1/cameras/{id}/playback', 'post')?.['x-roles'], ['admin', 'operator', 'integrator']);
    assert.deepEqual(op('/api/v1/exports', 'post')?.['x-roles'], ['admin', 'operator']);
    assert.ok(op('/api/v1/exports/{id}', 'get'));
    for (const p of [
      '/playback/{token}/stream.mp4',
      '/playback/{token}/map',
      '/playback/{token}/{file}',
      '/exports/{token}/{file}',
    ])
      assert.ok(op(p, 'get'), p);
  });
});
