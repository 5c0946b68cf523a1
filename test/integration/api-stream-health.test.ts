// A camera whose stream keeps failing is reported offline (index, database) and online again when it recovers.
import assert from 'node:assert/strict';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startTestGateway, type TestGateway } from '../helpers/gateway';

describe('API: stream failures mark the camera offline', function () {
  this.timeout(120000);
  let t: TestGateway;
  let rtsp: RtspProcess;

  before(async () => {
    rtsp = new RtspProcess({ count: 1, codec: 'h264', port: 0 });
    await rtsp.start();
    t = await startTestGateway({
      transcoder: {
        failuresBeforeOffline: 2,
        backoffInitialMs: 200,
        backoffMaxMs: 1000,
        stallTimeoutS: 2,
        rtspTimeoutS: 1,
        idleTimeoutS: 30,
      },
    });
    await t.addUser('op', 'operator', 'police');
    await t.addUser('adm', 'admin', 'police');
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  it('goes offline while the source is gone and online when it is back, the viewer still watching', async () => {
    const tok = await t.login('op');
    const cam = await t.api('POST', '/api/v1/cameras', {
      token: await t.login('adm'),
      body: { name: 'flaky', mainUri: rtsp.url(0, 'main'), lng: 111.69, lat: 29.03 },
    });
    assert.equal(cam.status, 201, cam.text);
    const id = cam.body.id as string;
    const s = await t.api('POST', `/api/v1/cameras/${id}/streams`, { token: tok, body: { profile: 'main' } });
    assert.equal(s.status, 201, s.text);
    let watching = true;
    const viewer = (async () => {
      while (watching) {
        await fetch(t.base + s.body.url)
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const status = async () => (await t.api('GET', `/api/v1/cameras/${id}`, { token: tok })).body.status as string;
    const waitFor = async (want: string, ms: number) => {
      for (let i = 0; i < ms / 200; i++) {
        if ((await status()) === want && t.gw.services.directory.lookup(id)?.status === want) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.fail(`camera ${id} never became ${want}; it is ${await status()}`);
    };
    try {
      await rtsp.down(0);
      await waitFor('offline', 30000);
      assert.equal(
        t.gw.services.supervisor.list().filter((x) => x.cameraId === id && x.pid !== null).length <= 1,
        true,
      );
      await rtsp.up(0);
      await waitFor('online', 30000);
    } finally {
      watching = false;
      await viewer;
    }
  });
});

describe('API: a full node answers 503 with Retry-After', function () {
  this.timeout(60000);
  let t: TestGateway;
  let rtsp: RtspProcess;

  before(async () => {
    rtsp = await RtspProcess.start({ count: 2, codec: 'h264' });
    t = await startTestGateway({ transcoder: { maxWorkers: 1 } });
    await t.addUser('cadm', 'admin', 'police');
  });
  after(async () => {
    await t?.close();
    await rtsp?.close();
  });

  it('refuses a second camera while the only worker slot is taken, and audits the refusal with its reason', async () => {
    const tok = await t.login('cadm');
    const mk = async (i: number) =>
      (
        await t.api('POST', '/api/v1/cameras', {
          token: tok,
          body: { name: `c${i}`, mainUri: rtsp.url(i, 'main'), lng: 111.69, lat: 29.03 },
        })
      ).body.id as string;
    const a = await mk(0);
    const b = await mk(1);
    assert.equal(
      (await t.api('POST', `/api/v1/cameras/${a}/streams`, { token: tok, body: { profile: 'main' } })).status,
      201,
    );
    const full = await t.api('POST', `/api/v1/cameras/${b}/streams`, { token: tok, body: { profile: 'main' } });
    assert.equal(full.status, 503, full.text);
    assert.ok(Number(full.headers.get('retry-after')) >= 1);
    assert.match(full.body.detail, /limit/);
    assert.equal(t.gw.services.supervisor.list().length, 1, 'no second ffmpeg');
    const rows = await t.gw.db.knex('audit_log').where({ action: 'stream.open', target_id: b });
    assert.equal(rows.length, 1, 'one record of the refused call');
    assert.equal(rows[0].outcome, 'denied');
    assert.equal(rows[0].actor_name, 'cadm');
    assert.equal(rows[0].detail.refusedBy, 'capacity');
    assert.match(rows[0].detail.reason, /limit/);
  });
});
