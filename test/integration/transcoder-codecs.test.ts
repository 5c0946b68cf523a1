// Real ffmpeg output per source codec: H.265/MJPEG transcoded to H.264, H.265 passed through as hvc1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren } from '../../bench/transcoder-proc';
import { readPlaylist } from '../../transcoder/hls-files';
import { Supervisor, type StreamSpec } from '../../transcoder/index';
import { SimCam } from '../helpers/simcam-rtsp';

/** codec_name and codec_tag_string of the video stream of init + first segment. */
function probe(init: string, seg: string): { codec: string; tag: string; height: number } {
  const r = spawnSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=codec_name,codec_tag_string,height',
      '-of',
      'json',
      `concat:${init}|${seg}`,
    ],
    { encoding: 'utf8' },
  );
  const s = (
    JSON.parse(r.stdout) as { streams: Array<{ codec_name: string; codec_tag_string: string; height: number }> }
  ).streams[0];
  return { codec: s?.codec_name ?? '', tag: s?.codec_tag_string ?? '', height: s?.height ?? 0 };
}

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
    expected: { codec: string; tag: string; height: number };
  }> = [
    {
      name: 'h265 transcoded to h264, height capped at maxHeight',
      spec: { cam: 0, cameraId: 'c0', profile: 'main', codec: 'h265' },
      expected: { codec: 'h264', tag: 'avc1', height: 180 },
    },
    {
      name: 'mjpeg transcoded to h264',
      spec: { cam: 1, cameraId: 'c1', profile: 'main', codec: 'mjpeg' },
      expected: { codec: 'h264', tag: 'avc1', height: 180 },
    },
    {
      name: 'h265 passed through as hvc1 (sub profile)',
      spec: { cam: 0, cameraId: 'c0', profile: 'sub', codec: 'h265', passthroughH265: true },
      expected: { codec: 'hevc', tag: 'hvc1', height: 120 },
    },
  ];
  for (const c of CASES) {
    it(c.name, async () => {
      const { cam: i, ...rest } = c.spec;
      const r = await sup.acquire({ ...rest, url: cam.url(i, rest.profile), audioCodec: null });
      const info = sup.get(r.key);
      assert.equal(info?.transcode, c.expected.codec === 'h264');
      const dir = path.dirname(r.playlistPath);
      const pl = await readPlaylist(dir);
      assert.ok(pl?.initUri && pl.segments[0]);
      assert.deepEqual(probe(path.join(dir, pl.initUri), path.join(dir, pl.segments[0])), c.expected);
    });
  }
});
