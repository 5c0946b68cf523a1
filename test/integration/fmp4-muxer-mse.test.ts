// Chromium's MSE plays what Fmp4Muxer writes from real x264 access units, appended fragment by fragment as they are emitted.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { Fmp4Muxer } from '../../transcoder/fmp4/muxer';
import type { InitSegment } from '../../transcoder/fmp4/types';
import { launchBrowser } from '../e2e/browser';
import { accessUnits, encodeElementary } from '../helpers/annexb';

describe('fmp4: Chromium MSE plays the muxer’s output (integration)', function () {
  this.timeout(90_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  const cases: Array<[string, (i: number) => number]> = [
    ['regular 25 fps', (i) => 1_000_000 + i * 3600],
    // each sample's duration is the interval before it: jitter leaves sub-frame gaps and overlaps that MSE must absorb
    ['25 fps with ±2 ms jitter', (i) => 1_000_000 + i * 3600 + [0, 180, -90, 90][i % 4]!],
  ];
  for (const [name, times] of cases)
    it(`H.264 High 640x360, ${name}: one buffered range, pictures decoded`, async () => {
      const es = encodeElementary({ codec: 'h264', size: '640x360', frames: 75, gop: 25 });
      const m = new Fmp4Muxer({ codec: 'h264', clockRate: 90000, vps: [], sps: [], pps: [] }, 0);
      let init: InitSegment | undefined;
      const parts: Buffer[] = [];
      for (const au of accessUnits('h264', es, times)) {
        const r = m.push(au);
        if (r.init) parts.push((init = r.init).data);
        if (r.fragment) parts.push(r.fragment.data);
      }
      assert.ok(init);
      const page = await browser.newPage();
      try {
        await page.setContent('<video muted playsinline></video>');
        const r = await page.evaluate(
          async ({ mime, parts }) => {
            const supported = MediaSource.isTypeSupported(mime);
            const video = document.querySelector('video')!;
            const ms = new MediaSource();
            video.src = URL.createObjectURL(ms);
            await new Promise((ok) => ms.addEventListener('sourceopen', ok, { once: true }));
            const sb = ms.addSourceBuffer(mime);
            sb.mode = 'segments';
            for (const b64 of parts) {
              sb.appendBuffer(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
              await new Promise((ok, ko) => {
                sb.addEventListener('updateend', ok, { once: true });
                sb.addEventListener('error', () => ko(new Error('append failed')), { once: true });
              });
            }
            const ranges = Array.from({ length: sb.buffered.length }, (_, i) => [
              sb.buffered.start(i),
              sb.buffered.end(i),
            ]);
            await video.play();
            const t0 = performance.now();
            while (video.getVideoPlaybackQuality().totalVideoFrames < 40 && performance.now() - t0 < 15_000)
              await new Promise((ok) => setTimeout(ok, 50));
            return {
              supported,
              ranges,
              frames: video.getVideoPlaybackQuality().totalVideoFrames,
              error: video.error?.message ?? null,
              width: video.videoWidth,
              height: video.videoHeight,
            };
          },
          { mime: init.mime, parts: parts.map((p) => p.toString('base64')) },
        );
        assert.equal(r.supported, true, init.mime);
        assert.equal(r.error, null);
        assert.equal(r.ranges.length, 1, `one continuous buffered range: ${JSON.stringify(r.ranges)}`);
        assert.ok(Math.abs(r.ranges[0]![0]!) < 0.01 && Math.abs(r.ranges[0]![1]! - 3) < 0.01, JSON.stringify(r.ranges));
        assert.ok(r.frames >= 40, `frames decoded: ${r.frames}`);
        assert.deepEqual([r.width, r.height], [640, 360]);
      } finally {
        await page.close();
      }
    });
});
