// The live bench's statistics and phase list: percentiles, spread, --only parsing and its refusal of unknown phases.
import assert from 'node:assert/strict';
import { median, parsePhases, percentile, PHASES, spread } from '../../bench/live-stats';
import { benchCommand } from '../../gateway/cli/bench';
import { UsageError } from '../../gateway/cli/args';

describe('bench live statistics', () => {
  it('median and percentiles interpolate between ranks', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(percentile([10, 20, 30, 40, 50], 95), 48);
    assert.equal(percentile([7], 95), 7);
    assert.ok(Number.isNaN(percentile([], 50)));
  });

  it('spread names the range and the quartiles', () => {
    assert.equal(spread([100, 200, 300, 400, 500]), '100–500 ms (p25–p75 200–400)');
  });

  it('--only picks phases; none means all; an unknown phase is refused by name', () => {
    assert.deepEqual([...parsePhases(undefined)], [...PHASES]);
    assert.deepEqual([...parsePhases('first-frame, latency')], ['first-frame', 'latency']);
    assert.throws(() => parsePhases('first-frame,speed'), /unknown phase 'speed' in --only; known: first-frame/);
  });

  it('cloudeye bench: --engine is for live, --only for live, record, wall and events; an unknown phase or engine stops it before anything starts', async () => {
    await assert.rejects(
      benchCommand(['gis', '--only', 'cpu']),
      (e: unknown) =>
        e instanceof UsageError &&
        /--only is an option of the live, record, wall and events benchmarks/.test(e.message),
    );
    await assert.rejects(
      benchCommand(['gis', '--engine', 'ffmpeg']),
      (e: unknown) => e instanceof UsageError && /--engine is an option of the live benchmark/.test(e.message),
    );
    await assert.rejects(
      benchCommand(['live', '--engine', 'gstreamer']),
      (e: unknown) => e instanceof UsageError && /--engine gstreamer: native or ffmpeg/.test(e.message),
    );
    await assert.rejects(benchCommand(['live', '--only', 'nope']), /unknown phase 'nope' in --only/);
    await assert.rejects(benchCommand(['events', '--only', 'nope']), /unknown phase 'nope' in --only; known: webhook/);
    await assert.rejects(
      benchCommand(['record', '--only', 'streams,nope']),
      /bench record: unknown phase 'nope' in --only; known: streams, playback, spans, retention/,
    );
    await assert.rejects(
      benchCommand(['wall', '--only', 'push-cold,tours']),
      /bench wall: unknown phase 'tours' in --only; known: push-cold, push-warm, tour, ptz/,
    );
    await assert.rejects(
      benchCommand(['record', '--engine', 'ffmpeg']),
      (e: unknown) => e instanceof UsageError && /--engine is an option of the live benchmark/.test(e.message),
    );
  });
});
