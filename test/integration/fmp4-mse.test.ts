// Chromium's MSE takes what the reader and the hub hand on: the codec string is supported, a warm join plays from its keyframe.
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { StreamHub } from '../../transcoder/fanout/stream-hub';
import type { Sink } from '../../transcoder/fanout/types';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import { launchBrowser } from '../e2e/browser';
import { ffmpegFmp4, type Fmp4Source } from '../helpers/fmp4-ffmpeg';

/** A viewer as a WebSocket would be: every message it was given, in order. */
class Collect implements Sink {
  messages: Buffer[] = [];
  write(data: Buffer): void {
    this.messages.push(data);
  }
  bufferedBytes(): number {
    return 0;
  }
  close(): void {}
}

/** Reads the stream into a hub, publishing its first `upToS` seconds, then joins a viewer and publishes the rest. */
function warmJoin(src: Fmp4Source, upToS: number): { init: InitSegment; messages: Buffer[]; first: Fragment } {
  const hub = new StreamHub('cam.main');
  const pending: Array<Omit<Fragment, 'seq'>> = [];
  let init: InitSegment | null = null;
  const r = new FragmentReader({
    generation: 0,
    sliceCodec: src.codec,
    onInit: (i) => (hub.publishInit(i), (init = i)),
    onFragment: (f) => pending.push(f),
    onError: (e) => assert.fail(e),
  });
  r.push(ffmpegFmp4(src));
  const upTo = pending.findIndex((f) => f.startS >= upToS);
  pending.slice(0, upTo).forEach((f) => hub.publishFragment(f));
  const viewer = new Collect();
  let first: Fragment | null = null;
  hub.attach({
    write: (d, what) => (viewer.write(d), 'fragment' in what && (first ??= what.fragment)),
    bufferedBytes: () => 0,
    close: () => undefined,
  });
  pending.slice(upTo).forEach((f) => hub.publishFragment(f));
  return { init: init!, messages: viewer.messages, first: first! };
}

describe('fmp4: Chromium MSE plays what the hub sends a warm-joining viewer (integration)', function () {
  this.timeout(90_000);
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  for (const src of [
    { codec: 'h264', seconds: 3, gop: 25 },
    { codec: 'h264', seconds: 3, gop: 25, audio: true },
    { codec: 'h264', seconds: 3, gop: 25, profile: 'baseline', size: '640x360' },
  ] as Fmp4Source[]) {
    it(`${src.profile ?? 'high'}${src.audio ? ' + AAC' : ''}: isTypeSupported, appended message by message, frames decoded`, async () => {
      const { init, messages, first } = warmJoin(src, 1.4);
      assert.equal(first.keyframe, true);
      assert.ok(first.startS >= 0.99, `joined at the keyframe of the second GOP (${first.startS})`);
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
              const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
              sb.appendBuffer(bytes);
              await new Promise((ok, ko) => {
                sb.addEventListener('updateend', ok, { once: true });
                sb.addEventListener('error', () => ko(new Error('append failed')), { once: true });
              });
            }
            const start = sb.buffered.length ? sb.buffered.start(0) : -1;
            const end = sb.buffered.length ? sb.buffered.end(0) : -1;
            video.currentTime = start;
            await video.play();
            const t0 = performance.now();
            while (video.getVideoPlaybackQuality().totalVideoFrames < 20 && performance.now() - t0 < 15_000)
              await new Promise((ok) => setTimeout(ok, 50));
            return {
              supported,
              ranges: sb.buffered.length,
              start,
              end,
              frames: video.getVideoPlaybackQuality().totalVideoFrames,
              error: video.error?.message ?? null,
              width: video.videoWidth,
            };
          },
          { mime: init.mime, parts: messages.map((m) => m.toString('base64')) },
        );
        assert.equal(r.supported, true, init.mime);
        assert.equal(r.error, null);
        assert.equal(r.ranges, 1, 'one continuous buffered range');
        // with AAC, buffered is the intersection of both tracks: Chromium ends ffmpeg's audio of this source at 2.46 s,
        // whether it is given the reader's messages or ffmpeg's whole file
        assert.ok(Math.abs(r.start - first.startS) < 0.05, `buffered from ${r.start}`);
        assert.ok(r.end > (src.audio ? 2.4 : 2.9), `buffered to ${r.end}`);
        assert.ok(r.frames >= 20, `frames decoded: ${r.frames}`);
        assert.equal(r.width, init.width);
      } finally {
        await page.close();
      }
    });
  }
});
