// OnvifDevice against simulated Hikvision-, Dahua- and Axis-like cameras (real rtsp_server.py behind them).
import assert from 'node:assert/strict';
import { OnvifAuthError, OnvifDevice } from '../../gateway/onvif/index';
import { startSimCameras, type SimCameras } from '../../sim/cameras/sim-cameras';
import { waitFor } from '../helpers/wait-for';

const USER = 'admin';
const PASS = 'Sim-pass-1';

describe('onvif client against simulated cameras', function () {
  this.timeout(30_000);
  let sim: SimCameras;

  before(async () => {
    sim = await startSimCameras({
      count: 5,
      codec: 'h264,h265',
      username: USER,
      password: PASS,
      clockOffsetS: 3 * 3600, // device clock 3 h ahead: UsernameToken only works with skew correction
      perCamera: (i) =>
        i === 3
          ? { auth: 'digest', vendor: 'hikvision' }
          : i === 4
            ? { reportHost: '192.168.1.64', vendor: 'axis' }
            : {},
    });
  });
  after(async () => sim?.close());

  for (const [i, vendor, codec] of [
    [0, 'hikvision', 'H264'],
    [1, 'dahua', 'H265'],
    [2, 'axis', 'H264'],
  ] as const) {
    it(`${vendor}-like: services, Media2 + Media1 profiles, stream/snapshot URIs`, async () => {
      const c = sim.cameras[i]!;
      assert.equal(c.vendor, vendor);
      const dev = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: PASS, timeoutMs: 3000 });
      const services = await dev.connect();
      assert.ok(Math.abs(dev.clockSkewMs - 3 * 3600_000) < 2000, `skew ${dev.clockSkewMs}`);
      assert.ok(services.media2 && services.media && services.events);
      assert.equal(new URL(services.media2).host, `127.0.0.1:${c.port}`);
      const info = await dev.getDeviceInformation();
      assert.equal(info.serialNumber, `SIM${String(i).padStart(6, '0')}`);
      for (const service of [2, 1] as const) {
        const profiles = await dev.getProfiles(service);
        assert.deepEqual(
          profiles.map((p) => [p.encoding, p.width, p.height, p.fps, p.ptz, p.service]),
          [
            [codec, 1920, 1080, 25, c.ptz, service],
            [codec, 640, 360, 15, c.ptz, service],
          ],
        );
        assert.equal(await dev.getStreamUri(profiles[0]!.token, service), c.rtspMain);
        assert.equal(await dev.getStreamUri(profiles[1]!.token, service), c.rtspSub);
        const snap = await dev.getSnapshotUri(profiles[0]!.token, service);
        const jpeg = Buffer.from(await (await fetch(snap)).arrayBuffer());
        assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
      }
    });
  }

  it('PTZ: continuous move changes the position over time, stop, absolute, relative, presets', async () => {
    const c = sim.cameras[0]!;
    const dev = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: PASS });
    await dev.connect();
    const [p] = await dev.getProfiles();
    const token = p!.token;
    await dev.absoluteMove(token, { x: 0, y: 0, zoom: 0 });
    await dev.continuousMove(token, { x: 1, y: 0 });
    // moving, and far enough to tell a move from rounding
    const moving = await waitFor(
      async () => {
        const s = await dev.getStatus(token);
        return s.moving && s.position.pan! > 0.03 && s;
      },
      { what: 'the camera panning past 0.03' },
    );
    assert.equal(moving.moving, true);
    await dev.stop(token);
    const stopped = await dev.getStatus(token);
    assert.equal(stopped.moving, false);
    assert.ok(stopped.position.pan! > 0.03, `pan ${stopped.position.pan}`);
    await dev.relativeMove(token, { x: -0.01, y: 0.2 });
    const rel = await dev.getStatus(token);
    assert.ok(Math.abs(rel.position.tilt! - 0.2) < 1e-9);
    const presetToken = await dev.setPreset(token, 'Crossroad');
    await dev.absoluteMove(token, { x: -0.9, y: -0.9, zoom: 1 });
    await dev.gotoPreset(token, presetToken);
    const back = await dev.getStatus(token);
    assert.ok(Math.abs(back.position.tilt! - 0.2) < 1e-9);
    const presets = await dev.getPresets(token);
    assert.ok(presets.some((x) => x.token === presetToken && x.name === 'Crossroad'));
  });

  for (const i of [0, 2]) {
    it(`events: PullPoint subscription yields motion notifications (${i === 2 ? 'Axis SubscriptionId echoed' : 'per-subscription address'})`, async () => {
      const c = sim.cameras[i]!;
      const dev = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: PASS });
      await dev.connect();
      const pp = await dev.createPullPoint(30);
      try {
        const seen = new Set<boolean>();
        const events: Array<Awaited<ReturnType<typeof pp.pull>>[number]> = [];
        // each pull waits up to a second on the device for the next notifications
        await waitFor(
          async () => {
            for (const e of await pp.pull({ waitS: 1 })) {
              events.push(e);
              seen.add(e.active!);
            }
            return seen.size === 2;
          },
          { what: 'a motion start and a motion end', timeoutMs: 12000, intervalMs: 0 },
        ).catch(() => undefined);
        for (const e of events) {
          assert.equal(e.kind, 'motion');
          assert.equal(e.topic, 'RuleEngine/CellMotionDetector/Motion');
          assert.equal(e.source.Rule, 'MyMotionDetectorRule');
        }
        assert.deepEqual([...seen].sort(), [false, true]);
      } finally {
        await pp.close();
        await pp.close();
      }
    });
  }

  it('HTTP Digest fallback when the device answers 401 with a Digest challenge', async () => {
    const c = sim.cameras[3]!;
    const dev = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: PASS });
    await dev.connect();
    assert.equal((await dev.getDeviceInformation()).manufacturer, 'HIKVISION');
    const bad = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: 'wrong' });
    await assert.rejects(bad.getDeviceInformation(), OnvifAuthError);
  });

  it('wrong WS-UsernameToken password → OnvifAuthError (NotAuthorized fault, HTTP 400/401)', async () => {
    for (const c of sim.cameras.slice(0, 3)) {
      const dev = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: 'wrong' });
      await assert.rejects(
        dev.getDeviceInformation(),
        (e: unknown) => e instanceof OnvifAuthError && /NotAuthorized/.test(e.message),
      );
    }
  });

  it('a device reporting another host for its services is pinned to the xaddr host', async () => {
    const c = sim.cameras[4]!;
    const dev = new OnvifDevice({ xaddr: c.xaddr, username: USER, password: PASS });
    const s = await dev.connect();
    for (const u of Object.values(s)) assert.equal(new URL(u).host, `127.0.0.1:${c.port}`);
    assert.equal((await dev.getProfiles()).length, 2);
  });
});
