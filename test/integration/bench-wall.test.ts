// `cloudeye bench wall --quick`: every figure of the wall issue this bench measures is printed once with a sane value, every
// push, tour switch and key press said (a smoke test: no floor is asserted).
import assert from 'node:assert/strict';
import { assertFigures, type Figure } from '../helpers/bench-figures';
import { run } from '../../bench/wall';

/** Each figure, its unit and the range a working run lands in on any machine (not the floors). */
const FIGURES: Figure[] = [
  ['wall_push_cold_ms', 'ms', 30, 20_000],
  ['wall_console_first_frame_cold_ms', 'ms', 30, 20_000],
  ['wall_push_warm_ms', 'ms', 1, 20_000],
  ['wall_console_first_frame_warm_ms', 'ms', 1, 20_000],
  ['tour_switch_gap_ms', 'ms', 0, 20_000],
  ['tour_frame_interval_ms', 'ms', 1, 5000],
  ['ptz_command_p95_ms', 'ms', 0, 5000],
  ['ptz_api_command_p95_ms', 'ms', 0, 5000],
];

describe('bench wall (smoke, --quick)', function () {
  this.timeout(180_000);

  it('prints every figure once, each a number in a sane range, every push and key press said', async () => {
    const lines: string[] = [];
    await run({ quick: true, log: (l) => lines.push(l) });
    const text = assertFigures(lines, FIGURES);
    // each cold push went to the screen page over the live transport, and its console baseline ran beside it
    assert.equal(lines.filter((l) => /^# push cold run \d+: \d+ ms \(screen transport 'mse'/.test(l)).length, 2, text);
    assert.equal(lines.filter((l) => /^# console cold run \d+: \d+ ms/.test(l)).length, 2, text);
    assert.equal(lines.filter((l) => /^# warm run \d+: push \d+ ms .*; console \d+ ms$/.test(l)).length, 2, text);
    // each tour switch between the tour's two cameras was seen on the screen page's frames
    assert.equal(
      lines.filter((l) =>
        /^# tour switch \d+: blv-w-tour-\d+ → blv-w-tour-\d+: gap \d+ ms \(last frame → first frame \d+ ms, /.test(l),
      ).length,
      2,
      text,
    );
    // every key press reached the simulated dome as a ContinuousMove, every release as a Stop
    assert.equal(
      lines.filter((l) => /^# ptz press \d+ \(Arrow(Left|Right)\): ContinuousMove after \d+ ms; Stop \d+ ms/.test(l))
        .length,
      5,
      text,
    );
  });
});
