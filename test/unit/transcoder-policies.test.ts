// Backoff delays and option resolution of the transcoder.
import assert from 'node:assert/strict';
import { backoffDelayMs } from '../../transcoder/backoff';
import { TranscoderInputError } from '../../transcoder/errors';
import { DEFAULT_TRANSCODER_OPTIONS, resolveOptions } from '../../transcoder/options';

describe('transcoder backoffDelayMs', () => {
  const O = { backoffInitialMs: 500, backoffMaxMs: 30000, failuresBeforeOffline: 5 };
  const CASES: Array<[string, number, number, number]> = [
    // name, failures, random, expected
    ['1st failure, low jitter', 1, 0, 400],
    ['1st failure, mid jitter', 1, 0.5, 500],
    ['1st failure, high jitter', 1, 0.999999, 600],
    ['2nd failure doubles', 2, 0.5, 1000],
    ['4th failure', 4, 0.5, 4000],
    ['failing: ceiling, low jitter', 5, 0, 27000],
    ['failing: ceiling, high jitter', 9, 0.999999, 30000],
  ];
  for (const [name, f, r, expected] of CASES)
    it(name, () =>
      assert.equal(
        backoffDelayMs(f, O, () => r),
        expected,
      ),
    );

  it('never exceeds the ceiling before failing', () => {
    const o = { backoffInitialMs: 1000, backoffMaxMs: 3000, failuresBeforeOffline: 50 };
    for (let f = 1; f < 50; f++) assert.ok(backoffDelayMs(f, o, () => 0.999) <= 3000, `failures ${f}`);
  });
  it('jitter spreads delays', () => {
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelayMs(3, O)));
    assert.ok(seen.size > 10, `only ${seen.size} distinct delays`);
    for (const d of seen) assert.ok(d >= 1600 && d <= 2400, `delay ${d}`);
  });
});

describe('transcoder resolveOptions', () => {
  it('fills the shipped defaults', () => assert.deepEqual(resolveOptions({}), DEFAULT_TRANSCODER_OPTIONS));
  it('keeps given values and ignores undefined ones', () => {
    const o = resolveOptions({ maxWorkers: 3, idleTimeoutS: undefined });
    assert.equal(o.maxWorkers, 3);
    assert.equal(o.idleTimeoutS, 30);
  });
  it('merges a partial hub section over the default limits', () => {
    const o = resolveOptions({ hub: { replaySeconds: 10 } });
    assert.deepEqual(o.hub, { ...DEFAULT_TRANSCODER_OPTIONS.hub, replaySeconds: 10 });
  });
  const BAD: Array<[string, Record<string, unknown>, RegExp]> = [
    ['zero workers', { maxWorkers: 0 }, /option maxWorkers = 0/],
    ['negative stall', { stallTimeoutS: -1 }, /option stallTimeoutS = -1/],
    ['NaN segment', { segmentSeconds: Number.NaN }, /option segmentSeconds = null/],
    ['fractional transcodes', { maxTranscodes: 1.5 }, /option maxTranscodes = 1.5/],
    ['bad audio', { audio: 'mp3' }, /option audio = "mp3"/],
    ['root hlsDir', { hlsDir: '/' }, /option hlsDir = "\/"/],
    ['zero hub bytes', { hub: { skipAboveBytes: 0 } }, /option hub\.skipAboveBytes = 0/],
    ['parts longer than segments', { partSeconds: 2, segmentSeconds: 1 }, /option partSeconds = 2: must not exceed/],
  ];
  for (const [name, o, re] of BAD)
    it(`rejects ${name}`, () =>
      assert.throws(
        () => resolveOptions(o),
        (e: Error) => e instanceof TranscoderInputError && re.test(e.message),
      ));
});
