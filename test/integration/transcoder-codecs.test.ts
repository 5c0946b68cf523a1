// Real ffmpeg output per source codec: MJPEG transcoded by the pull, H.265 copied as hvc1 with H.264 derived for viewers without it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren } from '../../bench/transcoder-proc';
import { Supervisor, type StreamSpec } from '../../transcoder/index';
import { HubRecorder, probeVideo } from '../helpers/hub-recorder';
import { SimCam } from '../helpers/simcam-rtsp';

describe('transcoder codecs (integration)', function () {
  this.timeout(30000);
  let cam: SimCam;
  let root: string;
  let sup: Supervisor;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-codec-'));
    // camera 0: h265, camera 1: mjpeg
    cam = await SimCam.start({ count: 2, codec: 'h265,mjpeg', width: 320, height: 240 });
    sup = new Supervisor({
      hlsDir: path.join(root, 'hls'),
      idleTimeoutS: 20,
      stallTimeoutS: 6,
      maxTranscodes: 2,
      maxHeight: 180,
    });
    await sup.start();
  });
  after(async () => {
    await sup?.close();
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
    assert.deepEqual(ffmpegChildren(), []);
  });

  const CASES: Array<{
    name: string;
    spec: Omit<StreamSpec, 'url'> & { cam: number };
    result: { key: string; codec: 'h264' | 'h265'; transcoded: boolean };
    expected: { codec: string; tag: string; height: number };
  }> = [
    {
      name: 'h265 for a viewer without H.265: the derived output, H.264 with its height capped at maxHeight',
      spec: { cam: 0, cameraId: 'c0', profile: 'main', codec: 'h265' },
      result: { key: 'c0.main.h264', codec: 'h264', transcoded: true },
      expected: { codec: 'h264', tag: 'avc1', height: 180 },
    },
    {
      name: 'mjpeg transcoded to h264 by the pull itself',
      spec: { cam: 1, cameraId: 'c1', profile: 'main', codec: 'mjpeg' },
      result: { key: 'c1.main', codec: 'h264', transcoded: true },
      expected: { codec: 'h264', tag: 'avc1', height: 180 },
    },
    {
      name: 'h265 passed through as hvc1 (sub profile)',
      spec: { cam: 0, cameraId: 'c0', profile: 'sub', codec: 'h265', passthroughH265: true },
      result: { key: 'c0.sub', codec: 'h265', transcoded: false },
      expected: { codec: 'hevc', tag: 'hvc1', height: 120 },
    },
  ];
  for (const c of CASES) {
    it(c.name, async () => {
      const { cam: i, ...rest } = c.spec;
      const r = await sup.acquire({ ...rest, url: cam.url(i, rest.profile), audioCodec: null });
      assert.deepEqual({ key: r.key, codec: r.codec, transcoded: r.transcoded }, c.result);
      assert.equal(sup.get(r.key)?.transcode, c.result.transcoded);
      const rec = new HubRecorder(sup.hub(r.key)!);
      await rec.waitFragments(2, 5000);
      const v = probeVideo(rec.bytes(), root);
      assert.deepEqual({ codec: v.codec, tag: v.tag, height: v.height }, c.expected);
      assert.equal(sup.hub(r.key)?.init?.videoCodec, c.result.codec);
      rec.remove();
    });
  }

  it('the pull of an H.265 camera stays a copy (hvc1, full height) while its derived output runs', async () => {
    const r = await sup.acquire({ cameraId: 'c0', profile: 'main', url: cam.url(0), codec: 'h265', audioCodec: null });
    assert.equal(r.pullKey, 'c0.main');
    const rec = new HubRecorder(sup.hub(r.pullKey)!);
    await rec.waitFragments(2, 5000);
    const v = probeVideo(rec.bytes(), root);
    assert.deepEqual({ codec: v.codec, tag: v.tag, height: v.height }, { codec: 'hevc', tag: 'hvc1', height: 240 });
    assert.equal(sup.get(r.pullKey)?.transcode, false);
    assert.equal(sup.get(r.key)?.derived, true);
    rec.remove();
  });
});
