// cloudeye bench NAME: runs a benchmark of bench/ and prints its "bench <name> <value> <unit>" lines.
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseFigure, summarize, type Figure } from '../../bench/repeat';
import { intFlag, parseArgs, strFlag, UsageError, type CommandSpec } from './args';

/** Benchmarks collect garbage between phases (memory figures, steady state): expose gc() unless node already did. */
export function exposeGc(): void {
  const g = globalThis as { gc?: () => void };
  if (typeof g.gc === 'function') return;
  v8.setFlagsFromString('--expose-gc');
  g.gc = vm.runInNewContext('gc') as () => void;
}

type BenchRun = (opts: {
  log: (line: string) => void;
  quick?: boolean;
  only?: string;
  engine?: 'native' | 'ffmpeg';
  /** This run's place in a `--runs N` series (1-based), so a benchmark may keep costly fixtures for the next run. */
  run?: { index: number; of: number };
}) => Promise<void>;

const BENCHES: Record<string, () => Promise<{ run: BenchRun }>> = {
  health: () => import('../../bench/health'),
  transcoder: () => import('../../bench/transcoder'),
  gis: () => import('../../bench/gis'),
  console: () => import('../../bench/console'),
  live: () => import('../../bench/live'),
  events: () => import('../../bench/events'),
  record: () => import('../../bench/record'),
  wall: () => import('../../bench/wall'),
  sdk: () => import('../../bench/sdk'),
  cascade: () => import('../../bench/cascade'),
  gb28181: () => import('../../bench/gb28181'),
  cluster: () => import('../../bench/cluster'),
};

export const BENCH: CommandSpec = {
  name: 'cloudeye bench',
  synopsis: `NAME… | all  (NAME: ${Object.keys(BENCHES).join(', ')})`,
  flags: {
    quick: { kind: 'switch', about: 'fewer runs and shorter windows: a smoke test, not a measurement' },
    only: {
      kind: 'value',
      arg: 'PHASES',
      about:
        'live: a comma list of first-frame, warm, latency, sessions, cpu, viewers; record: of streams, playback, spans, retention;' +
        ' wall: of push-cold, push-warm, tour, ptz; events: of webhook, mqtt, alarm, plates; cluster: of storm, failover, propagation',
    },
    runs: {
      kind: 'value',
      arg: 'N',
      about: "run each benchmark N times: every run's lines as comments, then each figure's runs, spread and median",
    },
    engine: {
      kind: 'value',
      arg: 'native|ffmpeg',
      about: 'live: who pulls the cameras (default: the configured default, native)',
    },
  },
  maxPositional: Infinity,
};

export async function benchCommand(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv, BENCH);
  const names = parsed.positional;
  const quick = parsed.flags.quick === true;
  const only = strFlag(parsed, 'only');
  const engine = strFlag(parsed, 'engine');
  const runs = intFlag(parsed, 'runs', 1, 1, 100);
  if (engine !== undefined && engine !== 'native' && engine !== 'ffmpeg')
    throw new UsageError(`cloudeye bench: --engine ${engine}: native or ffmpeg`);
  if (names.length === 0)
    throw new UsageError(`cloudeye bench: name one of ${Object.keys(BENCHES).join(', ')} (or all)`);
  const list = names[0] === 'all' ? Object.keys(BENCHES) : names;
  const unknown = list.find((name) => !BENCHES[name]);
  if (unknown !== undefined)
    throw new UsageError(`cloudeye bench: unknown benchmark ${unknown}; known: ${Object.keys(BENCHES).join(', ')}`);
  if (engine !== undefined && list.some((name) => name !== 'live'))
    throw new UsageError(
      'cloudeye bench: --engine is an option of the live benchmark; run `cloudeye bench live --engine …`',
    );
  if (only !== undefined && (list.length !== 1 || !['live', 'record', 'wall', 'events'].includes(list[0]!)))
    throw new UsageError(
      'cloudeye bench: --only is an option of the live, record, wall and events benchmarks; run `cloudeye bench live --only …`',
    );
  exposeGc();
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  for (const name of list) {
    const mod = await BENCHES[name]!();
    const figures: Figure[][] = [];
    const raw: string[][] = [];
    for (let k = 1; k <= runs; k++) {
      const mine: Figure[] = [];
      const lines: string[] = [];
      await mod.run({
        // with several runs, each run's figures are comments; the medians are the figures
        log: (line) => {
          const f = runs > 1 ? parseFigure(line) : null;
          if (f) {
            mine.push(f);
            lines.push(line);
          }
          print(f ? `# run ${k}/${runs}: ${line}` : line);
        },
        quick,
        run: { index: k, of: runs },
        ...(only !== undefined ? { only } : {}),
        ...(engine !== undefined ? { engine } : {}),
      });
      figures.push(mine);
      raw.push(lines);
    }
    if (runs > 1) for (const line of summarize(figures, raw)) print(line);
  }
  return 0;
}
