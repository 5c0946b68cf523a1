// Saved stills and snapshots end to end: real pictures of the simulated cameras, audit, refusals, and 502/503 with reasons.
import assert from 'node:assert/strict';
import net from 'node:net';
import { ffmpegChildren } from '../../bench/transcoder-proc';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { grabReference, hasContrast, jpegLuma, jpegSize, lumaStats, meanAbsDiff } from '../helpers/jpeg-picture';

describe('API: saved stills and snapshots', function () {
  this.timeout(120000);
  let sims: SimCameras;
  let t: TestGateway;
  let hang: net.Server;
  const sockets = new Set<net.Socket>();
  let operator: string;
  let auditor: string;
  let trafficViewer: string;
  const cam = { onvif: '', rtsp: '', down: '', silent: '', hostile: '', badSnapshot: '' };

  before(async () => {
    sims = await startSimCameras({
      count: 2,
      codec: 'h264',
      username: 'admin',
      password: 'cam-pw',
      vendorMix: ['hikvision'],
    });
    hang = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const hangPort = (hang.address() as net.AddressInfo).port;
    t = await startTestGateway({
      transcoder: { rtspTimeoutS: 30, grabTimeoutS: 2 },
      discovery: { requestTimeoutMs: 10000 },
    });
    await t.addUser('sop', 'operator', 'police');
    await t.addUser('saud', 'auditor', 'police');
    await t.addUser('tview', 'viewer', 'traffic');
    await t.addUser('padm', 'admin', 'police');
    operator = await t.login('sop');
    auditor = await t.login('saud');
    trafficViewer = await t.login('tview');
    const admin = await t.login('padm');
    const mk = async (name: string, body: Record<string, unknown>): Promise<string> => {
      const r = await t.api('POST', '/api/v1/cameras', {
        token: admin,
        body: { name, lng: 111.69, lat: 29.03, streams: { main: { codec: 'h264' } }, ...body },
      });
      assert.equal(r.status, 201, r.text);
      return r.body.id as string;
    };
    const [c0, c1] = sims.cameras;
    const snapshotUri = `http://127.0.0.1:${c0!.port}/snapshot.jpg`;
    cam.onvif = await mk('站前 ONVIF', {
      mainUri: c0!.rtspMain,
      subUri: c0!.rtspSub,
      snapshotUri,
      username: 'admin',
      password: 'cam-pw',
    });
    cam.rtsp = await mk('站前 RTSP', { mainUri: c1!.rtspMain });
    cam.down = await mk('断线', { mainUri: 'rtsp://127.0.0.1:9/cam/0/main' });
    cam.silent = await mk('无应答', { mainUri: `rtsp://127.0.0.1:${hangPort}/cam/0/main` });
    cam.hostile = await mk('恶意', { mainUri: c1!.rtspMain });
    cam.badSnapshot = await mk('恶意抓图', { mainUri: c1!.rtspMain });
    // URIs the registration checks would refuse, as a device or an old database could still hold them
    await t.gw.db.knex('cameras').where({ id: cam.hostile }).update({ main_uri: 'rtsp://127.0.0.1/$(reboot)' });
    await t.gw.db
      .knex('cameras')
      .where({ id: cam.badSnapshot })
      .update({ main_uri: null, snapshot_uri: 'http://127.0.0.1/`id`' });
  });
  after(async () => {
    await t?.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => (hang ? hang.close(() => r()) : r()));
    await sims?.close();
  });

  const post = (id: string, token: string): Promise<Response> =>
    fetch(`${t.base}/api/v1/cameras/${id}/stills`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const auditRows = (id: string) =>
    t.gw.db.knex('audit_log').where({ action: 'camera.still', target_id: id }).orderBy('id');

  /** Checks `jpeg` is a full-resolution picture that looks like what simulated camera `i` shows now. */
  async function looksLikeCamera(jpeg: Buffer, i: number): Promise<void> {
    assert.deepEqual(await jpegSize(jpeg), { width: 640, height: 360 }, 'full resolution (main profile)');
    const still = await jpegLuma(jpeg);
    const ref = await jpegLuma(await grabReference(sims.cameras[i]!.rtspMain));
    assert.ok(hasContrast(still), `a picture, not a flat image: ${JSON.stringify(lumaStats(still))}`);
    const d = meanAbsDiff(still, ref);
    assert.ok(d < 25, `the still looks like the camera's own frame (mean difference ${d.toFixed(1)} of 255)`);
  }

  it('the simulated ONVIF camera serves a real JPEG of its picture at its snapshot URI', async () => {
    const r = await fetch(`http://127.0.0.1:${sims.cameras[0]!.port}/snapshot.jpg`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    await looksLikeCamera(Buffer.from(await r.arrayBuffer()), 0);
  });

  it('a saved still is a full-resolution JPEG of what the camera shows, sent as a download and audited (who, camera, when)', async () => {
    const before = Date.now();
    const r = await post(cam.onvif, operator);
    assert.equal(r.status, 200, await r.clone().text());
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    assert.match(
      r.headers.get('content-disposition') ?? '',
      new RegExp(`^attachment; filename="cloudeye-${cam.onvif}-\\d{8}-\\d{6}\\.jpg"$`),
    );
    assert.equal(r.headers.get('cache-control'), 'no-store');
    await looksLikeCamera(Buffer.from(await r.arrayBuffer()), 0);
    const rows = await auditRows(cam.onvif);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].outcome, 'ok');
    assert.equal(rows[0].actor_name, 'sop');
    assert.equal(rows[0].target_type, 'camera');
    assert.equal(rows[0].detail.source, 'snapshot-uri');
    assert.ok(new Date(rows[0].at).getTime() >= before - 1000 && new Date(rows[0].at).getTime() <= Date.now() + 1000);
  });

  it('a camera without a snapshot URI: the still is a frame of its main stream grabbed through the transcoder', async () => {
    const r = await post(cam.rtsp, operator);
    assert.equal(r.status, 200, await r.clone().text());
    await looksLikeCamera(Buffer.from(await r.arrayBuffer()), 1);
    const [row] = await auditRows(cam.rtsp);
    assert.equal(row.detail.source, 'camera-stream');
    assert.deepEqual(t.gw.services.supervisor.grabPids(), []);
    assert.deepEqual(ffmpegChildren(), [], 'the grab left no ffmpeg');
  });

  it('while the main stream plays, the still is its newest picture (the stream viewers get), not a new request to the camera', async () => {
    const open = await t.api('POST', `/api/v1/cameras/${cam.onvif}/streams`, {
      token: operator,
      body: { profile: 'main' },
    });
    assert.equal(open.status, 201, open.text);
    const cameraRequests = sims.cameras[0]!.camera.requests;
    const r = await post(cam.onvif, operator);
    assert.equal(r.status, 200, await r.clone().text());
    await looksLikeCamera(Buffer.from(await r.arrayBuffer()), 0);
    assert.equal(sims.cameras[0]!.camera.requests, cameraRequests, 'the snapshot URI was not asked');
    const rows = await auditRows(cam.onvif);
    assert.equal(rows[rows.length - 1].detail.source, 'live-stream');
  });

  it("403 from the route's gate for a role that may never save stills (auditor), audited as denied", async () => {
    const r = await post(cam.onvif, auditor);
    assert.equal(r.status, 403);
    assert.match(
      ((await r.json()) as { detail: string }).detail,
      /role auditor may not snapshot \(POST \/cameras\/\{id\}\/stills\)/,
    );
    const rows = await t.gw.db.knex('audit_log').where({ action: 'camera.still', actor_name: 'saud' });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].outcome, 'denied');
    assert.equal(rows[0].target_id, cam.onvif);
    assert.equal(rows[0].detail.refusedBy, 'policy');
    assert.match(rows[0].detail.reason, /role auditor may not snapshot/);
  });

  it('404 for a camera the user cannot see (its existence is not revealed), audited as denied', async () => {
    const r = await post(cam.onvif, trafficViewer);
    assert.equal(r.status, 404);
    const rows = await t.gw.db.knex('audit_log').where({ action: 'camera.still', actor_name: 'tview' });
    assert.deepEqual(
      rows.map((x: { outcome: string }) => x.outcome),
      ['denied'],
    );
  });

  const failures: Array<{ name: string; id: () => string; status: number; reason: RegExp }> = [
    { name: 'a camera that is down', id: () => cam.down, status: 503, reason: /gave no picture .*Connection refused/ },
    {
      name: 'a camera that never answers (timeout)',
      id: () => cam.silent,
      status: 503,
      reason: /gave no picture within 2 s/,
    },
    {
      name: 'a hostile stream URI',
      id: () => cam.hostile,
      status: 502,
      reason: /stream URI refused .*shell metacharacter/,
    },
    {
      name: 'a hostile snapshot URI',
      id: () => cam.badSnapshot,
      status: 502,
      reason: /snapshot URI "http:\/\/127\.0\.0\.1\/`id`" refused/,
    },
  ];
  for (const f of failures) {
    it(`${f.name}: still and snapshot answer ${f.status} with the reason (never 500), the failure is audited`, async () => {
      const spawnedBefore = ffmpegChildren().length;
      const still = await post(f.id(), operator);
      assert.equal(still.status, f.status, await still.clone().text());
      assert.match(still.headers.get('content-type') ?? '', /application\/problem\+json/);
      const body = (await still.json()) as { detail: string };
      assert.match(body.detail, f.reason);
      if (f.status === 503) assert.ok(Number(still.headers.get('retry-after')) >= 1);
      const snap = await fetch(`${t.base}/api/v1/cameras/${f.id()}/snapshot`, {
        headers: { authorization: `Bearer ${operator}` },
      });
      assert.equal(snap.status, f.status);
      assert.match(((await snap.json()) as { detail: string }).detail, f.reason);
      const [row] = await auditRows(f.id());
      assert.equal(row.outcome, 'failed');
      assert.match(row.detail.error, f.reason);
      assert.ok(ffmpegChildren().length <= spawnedBefore, 'no ffmpeg left running');
    });
  }
});
