// A superior's recorded session (FootageSession): real fMP4 footage (ffmpeg, cut at random places) sent picture by
// picture at the pace of its timestamps, window after window on one rising timeline, then the end told once; a
// Download faster; PAUSE holds it, PLAY resumes, Range seeks (the footage opened again there), Scale speeds it up;
// a seek past the end is refused; stop() ends it without telling an end, its footage reader closed.
import assert from 'node:assert/strict';
import { FootageSession, type FootageWindow } from '../../gateway/gb-platform/upstream-footage';
import type { MediaSender, VideoAccessUnit } from '../../gateway/gb28181/index';
import { chunks, ffmpegFmp4 } from '../helpers/fmp4-ffmpeg';

/** Two seconds of 25 fps testsrc2 with 1 s GOPs: 50 pictures, 2 keyframes. */
const FOOTAGE = ffmpegFmp4({ codec: 'h264', seconds: 2, gop: 25, size: '160x120', fast: true });
const T0 = Date.UTC(2026, 11, 7, 2, 0, 0);

class FakeSender implements MediaSender {
  readonly localPort = 40_000;
  readonly got: Array<{ au: VideoAccessUnit; at: number }> = [];
  closed = false;
  send(au: VideoAccessUnit): void {
    if (!this.closed) this.got.push({ au, at: Date.now() });
  }
  sent(): number {
    return this.got.length;
  }
  close(): void {
    this.closed = true;
  }
}

/** A session over `windows` windows of FOOTAGE each (every window 2 s of the range). */
function session(o: { windows?: number; speed?: number; footage?: Buffer } = {}) {
  const sender = new FakeSender();
  const opened: number[] = [];
  let returned = 0;
  const windows = o.windows ?? 1;
  const endMs = T0 + windows * 2000;
  const s = new FootageSession({
    sender,
    transport: 'udp',
    startMs: T0,
    endMs,
    speed: o.speed ?? 1,
    log: () => undefined,
    open: async (at): Promise<FootageWindow | null> => {
      if (at >= endMs) return null;
      opened.push(at);
      async function* gen(): AsyncGenerator<Buffer> {
        try {
          for (const c of chunks(o.footage ?? FOOTAGE, opened.length, 3000)) yield c;
        } finally {
          returned++;
        }
      }
      return { stream: gen(), windowEndMs: Math.min(endMs, Math.floor(at / 2000) * 2000 + 2000) };
    },
  });
  let ended = 0;
  const t = Date.now();
  const done = new Promise<void>((ok) => {
    s.start(() => {
      ended++;
      ok();
    });
  });
  return { s, sender, opened, done, ended: () => ended, returned: () => returned, elapsed: () => Date.now() - t };
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

describe("gb-platform: a superior's recorded session (FootageSession)", function () {
  this.timeout(20_000);

  it('sends every picture at its pace, window after window on one rising timeline, then tells the end once', async () => {
    const x = session({ windows: 2 });
    await x.done;
    assert.deepEqual(x.opened, [T0, T0 + 2000]);
    assert.equal(x.sender.got.length, 100, 'both windows, every picture');
    assert.equal(x.sender.got.filter((g) => g.au.keyframe).length, 4);
    assert.ok(x.sender.got[0]!.au.keyframe, 'a keyframe first');
    const pts = x.sender.got.map((g) => g.au.pts);
    assert.ok(
      pts.every((p, i) => i === 0 || p > pts[i - 1]!),
      'PTS rise across the windows',
    );
    assert.equal(pts[0], 0);
    assert.equal(pts[50]! - pts[49]!, 40 * 90, 'the second window goes on one picture later');
    // 4 s of footage: the last picture is sent about 3.96 s after the first, never sooner
    const span = x.sender.got.at(-1)!.at - x.sender.got[0]!.at;
    assert.ok(span >= 3800, `sent over ${span} ms`);
    await sleep(100);
    assert.equal(x.ended(), 1);
    assert.equal(x.returned(), 2, "each window's reader closed");
    assert.ok(x.sender.closed);
  });

  it('H.265 footage goes out as H.265: VPS, SPS and PPS before each keyframe', async () => {
    const x = session({ speed: 8, footage: ffmpegFmp4({ codec: 'h265', seconds: 2, gop: 25, size: '160x120' }) });
    await x.done;
    assert.equal(x.sender.got.length, 50);
    assert.ok(x.sender.got.every((g) => g.au.codec === 'h265'));
    for (const { au } of x.sender.got.filter((g) => g.au.keyframe))
      assert.deepEqual(
        au.nals.slice(0, 3).map((n) => (n[0]! >> 1) & 0x3f),
        [32, 33, 34],
      );
  });

  it('a Download at 4× sends the same pictures in a quarter of the time', async () => {
    const x = session({ speed: 4 });
    await x.done;
    assert.equal(x.sender.got.length, 50);
    const span = x.sender.got.at(-1)!.at - x.sender.got[0]!.at;
    assert.ok(span >= 440 && span < 1500, `sent over ${span} ms`);
  });

  it('PAUSE holds the pictures, PLAY resumes; Scale 4 speeds up what is left', async () => {
    const x = session();
    await sleep(400);
    x.s.control({ method: 'PAUSE' });
    await sleep(50);
    const held = x.sender.got.length;
    assert.ok(held > 3 && held < 40, `${held} pictures before the pause`);
    await sleep(600);
    assert.equal(x.sender.got.length, held, 'nothing sent while paused');
    const resumed = Date.now();
    x.s.control({ method: 'PLAY', scale: 4 });
    await x.done;
    assert.equal(x.sender.got.length, 50);
    const rest = (50 - held) * 40;
    const took = x.sender.got.at(-1)!.at - resumed;
    assert.ok(took < rest * 0.6, `the ${rest} ms left took ${took} ms at 4×`);
  });

  it('a Range seeks: the footage is opened again there and the timeline goes on rising', async () => {
    const x = session({ windows: 3 });
    await sleep(300);
    x.s.control({ method: 'PLAY', fromS: 4 });
    await x.done;
    assert.deepEqual(x.opened, [T0, T0 + 4000]);
    const pts = x.sender.got.map((g) => g.au.pts);
    assert.ok(
      pts.every((p, i) => i === 0 || p > pts[i - 1]!),
      'PTS rise across the seek',
    );
    assert.ok(x.sender.got.length > 50 && x.sender.got.length < 100, `${x.sender.got.length} pictures`);
    const after = x.sender.got.findIndex(
      (g, i) => i > 0 && g.au.pts - x.sender.got[i - 1]!.au.pts === 40 * 90 && g.au.keyframe,
    );
    assert.ok(after > 0, 'the sought footage starts with a keyframe');
    assert.throws(() => x.s.control({ method: 'PLAY', fromS: 6 }), /past the end/);
  });

  it('stop() ends it: nothing more sent, no end told, its reader closed', async () => {
    const x = session();
    await sleep(300);
    x.s.stop();
    const n = x.sender.got.length;
    await sleep(500);
    assert.equal(x.sender.got.length, n);
    assert.ok(n < 20, `${n} pictures`);
    assert.equal(x.ended(), 0);
    assert.equal(x.returned(), 1);
    assert.ok(x.sender.closed);
  });
});
