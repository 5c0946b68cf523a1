// `cloudeye bench live --quick`: every figure of the live issue is printed once with a sane value (a smoke test: no floor is asserted).
import assert from 'node:assert/strict';
import { assertFigures, type Figure } from '../helpers/bench-figures';
import { run } from '../../bench/live';

/** Each figure, its unit and the range a working run lands in on any machine (not the floors). */
const FIGURES: Figure[] = [
  ['live_first_frame_cold_ms', 'ms', 30, 20_000],
  ['hls_first_frame_cold_ms', 'ms', 30, 30_000],
  ['live_first_frame_ratio', 'x', 0.01, 20],
  ['live_first_frame_cold_2s_gop_ms', 'ms', 30, 30_000],
  ['hls_first_frame_cold_2s_gop_ms', 'ms', 30, 40_000],
  ['live_first_frame_warm_ms', 'ms', 1, 20_000],
  ['live_latency_p50_ms', 'ms', 1, 20_000],
  ['live_latency_p95_ms', 'ms', 1, 20_000],
  ['hls_latency_p50_ms', 'ms', 1, 30_000],
  ['hls_latency_p95_ms', 'ms', 1, 30_000],
  ['camera_rtsp_sessions', 'sessions', 1, 10],
  ['live_cpu_ratio', 'x', 0.2, 10],
  ['live_ws_viewers', 'viewers', 1, 20],
];

describe('bench live (smoke, --quick)', function () {
  this.timeout(900_000);

  it('prints every figure once, each a number in a sane range, every run said', async () => {
    const lines: string[] = [];
    await run({ quick: true, log: (l) => lines.push(l) });
    const text = assertFigures(lines, FIGURES);
    // every cold run is printed, at its GOP phase
    assert.equal(lines.filter((l) => /^# cold [12] s GOP (live|hls ) run \d+: \d+ ms/.test(l)).length, 8, text);
    // the run said which transport each pane used, and the live one was not HLS
    assert.match(text, /cold 1 s GOP live run 1: \d+ ms \(pane transport 'mse'/);
    assert.match(text, /cold 1 s GOP hls {2}run 1: \d+ ms \(pane transport '(hls|ll-hls)'/);
  });
});
