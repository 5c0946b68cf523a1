// Playback across a camera reconfigured mid-day (160x120, then 320x240 in the same time range): a stream.mp4 session
// never mixes two inits; its map says the codec parameters change (endedBy init-change) and where the next session
// starts; that session serves the new init; HLS puts a new EXT-X-MAP (and a discontinuity) at the change.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SegmentRecord } from '../../gateway/db/recordings-repo';
import { recordFootage } from '../helpers/footage';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const run = promisify(execFile);

/** Width × height of each decoded frame of `input`, and ffmpeg's error output. */
async function frameSizes(input: string): Promise<{ sizes: string[]; errors: string }> {
  const f = await run(
    'ffprobe',
    [
      '-v',
      'error',
      '-protocol_whitelist',
      'http,tcp,file',
      '-select_streams',
      'v:0',
      '-show_entries',
      'frame=width,height',
      '-of',
      'csv=p=0',
      input,
    ],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
  );
  const sizes = f.stdout
    .split('\n')
    .filter((l) => /^\d+,\d+/.test(l))
    .map((l) => l.split(',').slice(0, 2).join('x'));
  return { sizes, errors: f.stderr.trim() };
}

describe('playback across a change of resolution in one time range', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let admin: string;
  let cam: string;
  let small: SegmentRecord[];
  let large: SegmentRecord[];
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-initchange-'));
  const t0 = Date.now() - 3 * 3_600_000;
  const iso = (ms: number): string => new Date(ms).toISOString();

  before(async () => {
    t = await startTestGateway();
    await t.addUser('padm', 'admin', 'police');
    admin = await t.login('padm');
    const r = await t.api('POST', '/api/v1/cameras', {
      token: admin,
      body: {
        name: 'reconf',
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
    // 3 segments of 2 s at 160x120; the camera is reconfigured (its pull restarts within a second); 3 more at 320x240
    small = await recordFootage(repo, volume, cam, t.departments.police, t0, 3, 2, { size: '160x120' });
    large = await recordFootage(repo, volume, cam, t.departments.police, small.at(-1)!.endMs + 800, 3, 2, {
      size: '320x240',
      generation: 1,
    });
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = async (startMs: number) => {
    const r = await t.api('POST', `/api/v1/cameras/${cam}/playback`, { token: admin, body: { start: iso(startMs) } });
    assert.equal(r.status, 201, r.text);
    const res = await fetch(t.base + r.body.stream);
    assert.equal(res.status, 200);
    const file = path.join(dir, `${startMs}.mp4`);
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const map = await t.api('GET', r.body.map);
    assert.equal(map.status, 200, map.text);
    return { file, map: map.body, hls: r.body.hls as string };
  };

  it('stream.mp4 stops at the change with one init; the map says init-change and where the next session starts', async () => {
    const first = await open(small[0]!.startMs);
    const f = await frameSizes(first.file);
    assert.equal(f.errors, '');
    assert.equal(f.sizes.length, 3 * 2 * 25);
    assert.deepEqual([...new Set(f.sizes)], ['160x120']);
    assert.equal(first.map.endedBy, 'init-change');
    assert.equal(first.map.next, iso(large[0]!.startMs));
    assert.equal(first.map.end, iso(small.at(-1)!.endMs));
    assert.deepEqual(
      first.map.segments.map((s: { id: string }) => s.id),
      small.map((s) => s.id),
    );

    // the player opens the next session where the map says: the new init, the new size, from its first frame
    const second = await open(Date.parse(first.map.next));
    const g = await frameSizes(second.file);
    assert.equal(g.errors, '');
    assert.equal(g.sizes.length, 3 * 2 * 25);
    assert.deepEqual([...new Set(g.sizes)], ['320x240']);
    assert.equal(second.map.segments[0].wallStart, iso(large[0]!.startMs));
    assert.equal(second.map.segments[0].mediaStartS, 0);
    assert.equal(second.map.endedBy, 'footage');
    assert.equal(second.map.next, null);
  });

  it('a session opened inside the first run ends at the change too (no frame of the other size)', async () => {
    const mid = await open(small[1]!.startMs + 500);
    assert.equal(mid.map.endedBy, 'init-change');
    assert.equal(mid.map.next, iso(large[0]!.startMs));
    assert.deepEqual([...new Set((await frameSizes(mid.file)).sizes)], ['160x120']);
  });

  it('HLS of the whole range: a new EXT-X-MAP with a discontinuity at the change; each segment decodes with its map', async () => {
    const s = await open(small[0]!.startMs);
    const pl = await t.api('GET', s.hls);
    assert.equal(pl.status, 200);
    const lines = pl.text.trim().split('\n');
    const maps = lines.filter((l) => l.startsWith('#EXT-X-MAP:'));
    assert.deepEqual(maps, [`#EXT-X-MAP:URI="init-${small[0]!.id}.mp4"`, `#EXT-X-MAP:URI="init-${large[0]!.id}.mp4"`]);
    assert.equal(lines.indexOf('#EXT-X-DISCONTINUITY'), lines.indexOf(maps[1]!) - 1);
    // each segment decodes with the init its EXT-X-MAP names (ffmpeg's own HLS reader decodes what follows a new
    // EXT-X-MAP with the first init's parameter sets, so each map + segment pair is decoded on its own here)
    const base = t.base + s.hls.replace(/index\.m3u8$/, '');
    const sizes: string[] = [];
    let init = '';
    for (const l of lines) {
      if (l.startsWith('#EXT-X-MAP:')) init = /URI="([^"]+)"/.exec(l)![1]!;
      if (!/^seg-\d+\.m4s$/.test(l)) continue;
      const parts = await Promise.all(
        [init, l].map(async (n) => Buffer.from(await (await fetch(base + n)).arrayBuffer())),
      );
      const file = path.join(dir, l.replace('.m4s', '.mp4'));
      writeFileSync(file, Buffer.concat(parts));
      const f = await frameSizes(file);
      assert.equal(f.errors, '', l);
      sizes.push(...f.sizes);
    }
    assert.equal(sizes.length, 6 * 2 * 25);
    assert.deepEqual(sizes.slice(0, 150), Array(150).fill('160x120'));
    assert.deepEqual(sizes.slice(150), Array(150).fill('320x240'));
  });
});
