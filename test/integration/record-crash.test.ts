// A recording gateway SIGKILLed mid-segment and restarted: the index reconciles, recording resumes, every indexed segment plays.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startGateway, type Gateway } from '../../gateway/main';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { dropSchema, testConfig, TEST_DATABASE_URL } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function ffprobeOk(file: string): boolean {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  const packets = (JSON.parse(out) as { packets: Array<{ flags: string }> }).packets;
  return packets.length > 0 && packets[0]!.flags.startsWith('K');
}

describe('recording: the gateway SIGKILLed mid-segment and restarted', function () {
  this.timeout(120_000);
  let rtsp: RtspProcess;
  let volume: string;
  let scratch: string;
  let child: ChildProcess | null = null;
  let gw: Gateway | null = null;
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  const overrides = (enabled: boolean) => ({
    transcoder: { hlsDir: path.join(scratch, 'hls') },
    recording: {
      enabled,
      volumes: [{ path: volume, quotaBytes: 0 }],
      reserveBytes: 0,
      segmentSeconds: 2,
      planIntervalS: 0.5,
    },
  });
  const rows = async (): Promise<Array<{ path: string; start_at: Date; missing: boolean }>> =>
    (await db.query(`SELECT path, start_at, missing FROM "${schema}".recording_segments ORDER BY start_at`)).rows;

  before(async () => {
    rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0, width: 320, height: 240 });
    await rtsp.start();
    volume = mkdtempSync(path.join(tmpdir(), 'ce-reccrash-'));
    scratch = mkdtempSync(path.join(tmpdir(), 'ce-reccrash-scratch-'));
    await db.connect();
  });
  after(async () => {
    child?.kill('SIGKILL');
    await gw?.close();
    await db.end();
    await dropSchema(schema);
    await rtsp?.close();
    rmSync(volume, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('no half segment indexed; at restart the temporary file is removed, recording resumes, every indexed segment passes ffprobe', async () => {
    // the camera and its plan, written by a gateway that does not record
    const setup = await startGateway(testConfig(overrides(false)), { schema, log: () => undefined });
    const cam = await setup.repos.cameras.create({
      departmentId: 1,
      name: 'crash',
      source: 'rtsp',
      mainUri: rtsp.url(0, 'main'),
      streams: { main: { codec: 'h264' } },
      lng: 111.69,
      lat: 29.03,
    });
    await setup.services.recordings.setPlan(
      { scope: 'camera', cameraId: cam.id, mode: 'continuous' },
      { kind: 'system', id: 'test', name: 'test', departmentId: null },
    );
    await setup.close();

    // the recording gateway in a process of its own
    const script = path.join(scratch, 'gateway-child.mts');
    writeFileSync(
      script,
      [
        `import { startGateway } from ${JSON.stringify(path.join(REPO, 'gateway/main.ts'))};`,
        `import { testConfig } from ${JSON.stringify(path.join(REPO, 'test/helpers/gateway.ts'))};`,
        `await startGateway(testConfig(${JSON.stringify(overrides(true))}), { schema: ${JSON.stringify(schema)}, log: () => undefined });`,
        "process.stdout.write('READY\\n');",
        'setInterval(() => undefined, 1000);',
      ].join('\n'),
    );
    child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    await waitFor(async () => (await rows()).length >= 2, {
      what: 'two segments from the child gateway',
      timeoutMs: 40_000,
    });
    // mid-segment: the next one is being written under its temporary name
    await waitFor(() => readdirSync(volume, { recursive: true }).some((f) => String(f).endsWith('.part')), {
      what: 'a segment being written',
    });
    await new Promise((r) => setTimeout(r, 700));
    child.kill('SIGKILL');
    const parts = readdirSync(volume, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.part'));
    assert.ok(parts.length >= 1);
    await new Promise((r) => child!.once('exit', r));
    const before = await rows();
    assert.ok(before.every((r) => !r.path.includes('.part')));

    const t0 = Date.now();
    gw = await startGateway(testConfig(overrides(true)), { schema, log: () => undefined });
    const [report] = gw.services.recordings.reconciled;
    assert.ok(report!.tempRemoved >= 1, JSON.stringify(report));
    assert.equal(report!.orphansRemoved, 0);
    assert.equal(report!.missingMarked, 0);
    assert.equal(report!.checked, before.length);
    for (const f of parts) assert.ok(!existsSync(path.join(volume, f)), `${f} removed`);
    await waitFor(async () => (await rows()).filter((r) => r.start_at.getTime() > t0).length >= 2, {
      what: 'recording resumed after the restart',
      timeoutMs: 40_000,
    });
    await gw.services.recordings.settled();
    const all = await rows();
    for (const r of all) {
      assert.equal(r.missing, false, r.path);
      assert.ok(ffprobeOk(path.join(volume, r.path)), `${r.path} plays from a keyframe`);
    }
    // the outage is a gap in the spans: footage before the kill, footage after the restart
    const spans = await gw.services.recordings.footage.spans(
      cam.id,
      new Date(t0 - 120_000).toISOString(),
      new Date().toISOString(),
    );
    assert.ok(spans.length >= 2, JSON.stringify(spans));
  });
});
