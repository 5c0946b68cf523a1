// An NVR's own footage through the gateway: its recordings on the camera's timeline (kind 'device'), a playback session
// played from the device (fMP4 whose first picture is the instant asked for), and the refusals (no footage, speed 16).
import assert from 'node:assert/strict';
import { SimGbDevice } from '../../sim/gb28181/device';
import type { SimRecording } from '../../sim/gb28181/recordings';
import { firstPictureGray, meanAbsDiff, testsrcGray } from '../helpers/gb-footage';
import { startTestGateway, type TestGateway } from '../helpers/gateway';
import { waitFor } from '../helpers/wait-for';
import { decodeVideo } from '../helpers/fmp4-ffmpeg';

const SERVER_ID = '43070200002000000001';
const REALM = '4307020000';
const NVR = '43070200001180000003';
const CH = '43070200001310000031';
// three 5-minute recordings, 10 minutes apart, ending an hour ago (whole seconds)
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000 - 1_500_000;
const recordings: SimRecording[] = [0, 1, 2].map((i) => ({
  channelId: CH,
  startMs: T0 + i * 600_000,
  endMs: T0 + i * 600_000 + 300_000,
}));
const iso = (ms: number): string => new Date(ms).toISOString();

describe("gb28181 device footage through the gateway's recordings and playback", function () {
  this.timeout(90_000);
  let t: TestGateway;
  let nvr: SimGbDevice;
  let token: string;
  let camId: string;

  before(async () => {
    t = await startTestGateway({
      gb28181: {
        enabled: true,
        id: SERVER_ID,
        realm: REALM,
        udpPort: 0,
        tcpPort: 0,
        password: 'nvr-pass',
        mediaTimeoutS: 3,
        mediaPorts: [30000 + (process.pid % 300) * 100, 30099 + (process.pid % 300) * 100],
      },
    });
    await t.addUser('gbrec', 'admin', null);
    token = await t.login('gbrec');
    const server = t.gw.services.gb!.server;
    nvr = new SimGbDevice({
      id: NVR,
      server: { host: '127.0.0.1', port: server.endpoint.udpPort, id: SERVER_ID, realm: REALM },
      password: 'nvr-pass',
      channels: [{ id: CH, name: 'NVR 录像通道', ptzType: 3, longitude: 111.69, latitude: 29.03 }],
      recordings,
      recordPageSize: 2,
      video: { width: 320, height: 240, fps: 25 },
    });
    await nvr.start();
    camId = await waitFor(
      async () => {
        const r = await t.api('GET', '/api/v1/cameras?limit=100', { token });
        return (r.body.items as any[]).find((c) => c.gbChannelId === CH && c.status === 'online')?.id as string;
      },
      { timeoutMs: 15_000, what: 'the camera of the NVR channel' },
    );
  });

  after(async () => {
    await nvr?.close();
    await t?.close();
  });

  it("the device's recordings are the camera's spans, marked device, with the gaps between them", async () => {
    const from = T0 - 60_000;
    const to = recordings[2]!.endMs;
    const r = await t.api('GET', `/api/v1/cameras/${camId}/recordings?from=${iso(from)}&to=${iso(to)}`, { token });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.body.spans,
      recordings.map((x) => ({ start: iso(x.startMs), end: iso(x.endMs), kind: 'device' })),
    );
    assert.deepEqual(
      r.body.gaps.map((g: { start: string; seconds: number }) => [g.start, g.seconds]),
      [
        [iso(from), 60],
        [iso(recordings[0]!.endMs), 300],
        [iso(recordings[1]!.endMs), 300],
      ],
    );
  });

  it('a playback session 30 s into the second recording plays from the device: its first picture is that instant', async () => {
    const start = recordings[1]!.startMs + 30_000;
    const r = await t.api('POST', `/api/v1/cameras/${camId}/playback`, { token, body: { start: iso(start) } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.start, iso(start));
    const map = await t.api('GET', r.body.map);
    assert.equal(map.status, 200, map.text);
    assert.equal(map.body.profile, 'device');
    assert.match(map.body.mime, /^video\/mp4; codecs="avc1\./);
    assert.deepEqual(map.body.segments[0].wallStart, iso(start));
    // three seconds of the stream, then the reader goes away (the device session is ended by BYE)
    const ctl = new AbortController();
    const res = await fetch(t.base + r.body.stream, { signal: ctl.signal });
    assert.equal(res.status, 200);
    const parts: Buffer[] = [];
    const reader = res.body!.getReader();
    const t0 = Date.now();
    while (Date.now() - t0 < 3000) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
    }
    ctl.abort();
    const first = firstPictureGray(Buffer.concat(parts), 'mp4');
    assert.ok(meanAbsDiff(first, testsrcGray(30)) < 2, 'the picture 30 s into the recording');
    assert.ok(meanAbsDiff(first, testsrcGray(29)) > 4, 'not the second before');
    await waitFor(() => nvr.playing().length === 0, { what: 'the device session ended', timeoutMs: 10_000 });
  });

  it('a time without footage is 404; device footage at 16× is refused (400)', async () => {
    const gap = recordings[0]!.endMs + 60_000;
    const none = await t.api('POST', `/api/v1/cameras/${camId}/playback`, {
      token,
      body: { start: iso(recordings[2]!.endMs + 60_000) },
    });
    assert.equal(none.status, 404, none.text);
    const fast = await t.api('POST', `/api/v1/cameras/${camId}/playback`, {
      token,
      body: { start: iso(recordings[0]!.startMs), speed: 16 },
    });
    assert.equal(fast.status, 400, fast.text);
    assert.match(fast.text, /device footage plays at 1–8×/);
    // a start in a gap plays from the next recording
    const next = await t.api('POST', `/api/v1/cameras/${camId}/playback`, { token, body: { start: iso(gap) } });
    assert.equal(next.status, 201, next.text);
    assert.equal(next.body.start, iso(recordings[1]!.startMs));
  });
  it('an export over two recordings reads each from the device: one MP4 of both, the gap between in its manifest', async () => {
    const from = recordings[0]!.endMs - 3000;
    const to = recordings[1]!.startMs + 3000;
    const r = await t.api('POST', '/api/v1/exports', {
      token,
      body: { cameras: [camId], from: iso(from), to: iso(to), reason: 'NVR 录像取证' },
    });
    assert.equal(r.status, 202, r.text);
    const e = await waitFor(
      async () => {
        const g = await t.api('GET', `/api/v1/exports/${r.body.id}`, { token });
        assert.notEqual(g.body.status, 'failed', g.text);
        return g.body.status === 'done' && g.body;
      },
      { timeoutMs: 60_000, what: 'the export done' },
    );
    const url = (re: RegExp) => t.base + e.files.find((f: { name: string }) => re.test(f.name)).url;
    const manifest = await (await fetch(url(/^manifest\.json$/))).json();
    const [cam] = manifest.cameras;
    assert.equal(cam.source, 'device');
    assert.deepEqual(cam.gaps, [{ from: iso(recordings[0]!.endMs), to: iso(recordings[1]!.startMs), seconds: 300 }]);
    const video = Buffer.from(await (await fetch(url(/^camera-\d+\.mp4$/))).arrayBuffer());
    const dec = decodeVideo(video);
    assert.equal(dec.errors, '');
    assert.ok(dec.frames >= 140 && dec.frames <= 160, `${dec.frames} pictures for the 6 s of both recordings`);
    const first = firstPictureGray(video, 'mp4');
    assert.ok(meanAbsDiff(first, testsrcGray(297)) < 2, 'the picture 3 s before the first recording ends');
    await waitFor(() => nvr.playing().length === 0, { what: 'no device session left', timeoutMs: 10_000 });
  });
});
