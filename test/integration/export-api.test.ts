// Clip export on real footage: MP4s remuxed by ffmpeg whose SHA-256 match the manifest, held from retention until expiry; bad input.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SegmentRecord } from '../../gateway/db/recordings-repo';
import { recordFootage } from '../helpers/footage';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

const run = promisify(execFile);

describe('clip export: files, manifest, holds, expiry, bad input', function () {
  this.timeout(120_000);
  let t: TestGateway;
  let admin: string;
  let op: string;
  const cams: string[] = [];
  let runA: SegmentRecord[];
  let runB: SegmentRecord[];
  let volume: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'ce-export-'));
  const iso = (ms: number): string => new Date(ms).toISOString();
  const t0 = Date.now() - 3 * 3600_000;

  before(async () => {
    t = await startTestGateway({ recording: { export: { concurrency: 1 } } });
    await t.addUser('padm', 'admin', 'police');
    await t.addUser('pop', 'operator', 'police');
    await t.addUser('pview', 'viewer', 'police');
    await t.addUser('top', 'operator', 'traffic');
    admin = await t.login('padm');
    op = await t.login('pop');
    for (const name of ['ex a', 'ex b', 'ex c']) {
      const r = await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: { name, mainUri: 'rtsp://127.0.0.1:9/x', lng: 111.69, lat: 29.03, streams: { main: { codec: 'h264' } } },
      });
      assert.equal(r.status, 201, r.text);
      cams.push(r.body.id);
    }
    volume = [...t.gw.services.recordings.volumes.keys()][0]!;
    const repo = t.gw.services.playback.repo;
    const police = t.departments.police;
    runA = await recordFootage(repo, volume, cams[0]!, police, t0, 4, 2);
    runB = await recordFootage(repo, volume, cams[0]!, police, runA.at(-1)!.endMs + 20_000, 3, 2);
    await recordFootage(repo, volume, cams[1]!, police, t0, 2, 2);
    await recordFootage(repo, volume, cams[2]!, police, t0, 2, 2);
  });
  after(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const range = { from: iso(t0 - 10_000), to: iso(t0 + 3600_000) };
  const post = (token: string, body: unknown) => t.api('POST', '/api/v1/exports', { token, body });
  let exportId: string;

  it('every bad request is a clear 4xx and creates nothing', async () => {
    const body = { cameras: [cams[0]], ...range, reason: 'incident 2026-118' };
    const cases: Array<[unknown, number, RegExp]> = [
      [{ ...body, reason: undefined }, 400, /body\.reason/],
      [{ ...body, reason: '  ' }, 400, /body\.reason/],
      [{ ...body, cameras: [] }, 400, /cameras/],
      [{ ...body, cameras: Array.from({ length: 17 }, (_, i) => String(i + 1)) }, 400, /body\.cameras/],
      [{ ...body, cameras: ['../1'] }, 400, /cameras/],
      [{ ...body, to: iso(t0 - 20_000) }, 400, /reversed/],
      [{ ...body, from: iso(t0 - 2 * 86_400_000) }, 400, /at most 86400 s/],
      [{ ...body, from: '2026-12-01T10:00:00' }, 400, /time zone/],
      [{ ...body, from: iso(Date.now() + 60_000), to: iso(Date.now() + 120_000) }, 400, /future/],
      [{ ...body, cameras: ['987654321'] }, 404, /not found/],
    ];
    for (const [b, status, why] of cases) {
      const r = await post(op, b);
      assert.equal(r.status, status, `${JSON.stringify(b)}: ${r.text}`);
      assert.match(r.text, why);
    }
    assert.equal((await post(await t.login('pview'), body)).status, 403);
    assert.equal((await post(await t.login('top'), body)).status, 404);
    const rows = await t.gw.db.knex('recording_exports').count({ n: '*' }).first();
    assert.equal(Number(rows?.n), 0);
  });

  it('an operator exports two cameras: one MP4 each (ffprobe reads them, the right duration), SHA-256 as the manifest says', async () => {
    const r = await post(op, { cameras: [cams[0], cams[1]], ...range, reason: 'incident 2026-118' });
    assert.equal(r.status, 202, r.text);
    exportId = r.body.id;
    await t.gw.services.playback.exports.settled();
    const g = await t.api('GET', `/api/v1/exports/${exportId}`, { token: op });
    assert.equal(g.status, 200, g.text);
    assert.equal(g.body.status, 'done', g.text);
    assert.deepEqual(
      g.body.files.map((f: { name: string }) => f.name),
      [`camera-${cams[0]}.mp4`, `camera-${cams[1]}.mp4`, 'manifest.json'],
    );
    const got = new Map<string, Buffer>();
    for (const f of g.body.files as Array<{ name: string; url: string; sha256: string; bytes: number }>) {
      const res = await fetch(t.base + f.url);
      assert.equal(res.status, 200, f.name);
      const buf = Buffer.from(await res.arrayBuffer());
      assert.equal(buf.length, f.bytes);
      assert.equal(createHash('sha256').update(buf).digest('hex'), f.sha256);
      got.set(f.name, buf);
    }
    const manifest = JSON.parse(got.get('manifest.json')!.toString('utf8'));
    assert.equal(manifest.reason, 'incident 2026-118');
    assert.equal(manifest.exportedBy.name, 'pop');
    const [ma, mb] = manifest.cameras;
    assert.equal(ma.camera, cams[0]);
    assert.equal(ma.departmentId, t.departments.police);
    assert.equal(
      ma.sha256,
      createHash('sha256')
        .update(got.get(`camera-${cams[0]}.mp4`)!)
        .digest('hex'),
    );
    assert.equal(
      mb.sha256,
      createHash('sha256')
        .update(got.get(`camera-${cams[1]}.mp4`)!)
        .digest('hex'),
    );
    assert.equal(ma.from, iso(runA[0]!.startMs));
    assert.equal(ma.to, iso(runB.at(-1)!.endMs));
    assert.equal(ma.gaps.length, 1);
    assert.ok(Math.abs(ma.gaps[0].seconds - 20) < 0.05);
    for (const [name, want] of [
      [`camera-${cams[0]}.mp4`, 14],
      [`camera-${cams[1]}.mp4`, 4],
    ] as const) {
      const file = path.join(dir, name);
      writeFileSync(file, got.get(name)!);
      const p = await run('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format=duration,format_name',
        '-of',
        'json',
        file,
      ]);
      const fmt = JSON.parse(p.stdout).format;
      assert.match(fmt.format_name, /mp4/);
      assert.ok(Math.abs(Number(fmt.duration) - want) < 0.2, `${name}: ${fmt.duration} s`);
      // every frame decodes, none lost at the joins (25 fps)
      const d = await run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'framemd5', '-'], {
        maxBuffer: 64 * 1024 * 1024,
      });
      assert.equal(d.stdout.split('\n').filter((l) => /^\d+,/.test(l)).length, want * 25);
      assert.equal(d.stderr.trim(), '');
    }
    const audit = await t.gw.repos.audit.query({ targetType: 'export', targetId: exportId }, 20);
    const create = audit.items.find((a) => a.action === 'export.create')!;
    assert.equal(create.detail.reason, 'incident 2026-118');
    assert.equal(create.detail.from, range.from);
    assert.equal(audit.items.filter((a) => a.action === 'export.download').length, 3);
  });

  it('links and files: traversal, another name, a bad link, another reader: refused', async () => {
    const g = await t.api('GET', `/api/v1/exports/${exportId}`, { token: op });
    const url: string = g.body.files[0].url;
    const base = url.slice(0, url.lastIndexOf('/') + 1);
    for (const name of ['..%2F..%2Fetc%2Fpasswd', '..', 'camera-999.mp4', '.manifest.json', `camera-${cams[2]}.mp4`])
      assert.equal((await fetch(t.base + base + name)).status, 404, name);
    assert.equal((await fetch(`${t.base}/exports/garbage/manifest.json`)).status, 401);
    assert.equal((await t.api('GET', '/api/v1/exports/..%2F1', { token: op })).status, 400);
    assert.equal((await t.api('GET', `/api/v1/exports/${exportId}`, { token: await t.login('top') })).status, 404);
    assert.equal((await t.api('GET', `/api/v1/exports/${exportId}`, { token: admin })).status, 200);
  });

  it('retention never deletes exported footage while the export is kept; after expiry it does', async () => {
    const rec = t.gw.services.recordings;
    const later = Date.now() + 200 * 86_400_000;
    await rec.enforceRetention(later);
    const left = async (cam: string) =>
      (await t.gw.services.playback.playback.present(cam, 'main', t0 - 60_000, later)).length;
    assert.equal(await left(cams[0]!), 7);
    assert.equal(await left(cams[1]!), 2);
    assert.equal(await left(cams[2]!), 0, 'footage not exported goes');
    const exports = t.gw.services.playback.exports;
    assert.equal(await exports.expire(later), 1);
    assert.equal(existsSync(path.join(volume, 'exports', exportId)), false);
    const g = await t.api('GET', `/api/v1/exports/${exportId}`, { token: op });
    assert.equal(g.body.status, 'expired');
    await rec.enforceRetention(later);
    assert.equal(await left(cams[0]!), 0);
    assert.equal(await left(cams[1]!), 0);
  });

  it('jobs run one at a time here (recording.export.concurrency 1); the others wait their turn and all finish', async () => {
    const exports = t.gw.services.playback.exports;
    const t1 = t0 - 3600_000;
    await recordFootage(t.gw.services.playback.repo, volume, cams[1]!, t.departments.police, t1, 2, 2);
    const ids: string[] = [];
    for (const reason of ['case a', 'case b', 'case c']) {
      const r = await post(op, { cameras: [cams[1]], from: iso(t1 - 10_000), to: iso(t1 + 60_000), reason });
      assert.equal(r.status, 202, r.text);
      ids.push(r.body.id);
    }
    assert.ok(exports.jobStatus().running <= 1);
    await exports.settled();
    assert.equal(exports.jobStatus().peak, 1);
    for (const id of ids)
      assert.equal((await t.api('GET', `/api/v1/exports/${id}`, { token: op })).body.status, 'done');
  });
});
