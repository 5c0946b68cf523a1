// `cloudeye bench cluster --quick`: every figure printed once with a sane value, the storm, the fail-over and the
// propagation said (a smoke test: no floor is asserted).
import assert from 'node:assert/strict';
import { assertFigures, type Figure } from '../helpers/bench-figures';
import { run } from '../../bench/cluster';

/** Each figure, its unit and the range a working run lands in on any machine (not the floors). */
const FIGURES: Figure[] = [
  ['duplicate_pulls', 'count', 0, 0],
  ['failover_s', 's', 0.5, 30],
  ['failover_baseline_cold_start_s', 's', 0.05, 20],
  ['change_propagation_p99_ms', 'ms', 0, 10_000],
  ['change_local_p99_ms', 'ms', 0, 10_000],
];

describe('bench cluster (smoke, --quick)', function () {
  this.timeout(240_000);

  it('prints every figure once, each a number in a sane range, each phase said', async () => {
    const lines: string[] = [];
    // the cascade phase is bench cascade's own run, smoke-tested in bench-cascade.test.ts
    await run({ quick: true, only: 'storm,failover,propagation', log: (l) => lines.push(l) });
    const text = assertFigures(lines, FIGURES);
    assert.ok(
      lines.some((l) => /^# storm: 150 opens for 30 cameras over 3 nodes in \d+ ms;$/.test(l)),
      text,
    );
    assert.ok(
      lines.some((l) => /^# failover: b\d holds \d+ live pulls and \d+ recordings;$/.test(l)),
      text,
    );
    assert.ok(
      lines.some((l) => /^#   pulls seen on two nodes during the fail-over: 0$/.test(l)),
      text,
    );
    assert.ok(
      lines.some((l) => /^# propagation: 5 moves on b\d; seen on b\d p50 \d+ ms$/.test(l)),
      text,
    );
  });
});
