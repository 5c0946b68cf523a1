// The capture-clock decoder on frames a real encode made: the simulated camera with --clock, decoded by ffmpeg, at three sizes.
import assert from 'node:assert/strict';
import { decodeClock } from '../../bench/clock-pattern';
import { RtspProcess } from '../../sim/cameras/rtsp-process';
import { clientFrames } from '../helpers/clock-frames';

describe('clock pattern decoder (simulated camera --clock, H.264 encoded, decoded by ffmpeg)', function () {
  this.timeout(60_000);
  let clock: RtspProcess;
  let plain: RtspProcess;

  before(async () => {
    [clock, plain] = await Promise.all([
      RtspProcess.start({ count: 1, codec: 'h264', clock: true }),
      RtspProcess.start({ count: 1, codec: 'h264', pattern: 'bars' }),
    ]);
  });
  after(async () => {
    await Promise.all([clock?.close(), plain?.close()]);
  });

  for (const [w, h] of [
    [640, 360],
    [320, 180],
    [1280, 720],
  ] as const)
    it(`reads the capture time of every frame at ${w}×${h}, a few ms before it arrived, one frame apart`, async () => {
      const run = await clientFrames(clock.url(0), 8, w, h);
      for (const f of run.frames) {
        assert.notEqual(f.clock, null, 'every frame has a readable clock');
        // captured after the client asked (no replay), before the frame arrived, not long before
        assert.ok(f.clock! >= run.connectAt - 1000, `captured ${run.connectAt - f.clock!} ms before the connect`);
        assert.ok(f.clock! <= f.at, `captured ${f.clock! - f.at} ms after it arrived`);
        assert.ok(f.at - f.clock! < 10_000, `${f.at - f.clock!} ms old`);
      }
      const steps = run.frames.slice(1).map((f, i) => f.clock! - run.frames[i]!.clock!);
      // 15 fps: 66.7 ms apart; a loaded machine may drop a frame at the source now and then
      for (const s of steps) assert.ok(s > 0 && s <= 1000, `clock steps ${steps.join(' ')}`);
      const sorted = [...steps].sort((a, b) => a - b);
      const mid = sorted[sorted.length >> 1]!;
      assert.ok(mid >= 60 && mid <= 73, `clock steps ${steps.join(' ')}`);
    });

  it('the sub profile (320×180 encode) is readable too', async () => {
    const run = await clientFrames(clock.url(0, 'sub'), 3, 320, 180);
    assert.ok(run.frames.every((f) => f.clock !== null && Math.abs(f.at - f.clock) < 10_000));
  });

  it('a picture without the clock, or with a cell flipped, reads as null (markers, parity)', async () => {
    const bars = await clientFrames(plain.url(0), 1);
    assert.equal(bars.frames[0]!.clock, null, 'colour bars carry no clock');
    const run = await clientFrames(clock.url(0), 1);
    const f = run.frames[0]!;
    assert.notEqual(f.clock, null);
    // invert one data cell (row 1, column 5) → the row's parity fails
    const w = 640;
    const cellW = w / 26;
    const top = 360 - 24;
    const flipped = new Uint8ClampedArray(f.rgba);
    for (let y = top; y < 360; y++)
      for (let x = Math.ceil(5 * cellW); x < Math.floor(6 * cellW); x++)
        for (let c = 0; c < 3; c++) flipped[(y * w + x) * 4 + c] = 255 - flipped[(y * w + x) * 4 + c]!;
    assert.equal(decodeClock({ data: flipped, width: w, height: 360 }), null);
    // a black picture: no markers
    assert.equal(decodeClock({ data: new Uint8ClampedArray(w * 360 * 4), width: w, height: 360 }), null);
    // too small to hold the band
    assert.equal(decodeClock({ data: new Uint8ClampedArray(10 * 10 * 4), width: 10, height: 10 }), null);
  });
});
