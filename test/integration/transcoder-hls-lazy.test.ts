// Supervisor HLS packagers on demand: none until hls() is called, seeded from the hub's GOPs, dropped when unused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ffmpegChildren, sleep, waitFor } from '../../bench/transcoder-proc';
import { Supervisor } from '../../transcoder/index';
import { SimCam } from '../helpers/simcam-rtsp';

describe('transcoder supervisor: HLS packagers on demand (integration)', function () {
  this.timeout(30000);
  let cam: SimCam;
  let root: string;
  let sup: Supervisor | null = null;

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'ce-hls-lazy-'));
    cam = await SimCam.start({ count: 1, codec: 'h264', width: 320, height: 180, gopS: 1 });
  });
  after(async () => {
    await sup?.close();
    assert.deepEqual(ffmpegChildren(), [], 'no ffmpeg left after close()');
    await cam?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('an output without HLS viewers has no packager; the first hls() gets one holding whole segments at once; unused, it is dropped', async () => {
    sup = new Supervisor({ idleTimeoutS: 2, stallTimeoutS: 4, rtspTimeoutS: 2, hlsDir: path.join(root, 'hls') });
    await sup.start();
    const s = sup;
    const r = await s.acquire({ cameraId: 'c0', profile: 'main', url: cam.url(0), codec: 'h264', audioCodec: null });
    const hub = s.hub(r.key)!;
    assert.equal(s.hlsPackagers, 0, 'no packager before an HLS request');
    assert.equal(hub.stats().taps, 0, 'nothing taps the hub');
    // two and a half GOPs later: a packager made now is seeded with the complete ones
    for (let i = 0; i < 5; i++) {
      s.touch(r.key);
      await sleep(500);
    }
    const hls = s.hls(r.key)!;
    assert.ok(hls.stats().segments >= 1, `segments at once: ${JSON.stringify(hls.stats())}`);
    const text = await hls.playlist();
    assert.match(text ?? '', /#EXTINF:/);
    assert.match(text ?? '', /#EXT-X-MAP:URI="init\d+\.mp4"/);
    assert.equal(s.hls(r.key), hls, 'the same packager while used');
    assert.equal(hub.stats().taps, 1);
    assert.equal(s.hlsPackagers, 1);
    // no more HLS requests, the output kept alive by its viewer: the packager goes, the output stays
    await waitFor(
      'the unused packager dropped',
      () => {
        s.touch(r.key);
        return s.hlsPackagers === 0;
      },
      8000,
    );
    assert.equal(hub.stats().taps, 0, 'its tap removed');
    assert.equal(await hls.playlist(), null, 'the dropped packager answers nothing');
    assert.equal(s.hub(r.key), hub, 'the output still runs');
    // a new request gets a new packager, again full at once
    const again = s.hls(r.key)!;
    assert.notEqual(again, hls);
    assert.ok(again.stats().segments >= 1);
  });

  it('hls() of an output that does not run is undefined and creates nothing', async () => {
    assert.ok(sup);
    assert.equal(sup.hls('nope.main'), undefined);
  });
});
