// `cloudeye bench sdk --quick`: the bundle size and the embedded player's first frame against the console's, each printed
// once with a sane value, every run said (a smoke test: no floor is asserted).
import assert from 'node:assert/strict';
import { assertFigures, type Figure } from '../helpers/bench-figures';
import { run } from '../../bench/sdk';

/** Each figure, its unit and the range a working run lands in on any machine (not the floors). */
const FIGURES: Figure[] = [
  ['sdk_map_player_kb_gz', 'KB', 10, 1000],
  ['sdk_embed_first_frame_ms', 'ms', 30, 30_000],
  ['sdk_embed_ratio', 'x', 0.05, 50],
];

describe('bench sdk (smoke, --quick)', function () {
  this.timeout(240_000);

  it('prints every figure once, each a number in a sane range, both series run', async () => {
    const lines: string[] = [];
    await run({ quick: true, log: (l) => lines.push(l) });
    const text = assertFigures(lines, FIGURES);
    assert.equal(lines.filter((l) => /^# run \d+: console \d+ ms, embedded \d+ ms$/.test(l)).length, 2, text);
  });
});
