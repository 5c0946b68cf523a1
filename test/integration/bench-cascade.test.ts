// `cloudeye bench cascade --quick`: both first-frame figures and their ratio printed once with sane values, every call
// said (a smoke test: no floor is asserted).
import assert from 'node:assert/strict';
import { assertFigures, type Figure } from '../helpers/bench-figures';
import { run } from '../../bench/cascade';

const FIGURES: Figure[] = [
  ['cascade_township_first_frame_ms', 'ms', 30, 20_000],
  ['cascade_city_first_frame_ms', 'ms', 30, 20_000],
  ['cascade_first_frame_ratio', 'x', 0.2, 20],
];

describe('bench cascade (smoke, --quick)', function () {
  this.timeout(120_000);

  it('prints the township and city first frames and their ratio, every call said', async () => {
    const lines: string[] = [];
    await run({ quick: true, log: (l) => lines.push(l) });
    const text = assertFigures(lines, FIGURES);
    assert.equal(
      lines.filter((l) => /^# call \d \(after \d+ ms\): township \d+ ms, city \d+ ms$/.test(l)).length,
      2,
      text,
    );
  });
});
