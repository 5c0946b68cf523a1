// `cloudeye bench gb28181 --quick`: every figure printed once with a sane value, every device registered and held, every
// first frame of both kinds said (a smoke test: no floor is asserted).
import assert from 'node:assert/strict';
import { assertFigures, type Figure } from '../helpers/bench-figures';
import { run } from '../../bench/gb28181';

/** Each figure, its unit and the range a working run lands in on any machine (not the floors). */
const FIGURES: Figure[] = [
  ['gb_devices_held', 'devices', 300, 300],
  ['gb_first_frame_ms', 'ms', 30, 20_000],
  ['rtsp_first_frame_same_source_ms', 'ms', 30, 20_000],
  ['gb_first_frame_ratio', 'x', 0.01, 100],
];

describe('bench gb28181 (smoke, --quick)', function () {
  this.timeout(180_000);

  it('prints every figure once, each a number in a sane range; every device registered, every first frame said', async () => {
    const lines: string[] = [];
    await run({ quick: true, log: (l) => lines.push(l) });
    const text = assertFigures(lines, FIGURES);
    assert.ok(
      lines.some((l) => /^# 300 of 300 devices registered in \d+ ms/.test(l)),
      text,
    );
    assert.ok(
      lines.some((l) => /fewest on line 300, 0 marked offline or expired$/.test(l)),
      text,
    );
    for (const kind of ['gb28181', 'rtsp   '])
      assert.equal(
        lines.filter((l) => l.startsWith(`# cold ${kind} run `) && /'mse'/.test(l)).length,
        2,
        `two ${kind.trim()} first frames over the live transport:\n${text}`,
      );
  });
});
