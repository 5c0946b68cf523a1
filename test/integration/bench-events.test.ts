// `cloudeye bench events --quick`: every figure of the events issue is printed once with a sane value (a smoke test: no floor is asserted).
import assert from 'node:assert/strict';
import { assertFigures, type Figure } from '../helpers/bench-figures';
import { run } from '../../bench/events';

/** Each figure, its unit and the range a working run lands in on any machine (not the floors). */
const FIGURES: Figure[] = [
  ['events_webhook_rps', 'events/s', 10, 1_000_000],
  ['events_insert_baseline_rps', 'events/s', 100, 10_000_000],
  ['events_mqtt_rps', 'events/s', 10, 1_000_000],
  ['alarm_to_operator_p99_ms', 'ms', 0.5, 10_000],
  ['plate_search_exact_ms', 'ms', 0.1, 5_000],
  ['plate_search_partial_ms', 'ms', 0.1, 5_000],
];

describe('bench events (smoke, --quick)', function () {
  this.timeout(180_000);

  it('prints every figure once, each a number in a sane range, with what it measured', async () => {
    const lines: string[] = [];
    await run({ quick: true, log: (l) => lines.push(l) });
    const text = assertFigures(lines, FIGURES);
    // nothing refused, every MQTT message stored, the alarms came with cameras, the plates were found
    assert.match(text, /# webhook: 256 senders, \d+ requests in [\d.]+ s \(0 answered >= 400, 0 socket errors\)/);
    assert.match(text, /# mqtt: 1000 messages, 1000 acknowledged by the broker, 1000 stored/);
    assert.match(text, /# alarms: 10, [1-9][\d.]* cameras each/);
    assert.match(text, /# plates exact: 10 plates, [1-9][\d.]* reads each/);
    assert.match(text, /# plates: (seeded|kept seed of) 20000 reads/);
  });
});
