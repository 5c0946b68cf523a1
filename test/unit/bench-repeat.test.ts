// `cloudeye bench --runs N`: each figure's runs, spread and median, the median printed as the figure.
import assert from 'node:assert/strict';
import { median, parseFigure, summarize } from '../../bench/repeat';

describe('bench runs summed up', () => {
  it('parses bench lines and nothing else', () => {
    assert.deepEqual(parseFigure('bench live_cpu_ratio 1.073 x'), { name: 'live_cpu_ratio', value: 1.073, unit: 'x' });
    assert.deepEqual(parseFigure('bench camera_rtsp_sessions 1 sessions'), {
      name: 'camera_rtsp_sessions',
      value: 1,
      unit: 'sessions',
    });
    assert.equal(parseFigure('# cold 1 s GOP live run 1: 992 ms'), null);
    assert.equal(parseFigure('bench live_cpu_ratio fast x'), null);
  });

  it('medians of odd and even counts', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.ok(Number.isNaN(median([])));
  });

  it('prints every run of each figure with its spread, then the medians as the figures, in the runs’ precision', () => {
    const lines = [
      ['bench a_ms 683 ms', 'bench r 1.073 x'],
      ['bench a_ms 550 ms', 'bench r 1.1 x'],
      ['bench a_ms 666 ms', 'bench r 0.98 x'],
      ['bench a_ms 700 ms', 'bench r 1.2 x'],
      ['bench a_ms 610 ms', 'bench r 1.05 x'],
    ];
    const figures = lines.map((run) => run.map((l) => parseFigure(l)!));
    assert.deepEqual(summarize(figures, lines), [
      '# a_ms: runs 683, 550, 666, 700, 610; spread 550–700 ms; median of 5',
      '# r: runs 1.073, 1.100, 0.980, 1.200, 1.050; spread 0.980–1.200 x; median of 5',
      'bench a_ms 666 ms',
      'bench r 1.073 x',
    ]);
  });
});
