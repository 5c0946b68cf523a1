// Wall benchmark (cloudeye bench wall): a console and two paired wall screens in headless Chromium; a camera pushed
// to a screen cold and warm (console click → first decoded frame on the screen), the gap in the picture when a tour
// switches cameras on a screen, and keyboard PTZ to an ONVIF dome.
import { parsePhaseList } from './phases';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { closePage, consolePage, playAndMeasure } from './live-page';
import { startRig, type Rig } from './live-rig';
import { median, spread } from './live-stats';
import { clearPane, pairScreen, pushAndMeasure, wallConsole, type BenchScreen } from './wall-page';
import { addDome, measurePtz, type BenchDome } from './wall-ptz';
import { measureTourSwitch } from './wall-tour';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
];

/**
 * The phases `--only` may name, in the order they run; tour: the time without a moving picture when a screen's tour
 * switches cameras (tour_switch_gap_ms).
 */
export const WALL_PHASES = ['push-cold', 'push-warm', 'tour', 'ptz'] as const;
export type WallPhase = (typeof WALL_PHASES)[number];

export interface WallBenchOptions {
  /** Receives each `bench <name> <value> <unit>` line and `#` comment lines. */
  log: (line: string) => void;
  /** Fewer runs and presses: a smoke test, not a measurement. */
  quick?: boolean;
  /** Comma list of WALL_PHASES; all when absent. */
  only?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Parses `--only a,b`; every phase when absent; throws naming an unknown phase. */
export function parseWallPhases(only: string | undefined): Set<WallPhase> {
  return parsePhaseList('wall', WALL_PHASES, only);
}

export async function run(opts: WallBenchOptions): Promise<void> {
  const { log } = opts;
  const quick = opts.quick === true;
  const phases = parseWallPhases(opts.only);
  const runs = quick ? 2 : 10;
  if (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html')) || process.env.BENCH_BUILD_WEB !== '0') {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('bench wall: building the console failed');
  }
  // cameras 0…runs−1 pushed cold, runs…2·runs−1 their console baseline, then the warm one, the dome's picture and
  // the tour's two
  const sim = await RtspProcess.start({ count: 2 * runs + 4, codec: 'h264', clock: true, gopS: 1 });
  const rig = await startRig([sim]);
  let dome: BenchDome | undefined;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
  const pages: Page[] = [];
  try {
    await rig.register('w-cold', sim, runs, 0);
    await rig.register('w-base', sim, runs, runs);
    await rig.register('w-warm', sim, 1, 2 * runs);
    if (phases.has('ptz')) dome = await addDome(rig, sim, 2 * runs + 1);
    if (phases.has('tour')) await rig.register('w-tour', sim, 2, 2 * runs + 2);
    const made: Array<{ id: number; secret: string }> = [];
    for (const [col, name] of ['bench-left', 'bench-right'].entries()) {
      const r = await rig.api('POST', '/api/v1/wall/screens', { name, col, row: 0, layout: '4' });
      if (r.status !== 201) throw new Error(`bench wall: creating screen ${name} failed: ${r.status} ${r.text}`);
      made.push({ id: r.body.screen.id as number, secret: r.body.pairing.secret as string });
    }
    await rig.gw.reload();
    const screens: BenchScreen[] = [];
    for (const s of made) {
      screens.push(await pairScreen(browser, rig.base, s.id, s.secret));
      pages.push(screens.at(-1)!.page);
    }
    const wall = await wallConsole(browser, rig.base, screens);
    pages.push(wall);
    if (phases.has('push-cold')) await pushCold(rig, browser, wall, screens, log, runs);
    if (phases.has('push-warm')) await pushWarm(rig, browser, wall, screens, log, runs);
    if (phases.has('tour')) await measureTourSwitch(rig, screens[1]!, rig.cameras['w-tour']!, log, quick ? 2 : 8);
    if (phases.has('ptz')) await measurePtz(rig, browser, dome!, log, quick ? 5 : 40);
  } finally {
    for (const p of pages)
      await p
        .context()
        .close()
        .catch(() => undefined);
    await browser.close();
    await dome?.device.close();
    await rig.close();
  }
}

/**
 * Cold pushes: run k sends camera k (nobody watches it) to pane k mod 4 of the left screen, at a random point of its
 * 1 s GOP; the baseline is the console's own cold first frame (search, marker, Play) of a sibling camera of the same
 * simulator, in the same run, the two in alternating order.
 */
async function pushCold(
  rig: Rig,
  browser: Browser,
  wall: Page,
  screens: BenchScreen[],
  log: (l: string) => void,
  runs: number,
): Promise<void> {
  const push: number[] = [];
  const base: number[] = [];
  for (let k = 0; k < runs; k++) {
    const order = k % 2 === 0 ? ['push', 'console'] : ['console', 'push'];
    for (const what of order) {
      if (what === 'push') {
        const cam = rig.cameras['w-cold']![k]!;
        const r = await pushAndMeasure(wall, screens[0]!, k % 4, cam, () => sleep(Math.random() * 1000));
        push.push(r.pushMs);
        log(
          `# push cold run ${k + 1}: ${r.pushMs} ms (screen transport '${r.transport}'; first frame captured` +
            ` ${r.keyframeWaitMs} ms after the click, shown ${r.latencyMs} ms after its capture)`,
        );
      } else {
        const page = await consolePage(browser, rig.base, 'mse');
        try {
          const r = await playAndMeasure(page, rig.cameras['w-base']![k]!, () => sleep(Math.random() * 1000));
          base.push(r.firstFrameMs);
          log(`# console cold run ${k + 1}: ${r.firstFrameMs.toFixed(0)} ms (pane transport '${r.transport}')`);
        } finally {
          await closePage(page);
        }
      }
    }
  }
  log(`# push cold: ${push.join(' ')}; spread ${spread(push)}`);
  log(`# console cold (baseline): ${base.map((x) => x.toFixed(0)).join(' ')}; spread ${spread(base)}`);
  log(`bench wall_push_cold_ms ${median(push).toFixed(0)} ms`);
  log(`bench wall_console_first_frame_cold_ms ${median(base).toFixed(0)} ms`);
}

/**
 * Warm pushes: one camera shown on the right screen (watched elsewhere), then sent to a cleared pane of the left
 * screen `runs` times; the baseline is a console joining the same camera (search, marker, Play) in the same run.
 */
async function pushWarm(
  rig: Rig,
  browser: Browser,
  wall: Page,
  screens: BenchScreen[],
  log: (l: string) => void,
  runs: number,
): Promise<void> {
  const cam = rig.cameras['w-warm']![0]!;
  const first = await pushAndMeasure(wall, screens[1]!, 0, cam);
  log(`# warm camera shown on the right screen ${first.pushMs} ms after its push`);
  const push: number[] = [];
  const base: number[] = [];
  for (let k = 0; k < runs; k++) {
    const pane = k % 4;
    await clearPane(wall, screens[0]!, pane);
    const r = await pushAndMeasure(wall, screens[0]!, pane, cam, () => sleep(Math.random() * 1000));
    push.push(r.pushMs);
    const page = await consolePage(browser, rig.base, 'mse');
    try {
      const c = await playAndMeasure(page, cam, () => sleep(Math.random() * 1000));
      base.push(c.firstFrameMs);
      log(
        `# warm run ${k + 1}: push ${r.pushMs} ms (screen transport '${r.transport}'); console ${c.firstFrameMs.toFixed(0)} ms`,
      );
    } finally {
      await closePage(page);
    }
  }
  log(`# push warm: ${push.join(' ')}; spread ${spread(push)}`);
  log(`# console warm (baseline): ${base.map((x) => x.toFixed(0)).join(' ')}; spread ${spread(base)}`);
  log(`bench wall_push_warm_ms ${median(push).toFixed(0)} ms`);
  log(`bench wall_console_first_frame_warm_ms ${median(base).toFixed(0)} ms`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--only');
  run({
    log: (l) => process.stdout.write(`${l}\n`),
    quick: process.argv.includes('--quick'),
    ...(i > 0 ? { only: process.argv[i + 1] } : {}),
  }).catch((e: unknown) => {
    process.stderr.write(`bench wall: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
