// Live video benchmark (cloudeye bench live): first frame cold and warm, glass-to-glass latency (MSE, HLS baseline), RTSP sessions, CPU, viewers.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { closePage, consolePage, playAndMeasure, sampleLatency, type Transport } from './live-page';
import { startRig, type Rig } from './live-rig';
import { median, parsePhases, percentile, spread, type Phase } from './live-stats';
import type { PullEngine } from '../transcoder/options';
import { inChild } from './child';
import { measureViewers } from './live-load';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..');
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
];

/** Options of the live bench. */
export interface LiveBenchOptions {
  /** Receives each `bench <name> <value> <unit>` line and `#` comment lines (every run). */
  log: (line: string) => void;
  /** Fewer runs, shorter windows, fewer streams and viewers: a smoke test, not a measurement. */
  quick?: boolean;
  /** Comma list of phases (live-stats.ts PHASES); all when absent. */
  only?: string;
  /** Who pulls the cameras; the configured default (native) when absent. */
  engine?: PullEngine;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function run(opts: LiveBenchOptions): Promise<void> {
  const { log } = opts;
  const quick = opts.quick === true;
  const phases = parsePhases(opts.only);
  const runs = quick ? 2 : 10;
  const browserPhases: Phase[] = ['first-frame', 'warm', 'latency', 'sessions'];
  const needBrowser = browserPhases.some((p) => phases.has(p));
  if (
    needBrowser &&
    (!existsSync(path.join(ROOT, 'web', 'dist', 'index.html')) || process.env.BENCH_BUILD_WEB !== '0')
  ) {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web.mjs')], { stdio: 'inherit' });
    if (b.status !== 0) throw new Error('bench live: building the console failed');
  }
  if (needBrowser) {
    const [g1, g2] = await Promise.all([
      RtspProcess.start({ count: 2 * runs + 4, codec: 'h264', clock: true, gopS: 1 }),
      RtspProcess.start({ count: 2 * runs, codec: 'h264', clock: true, gopS: 2 }),
    ]);
    const rig = await startRig([g1, g2], opts.engine ? { pullEngine: opts.engine } : {});
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    try {
      await rig.register('g1-live', g1, runs, 0);
      await rig.register('g1-hls', g1, runs, runs);
      await rig.register('g1-warm', g1, 1, 2 * runs);
      await rig.register('g1-lat', g1, 2, 2 * runs + 1);
      await rig.register('g1-sess', g1, 1, 2 * runs + 3);
      await rig.register('g2-live', g2, runs, 0);
      await rig.register('g2-hls', g2, runs, runs);
      await rig.gw.reload();
      if (phases.has('first-frame')) await firstFrame(rig, browser, log, runs);
      if (phases.has('warm')) await warm(rig, browser, log, quick ? 2 : 10);
      if (phases.has('latency')) await latency(rig, browser, log, quick ? 2000 : 20_000);
      if (phases.has('sessions')) await sessions(rig, browser, log);
    } finally {
      await browser.close();
      await rig.close();
    }
  }
  const engine = opts.engine ? { engine: opts.engine } : {};
  if (phases.has('cpu'))
    await inChild(
      'live',
      'live-cpu-child.ts',
      { streams: quick ? 3 : 50, windowS: quick ? 3 : 60, settleS: quick ? 2 : 5, ...engine },
      log,
    );
  if (phases.has('viewers'))
    await measureViewers(log, { viewers: quick ? 20 : 500, cameras: quick ? 4 : 10, holdS: quick ? 3 : 60, ...engine });
}

/**
 * Cold first frames, 1 s and 2 s GOP, the console's live transport and HLS interleaved, at random GOP
 * phases, stratified: every camera of a simulator shares its encoder's keyframe times, read from the
 * clock of the first run's first frame; run k of a transport then clicks at a uniformly random point
 * of its own N-th of the GOP (the N-ths in shuffled order), so that N runs cover the GOP evenly and
 * their median is the median over all phases without the sampling noise of N independent draws.
 */
async function firstFrame(rig: Rig, browser: Browser, log: (l: string) => void, runs: number): Promise<void> {
  const figures: Record<string, number[]> = {};
  for (const gop of [1, 2]) {
    const gopMs = gop * 1000;
    /** A keyframe's capture time (ms since the epoch), once a run has shown one. */
    let keyframeAt: number | null = null;
    const strata: Record<Transport, number[]> = { mse: shuffled(runs), hls: shuffled(runs) };
    for (let k = 0; k < runs; k++) {
      const order: Transport[] = k % 2 === 0 ? ['mse', 'hls'] : ['hls', 'mse'];
      for (const transport of order) {
        const group = `g${gop}-${transport === 'mse' ? 'live' : 'hls'}`;
        const cam = rig.cameras[group]![k]!;
        const page = await consolePage(browser, rig.base, transport);
        const target = ((strata[transport][k]! + Math.random()) / runs) * gopMs;
        const untilPhase = (): Promise<void> =>
          keyframeAt === null
            ? sleep(Math.random() * gopMs)
            : sleep((((target - (Date.now() - keyframeAt)) % gopMs) + gopMs) % gopMs);
        const mount = RtspProcess.mount(cam.index, 'main');
        let askedAt = NaN;
        const onDescribe = (m: string, at: number): void => {
          if (m === mount && Number.isNaN(askedAt)) askedAt = at;
        };
        cam.sim.on('describe', onDescribe);
        try {
          const r = await playAndMeasure(page, cam, untilPhase);
          keyframeAt ??= r.clickWall + r.keyframeWaitMs;
          (figures[group] ??= []).push(r.firstFrameMs);
          log(
            `# cold ${gop} s GOP ${transport === 'mse' ? 'live' : 'hls '} run ${k + 1}: ${r.firstFrameMs.toFixed(0)} ms` +
              ` (pane transport '${r.transport}'; the camera asked ${(askedAt - r.clickWall).toFixed(0)} ms after the click,` +
              ` first frame captured ${r.keyframeWaitMs} ms after the click,` +
              ` shown ${r.firstLatencyMs} ms after its capture)`,
          );
        } finally {
          cam.sim.off('describe', onDescribe);
          await closePage(page);
        }
      }
    }
  }
  for (const [group, xs] of Object.entries(figures))
    log(`# ${group}: ${xs.map((x) => x.toFixed(0)).join(' ')}; spread ${spread(xs)}`);
  const live1 = median(figures['g1-live']!);
  const hls1 = median(figures['g1-hls']!);
  log(`bench live_first_frame_cold_ms ${live1.toFixed(0)} ms`);
  log(`bench hls_first_frame_cold_ms ${hls1.toFixed(0)} ms`);
  log(`bench live_first_frame_ratio ${(live1 / hls1).toFixed(3)} x`);
  log(`bench live_first_frame_cold_2s_gop_ms ${median(figures['g2-live']!).toFixed(0)} ms`);
  log(`bench hls_first_frame_cold_2s_gop_ms ${median(figures['g2-hls']!).toFixed(0)} ms`);
}

/** 0 … n−1 in random order. */
function shuffled(n: number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** Warm joins: a second viewer of a stream another viewer already watches. */
async function warm(rig: Rig, browser: Browser, log: (l: string) => void, runs: number): Promise<void> {
  const cam = rig.cameras['g1-warm']![0]!;
  const first = await consolePage(browser, rig.base, 'mse');
  try {
    await playAndMeasure(first, cam);
    const xs: number[] = [];
    for (let k = 0; k < runs; k++) {
      const page = await consolePage(browser, rig.base, 'mse');
      try {
        const r = await playAndMeasure(page, cam, () => sleep(Math.random() * 1000));
        xs.push(r.firstFrameMs);
        log(`# warm run ${k + 1}: ${r.firstFrameMs.toFixed(0)} ms (pane transport '${r.transport}')`);
      } finally {
        await closePage(page);
      }
    }
    log(`# warm: spread ${spread(xs)}`);
    log(`bench live_first_frame_warm_ms ${median(xs).toFixed(0)} ms`);
  } finally {
    await closePage(first);
  }
}

/** Glass to glass: every presented frame's capture clock against the page's Date.now(), live and HLS. */
async function latency(rig: Rig, browser: Browser, log: (l: string) => void, windowMs: number): Promise<void> {
  for (const [transport, cam] of [
    ['mse', rig.cameras['g1-lat']![0]!],
    ['hls', rig.cameras['g1-lat']![1]!],
  ] as const) {
    const page = await consolePage(browser, rig.base, transport);
    try {
      const r = await playAndMeasure(page, cam);
      await sleep(3000); // past the start, where a player may still be catching up
      const t0 = Date.now();
      const xs = await sampleLatency(page, windowMs);
      const tookS = ((Date.now() - t0) / 1000).toFixed(1);
      if (xs.length < 10) throw new Error(`bench live: only ${xs.length} frames with a readable clock in ${tookS} s`);
      const name = transport === 'mse' ? 'live' : 'hls';
      log(
        `# ${name} latency over ${xs.length} frames in ${tookS} s (pane transport '${r.transport}'):` +
          ` min ${Math.min(...xs)} p50 ${percentile(xs, 50).toFixed(0)} p95 ${percentile(xs, 95).toFixed(0)} max ${Math.max(...xs)} ms`,
      );
      log(`bench ${name}_latency_p50_ms ${percentile(xs, 50).toFixed(0)} ms`);
      log(`bench ${name}_latency_p95_ms ${percentile(xs, 95).toFixed(0)} ms`);
    } finally {
      await closePage(page);
    }
  }
}

/** One camera watched through MSE and HLS at once while snapshots are taken: the most RTSP sessions it held at once. */
async function sessions(rig: Rig, browser: Browser, log: (l: string) => void): Promise<void> {
  const cam = rig.cameras['g1-sess']![0]!;
  const main = RtspProcess.mount(cam.index, 'main');
  const sub = RtspProcess.mount(cam.index, 'sub');
  cam.sim.resetPeak();
  const pages = [await consolePage(browser, rig.base, 'mse'), await consolePage(browser, rig.base, 'hls')];
  try {
    const probes = await Promise.all(pages.map((p) => playAndMeasure(p, cam)));
    const shots = await Promise.all(
      [0, 1, 2].map(() => rig.api('GET', `/api/v1/cameras/${encodeURIComponent(cam.id)}/snapshot`)),
    );
    const bad = shots.find((s) => s.status !== 200);
    if (bad) throw new Error(`bench live: snapshot failed: ${bad.status} ${bad.text.slice(0, 200)}`);
    await sleep(2000);
    const peaks = [cam.sim.peakSessions(main), cam.sim.peakSessions(sub)];
    log(
      `# sessions: panes ${probes.map((p) => `'${p.transport}'`).join(' and ')} on the main profile + 3 snapshots;` +
        ` most at once on ${main}: ${peaks[0]}, on ${sub}: ${peaks[1]}`,
    );
    // the figure: the most sessions one (camera, profile) held at once
    log(`bench camera_rtsp_sessions ${Math.max(...peaks)} sessions`);
  } finally {
    await Promise.all(pages.map(closePage));
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--only');
  const e = process.argv.indexOf('--engine');
  run({
    log: (l) => process.stdout.write(`${l}\n`),
    quick: process.argv.includes('--quick'),
    ...(i > 0 ? { only: process.argv[i + 1] } : {}),
    ...(e > 0 ? { engine: process.argv[e + 1] as PullEngine } : {}),
  }).catch((e: unknown) => {
    process.stderr.write(`bench live: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
