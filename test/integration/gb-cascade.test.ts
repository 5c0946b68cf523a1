// The upward cascade between two Cloud Eye instances: the lower one registers with the superior's GB/T 28181 server
// (TCP), which lists the shared camera as a channel camera and plays it: the lower one sends PS over RTP from the
// camera's one pull, and the superior's live stream decodes. The superior's operator moves a shared PTZ dome through
// its own PTZ API: the lower platform carries the PTZCmd out on the ONVIF dome as its ptzAs account (audited).
import assert from 'node:assert/strict';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';
import { LiveClient } from '../helpers/live-client';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { freePortRange } from '../helpers/ports';
import { DOMAIN, SUPERIOR, gbUpstreamConfig } from '../helpers/gb-cascade';

const LOWER = '43070200002000000002';

describe('gb28181 upward cascade: a Cloud Eye registered with a superior Cloud Eye', function () {
  this.timeout(120_000);
  let sim: RtspProcess;
  let lower: TestGateway;
  let upper: TestGateway | undefined;
  let onvif: SimCameras | undefined;
  let lowToken = '';
  const logs: string[] = [];

  before(async () => {
    sim = await RtspProcess.start({ count: 1, codec: 'h264', width: 320, height: 180, fps: 25, gopS: 1 });
  });

  after(async () => {
    await upper?.close();
    await lower?.close();
    await onvif?.close();
    await sim?.close();
  });

  it('the superior lists the shared camera and plays it from the lower platform; unreachable first, then registered', async () => {
    const port = await freePortRange();
    lower = await startTestGateway(
      {
        gb28181: {
          upstream: gbUpstreamConfig(port, LOWER, { ptzAs: 'lowop' }),
        },
      },
      { onLog: (_l, m) => logs.push(m) },
    );
    await lower.addUser('low', 'admin', 'police');
    lowToken = await lower.login('low');
    const made = await lower.api('POST', '/api/v1/cameras', {
      token: lowToken,
      body: {
        name: '云眼 上级共享',
        mainUri: sim.url(0, 'main'),
        streams: { main: { codec: 'h264' } },
        lng: 111.7,
        lat: 29.04,
        tags: ['upward'],
      },
    });
    assert.equal(made.status, 201, made.text);
    await waitFor(() => logs.some((m) => /gb28181 upstream: unreachable/.test(m)), { what: 'unreachable logged' });
    upper = await startTestGateway({
      gb28181: { enabled: true, id: SUPERIOR, realm: DOMAIN, udpPort: 0, tcpPort: port, password: 'cascade-pw' },
    });
    await upper.addUser('up', 'admin', 'police');
    const token = await upper.login('up');
    const channel = `${LOWER.slice(0, 10)}131${String(made.body.id).padStart(7, '0')}`;
    const cam = await waitFor(
      async () => {
        const r = await upper!.api('GET', '/api/v1/cameras?limit=100', { token });
        return (r.body.items as any[]).find((c) => c.gbChannelId === channel && c.status === 'online');
      },
      { timeoutMs: 30_000, what: 'the shared camera in the superior' },
    );
    assert.equal(cam.gbDeviceId, LOWER);
    assert.equal(cam.name, '云眼 上级共享');
    // the catalog as the superior reads it: the platform's business group, the camera's department under it, the
    // camera under its department; DeviceInfo counts the channel only
    const items = await upper.gw.services.gb!.server.queryCatalog(LOWER);
    const bg = `${LOWER.slice(0, 10)}2150000001`;
    const org = `${LOWER.slice(0, 10)}216${String(lower.departments.police).padStart(7, '0')}`;
    const summary = items.map((i) => [i.deviceId, i.name, i.parental, i.parentId, i.businessGroupId]);
    assert.deepEqual(summary, [
      [bg, 'Cloud Eye', 1, LOWER, undefined],
      [
        org,
        await lower.gw.repos.org.departments().then((d) => d.find((x) => x.id === lower.departments.police)!.name),
        1,
        bg,
        bg,
      ],
      [channel, '云眼 上级共享', 0, org, bg],
    ]);
    assert.equal((await upper.gw.services.gb!.server.queryDeviceInfo(LOWER)).channels, 1);
    assert.ok(Math.abs(cam.lng - 111.7) < 1e-6 && Math.abs(cam.lat - 29.04) < 1e-6);
    const r = await upper.api('POST', `/api/v1/cameras/${cam.id}/streams`, { token, body: { profile: 'main' } });
    assert.equal(r.status, 201, r.text);
    const live = await LiveClient.open(upper.base.replace(/^http/, 'ws') + r.body.live, { keep: true });
    await live.until(
      () => live.fragments.filter((f) => f.keyframe).length >= 2 && live.fragments.length >= 30,
      30_000,
      '30 fragments',
    );
    const dec = decodeVideo(Buffer.concat(live.binaries));
    await live.close();
    assert.ok(dec.frames >= 30, `decoded ${dec.frames} frames`);
    assert.equal(dec.errors, '');
  });

  it("the superior's PTZ commands move a shared dome through the lower platform's PTZ API, as its ptzAs account", async () => {
    assert.ok(upper, 'the superior runs (the previous test)');
    onvif = await startSimCameras({
      count: 1,
      codec: 'h264',
      username: 'admin',
      password: 'pw-dome',
      rtsp: false,
      vendorMix: ['hikvision'],
      perCamera: () => ({ ptz: true }),
    });
    const dome = onvif.cameras[0]!;
    await lower.addUser('lowop', 'operator', 'police');
    const made = await lower.api('POST', '/api/v1/cameras', {
      token: lowToken,
      body: {
        name: '上级可控球机',
        source: 'onvif',
        xaddr: dome.xaddr,
        username: 'admin',
        password: 'pw-dome',
        mainUri: sim.url(0, 'main'),
        streams: { main: { codec: 'h264' } },
        lng: 111.71,
        lat: 29.04,
        tags: ['upward'],
        capabilities: { ptz: true, profileToken: dome.camera.vendor.profiles[0]![0], mediaService: 2 },
      },
    });
    assert.equal(made.status, 201, made.text);
    await upper!.addUser('upop', 'operator', 'police');
    const token = await upper!.login('upop');
    const channel = `${LOWER.slice(0, 10)}131${String(made.body.id).padStart(7, '0')}`;
    const cam = await waitFor(
      async () => {
        // what the superior's gateway does when a platform registers: its whole catalog, synced into the registry
        const gb = upper!.gw.services.gb!;
        await gb.sync.catalog(LOWER, await gb.server.queryCatalog(LOWER), true);
        const r = await upper!.api('GET', '/api/v1/cameras?limit=100', { token });
        return (r.body.items as any[]).find((c) => c.gbChannelId === channel);
      },
      { timeoutMs: 30_000, what: 'the shared dome in the superior' },
    );
    assert.equal(cam.capabilities.ptz, true, 'shared upward as a dome (PTZType 1)');
    const ptz = (path: string, body?: unknown) =>
      upper!.api('POST', `/api/v1/cameras/${cam.id}/ptz/${path}`, { token, ...(body ? { body } : {}) });
    const moved = await ptz('move', { pan: 0.5, tilt: 0, zoom: 0 });
    assert.equal(moved.status, 204, moved.text);
    await waitFor(() => dome.camera.ptzLog.includes('ContinuousMove'), { what: 'the dome moving' });
    assert.equal((await ptz('stop')).status, 204);
    await waitFor(() => dome.camera.ptzLog.includes('Stop'), { what: 'the dome stopped' });
    const rows = await waitFor(
      async () => {
        const r = await lower.gw.db.knex('audit_log').where({ action: 'camera.ptz', target_id: made.body.id });
        return r.length >= 2 && r;
      },
      { what: "the lower platform's audit" },
    );
    assert.ok(
      rows.every((r: { actor_name: string }) => r.actor_name === 'lowop (GB/T 28181 superior)'),
      String(rows),
    );
    assert.deepEqual(rows.map((r: { detail: { command: string } }) => r.detail.command).sort(), ['move', 'stop']);
  });
  it('the superior follows the shared catalog by itself: a camera shared later appears, one withdrawn goes', async () => {
    assert.ok(upper, 'the superior runs (the first test)');
    const made = await lower.api('POST', '/api/v1/cameras', {
      token: lowToken,
      body: {
        name: '后来共享',
        mainUri: sim.url(0, 'main'),
        streams: { main: { codec: 'h264' } },
        lng: 111.72,
        lat: 29.04,
        tags: ['upward'],
      },
    });
    assert.equal(made.status, 201, made.text);
    const channel = `${LOWER.slice(0, 10)}131${String(made.body.id).padStart(7, '0')}`;
    // no query of the superior: the lower platform's NOTIFY of its subscription brings it
    const at = async () => (await upper!.gw.repos.cameras.gbCameras(LOWER)).find((c) => c.gbChannelId === channel);
    const cam = await waitFor(at, { timeoutMs: 15_000, what: 'the camera shared later, at the superior' });
    assert.equal(cam.name, '后来共享');
    const renamed = await lower.api('PATCH', `/api/v1/cameras/${made.body.id}`, {
      token: lowToken,
      body: { name: '后来共享 改名' },
    });
    assert.equal(renamed.status, 200, renamed.text);
    await waitFor(async () => (await at())?.name === '后来共享 改名', { timeoutMs: 15_000, what: 'renamed there' });
    const withdrawn = await lower.api('PATCH', `/api/v1/cameras/${made.body.id}`, {
      token: lowToken,
      body: { tags: [] },
    });
    assert.equal(withdrawn.status, 200, withdrawn.text);
    await waitFor(async () => !(await at()), { timeoutMs: 15_000, what: 'withdrawn there' });
  });
  it('an H.265 camera shared upward plays at the superior as H.265, from the one pull below', async () => {
    assert.ok(upper, 'the superior runs (the first test)');
    const hevc = await RtspProcess.start({ count: 1, codec: 'h265', width: 320, height: 180, fps: 25, gopS: 1 });
    try {
      const made = await lower.api('POST', '/api/v1/cameras', {
        token: lowToken,
        body: {
          name: 'H.265 上级共享',
          mainUri: hevc.url(0, 'main'),
          streams: { main: { codec: 'h265' } },
          lng: 111.73,
          lat: 29.04,
          tags: ['upward'],
        },
      });
      assert.equal(made.status, 201, made.text);
      const channel = `${LOWER.slice(0, 10)}131${String(made.body.id).padStart(7, '0')}`;
      const cam = await waitFor(
        async () => (await upper!.gw.repos.cameras.gbCameras(LOWER)).find((c) => c.gbChannelId === channel),
        { timeoutMs: 15_000, what: 'the H.265 camera at the superior' },
      );
      // the superior learns what its pull of the channel carries: the lower platform sends the camera's H.265 as is
      const carried: string[] = [];
      const seen = (e: { cameraId: string; actual: string }) => e.cameraId === cam.id && carried.push(e.actual);
      upper!.gw.services.supervisor.on('codec', seen);
      const token = await upper!.login('up');
      const r = await upper!.api('POST', `/api/v1/cameras/${cam.id}/streams`, {
        token,
        body: { profile: 'main', h265: true },
      });
      assert.equal(r.status, 201, r.text);
      const live = await LiveClient.open(upper!.base.replace(/^http/, 'ws') + r.body.live, { keep: true });
      await live.until(() => live.fragments.length >= 30, 30_000, '30 fragments');
      const dec = decodeVideo(Buffer.concat(live.binaries));
      await live.close();
      assert.equal(dec.errors, '');
      assert.ok(dec.frames >= 30, `decoded ${dec.frames} frames`);
      upper!.gw.services.supervisor.off('codec', seen);
      assert.ok(carried.includes('h265'), `the superior's pull carries ${carried.join(', ') || 'nothing it told'}`);
      // the channel's record follows what it sends: the next viewer that decodes H.265 is given it as it is
      await waitFor(async () => (await upper!.gw.repos.cameras.get(cam.id))?.streams.main?.codec === 'h265', {
        what: "the superior's record of the channel says H.265",
      });
      const again = await upper!.api('POST', `/api/v1/cameras/${cam.id}/streams`, {
        token,
        body: { profile: 'main', h265: true },
      });
      assert.equal(again.status, 201, again.text);
      assert.equal(again.body.codec, 'h265');
      const hevcLive = await LiveClient.open(upper!.base.replace(/^http/, 'ws') + again.body.live, { keep: true });
      await hevcLive.until(() => hevcLive.fragments.length >= 10, 30_000, '10 fragments');
      await hevcLive.close();
      assert.match(hevcLive.inits[0]!.init!.codecs, /^hvc1\./, 'H.265 end to end');
      assert.equal(decodeVideo(Buffer.concat(hevcLive.binaries)).errors, '');
    } finally {
      await hevc.close();
    }
  });
});
