// Recording benchmark (cloudeye bench record): streams recorded without a gap, CPU against raw ffmpeg, playback first frame, spans, retention.
import { parsePhaseList } from './phases';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inChild } from './child';
import { measurePlayback } from './record-playback';
import { measureRetention } from './record-retention';
import { measureSpans } from './record-spans';
import type { RecordStreamsOptions } from './record-streams';

export const RECORD_PHASES = ['streams', 'playback', 'spans', 'retention'] as const;
type RecordPhase = (typeof RECORD_PHASES)[number];

export interface RecordBenchOptions {
  /** Receives each `bench <name> <value> <unit>` line and `#` comment lines. */
  log: (line: string) => void;
  /** A few cameras, seconds and rows: a smoke test, not a measurement. */
  quick?: boolean;
  /** Comma list of phases (streams covers record_streams and record_cpu_ratio); all when absent. */
  only?: string;
  /** This run's place in a series: the spans phase seeds its index once and keeps it until the last run. */
  run?: { index: number; of: number };
}

/** Parses `--only a,b`; every phase when absent; throws naming an unknown phase. */
function phasesOf(only: string | undefined): Set<RecordPhase> {
  return parsePhaseList('record', RECORD_PHASES, only);
}

export async function run(opts: RecordBenchOptions): Promise<void> {
  const { log } = opts;
  const quick = opts.quick === true;
  const phases = phasesOf(opts.only);
  const tasks: Array<() => Promise<void>> = [];
  if (phases.has('streams')) {
    const o: RecordStreamsOptions = quick
      ? { streams: 3, cpuS: 4, holdS: 4, segmentS: 1, settleS: 1 }
      : { streams: 100, cpuS: 60, holdS: 120, segmentS: 10, settleS: 10 };
    tasks.push(() => inChild('record', 'record-child.ts', o, log));
  }
  if (phases.has('playback'))
    tasks.push(() =>
      measurePlayback(
        log,
        quick ? { runs: 2, segmentS: 10, hours: 1, distinct: 2 } : { runs: 11, segmentS: 10, hours: 24, distinct: 6 },
      ),
    );
  if (phases.has('spans'))
    tasks.push(() =>
      measureSpans(
        log,
        quick ? { cameras: 3, queried: 1, days: 2, queries: 5 } : { cameras: 100, queried: 3, days: 30, queries: 21 },
        opts.run === undefined || opts.run.index >= opts.run.of,
      ),
    );
  if (phases.has('retention'))
    tasks.push(() =>
      measureRetention(
        log,
        quick ? { cameras: 2, segmentS: 1, keep: 3, fillS: 3 } : { cameras: 8, segmentS: 2, keep: 5, fillS: 60 },
      ),
    );
  // a smoke run's phases at once (nothing of it is a measurement); a measurement's one after another
  if (quick) await Promise.all(tasks.map((t) => t()));
  else for (const t of tasks) await t();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--only');
  run({
    log: (l) => process.stdout.write(`${l}\n`),
    quick: process.argv.includes('--quick'),
    ...(i > 0 ? { only: process.argv[i + 1] } : {}),
  }).catch((e: unknown) => {
    process.stderr.write(`bench record: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
