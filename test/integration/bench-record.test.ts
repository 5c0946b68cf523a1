// `cloudeye bench record --quick`: every figure of the recording issue is printed once with a sane value (a smoke test: no floor is asserted).
import assert from 'node:assert/strict';
import { assertFigures, type Figure } from '../helpers/bench-figures';
import { run } from '../../bench/record';

/** Each figure, its unit and the range a working smoke run lands in on any machine (not the floors). */
const FIGURES: Figure[] = [
  ['record_streams', 'streams', 1, 3],
  ['record_cpu_ratio', 'x', 0.01, 100],
  ['playback_first_frame_ms', 'ms', 1, 30_000],
  ['record_spans_ms', 'ms', 0.1, 5_000],
  ['retention_overshoot_segments', 'segments', 0, 20],
];

describe('bench record (smoke, --quick)', function () {
  this.timeout(300_000);

  it('prints every figure once, each a number in a sane range, with what each phase saw', async () => {
    const lines: string[] = [];
    await run({ quick: true, log: (l) => lines.push(l) });
    const text = assertFigures(lines, FIGURES);
    // the streams phase counted gaps in the index and its live viewers got video
    assert.match(
      text,
      /# streams: \d of 3 cameras recorded 4 s without a gap; \d+ gaps in the index; 3 live viewers got video/,
    );
    // the baseline ran: raw ffmpeg copying each camera to segment files
    assert.match(text, /# cpu raw: [\d.]+ s over 4 s \(3 ffmpeg, 0 lost, \d+ segment files\)/);
    assert.match(text, /# raw ffmpeg argv: ffmpeg .* -c copy -f segment /);
    // every playback run was a first frame of a picture, from the time asked
    assert.equal(lines.filter((l) => /^# playback run \d: \d+ ms from .*, 640 px wide\)$/.test(l)).length, 2, text);
    // the spans query answered the seeded spans; retention deleted while the disk was sampled
    assert.match(text, /# spans: 51840 segment rows \(3 cameras × 2 days/);
    assert.match(text, /# retention: 2 cameras, \d+ samples of the disk; .* [1-9]\d* deleted;/);
  });
});
