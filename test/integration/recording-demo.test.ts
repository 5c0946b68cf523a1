// cloudeye demo records by default: its configuration (recording on, ./data/recordings, a small quota), and a demo-like
// gateway whose seeded plans give cameras of every department a timeline within the first minute.
import assert from 'node:assert/strict';
import path from 'node:path';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { demoConfig } from '../../gateway/cli/demo';
import { DEMO_QUOTA_BYTES, seedDemoRecording } from '../../gateway/cli/demo-recording';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';

describe('cloudeye demo: recording by default', function () {
  this.timeout(120_000);

  it('the demo configuration records beside its database (./data/recordings) with a small quota', () => {
    const c = demoConfig(undefined);
    const r = c.recording;
    assert.equal(r.enabled, true);
    assert.equal(r.volumes.length, 1);
    // beside the embedded database: ./data/recordings unless its directory was moved
    assert.equal(
      path.resolve(r.volumes[0]!.path),
      path.resolve(path.dirname(c.database.embedded.dataDir), 'recordings'),
    );
    if (!process.env.CLOUDEYE_DATABASE__EMBEDDED__DATA_DIR)
      assert.equal(path.resolve(r.volumes[0]!.path), path.resolve('data/recordings'));
    assert.equal(r.volumes[0]!.quotaBytes, DEMO_QUOTA_BYTES);
    assert.ok(DEMO_QUOTA_BYTES > 0 && DEMO_QUOTA_BYTES <= 2 * 1024 ** 3, 'small');
    assert.ok(r.segmentSeconds <= 20, 'a first segment well within a minute');
  });

  describe('a demo-like gateway', () => {
    let t: TestGateway;
    let rtsp: RtspProcess;
    const cams: Array<{ id: string; departmentId: number }> = [];

    before(async () => {
      rtsp = new RtspProcess({ count: 3, codec: 'h264', port: 0, width: 320, height: 180, fps: 15 });
      await rtsp.start();
      // the demo's recording settings (segment length, plans) on a throw-away volume
      t = await startTestGateway({
        recording: { enabled: true, segmentSeconds: demoConfig(undefined).recording.segmentSeconds },
      });
      await t.addUser('root', 'admin', null);
      await t.addUser('top', 'operator', 'traffic');
      const root = await t.login('root');
      const depts = [t.departments.police, t.departments.traffic, t.departments.police];
      for (const [i, departmentId] of depts.entries()) {
        const r = await t.api('POST', '/api/v1/cameras', {
          token: root,
          body: {
            name: `demo ${i}`,
            departmentId,
            mainUri: rtsp.url(i, 'main'),
            subUri: rtsp.url(i, 'sub'),
            lng: 111.69 + i / 1000,
            lat: 29.03,
            streams: { main: { codec: 'h264' }, sub: { codec: 'h264' } },
          },
        });
        assert.equal(r.status, 201, r.text);
        cams.push({ id: r.body.id, departmentId });
      }
    });
    after(async () => {
      await t?.close();
      await rtsp?.close();
    });

    it('plans two cameras, one per department, and an operator sees a span of each within the first minute', async () => {
      const t0 = Date.now();
      const chosen = await seedDemoRecording(t.gw.services.recordings, cams, 2);
      assert.deepEqual(chosen, [cams[0]!.id, cams[1]!.id], 'round-robin over the departments');
      assert.deepEqual(await seedDemoRecording(t.gw.services.recordings, cams, 2), [], 'existing plans are kept');
      const top = await t.login('top');
      const spans = async (): Promise<unknown[]> => {
        const q = `from=${new Date(t0 - 60_000).toISOString()}&to=${new Date().toISOString()}&profile=sub`;
        const r = await t.api('GET', `/api/v1/cameras/${cams[1]!.id}/recordings?${q}`, { token: top });
        assert.equal(r.status, 200, r.text);
        return r.body.spans;
      };
      await waitFor(async () => (await spans()).length > 0, {
        what: "a span on the traffic camera's timeline",
        timeoutMs: 60_000,
      });
      console.log(`      first span on the timeline after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const status = t.gw.services.recordings.status().map((s) => [s.cameraId, s.state, s.profile]);
      assert.deepEqual(status.sort(), [
        [cams[0]!.id, 'recording', 'sub'],
        [cams[1]!.id, 'recording', 'sub'],
      ]);
    });
  });
});
