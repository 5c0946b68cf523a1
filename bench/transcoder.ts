// Transcoder benchmark: cold/warm start, remux overhead vs raw ffmpeg, 100 concurrent streams, fan-out.
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RtspProcess as SimCam } from '../sim/cameras/rtsp-process';
import { buildFfmpegArgs } from '../transcoder/ffmpeg-args';
import { SOURCE_FD } from '../transcoder/source-input';
import { readPlaylist } from '../transcoder/hls-files';
import { Supervisor, type StreamSpec, type TranscoderOptions } from '../transcoder/index';
import { ffmpegChildren, procStat, rssKb, sleep } from './transcoder-proc';

/** Options of the bench run. */
export interface BenchOptions {
  /** Receives each `bench <name> <value> <unit>` line (and nothing else). */
  log: (line: string) => void;
  /** Shorter durations and fewer streams: a smoke test, not a measurement. Default false. */
  quick?: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const round = (v: number, d = 0): string => v.toFixed(d);

/** Spawns ffmpeg by hand with the supervisor's own arguments; resolves ms from spawn to a playable playlist. */
async function rawColdStart(spec: StreamSpec, o: Required<TranscoderOptions>, dir: string): Promise<{ ms: number; stop: () => Promise<void>; pid: number }> {
  await mkdir(dir, { recursive: true });
  const t0 = performance.now();
  const cmd = buildFfmpegArgs(spec, o, dir);
  const child = spawn(o.ffmpegPath, cmd.args, { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  child.stdio[SOURCE_FD]?.on('error', () => undefined);
  (child.stdio[SOURCE_FD] as NodeJS.WritableStream | null)?.end(cmd.sourceScript);
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  const ms = await new Promise<number>((resolve, reject) => {
    let busy = false;
    const check = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      const info = await readPlaylist(dir);
      busy = false;
      if (info) {
        w.close();
        clearInterval(poll);
        resolve(performance.now() - t0);
      }
    };
    const w = watch(dir, () => void check());
    const poll = setInterval(() => void check(), 250);
    child.once('exit', (c) => {
      w.close();
      clearInterval(poll);
      reject(new Error(`raw ffmpeg exited ${c}`));
    });
  });
  return {
    ms,
    pid: child.pid ?? -1,
    stop: async () => {
      child.kill('SIGINT');
      await closed;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Runs every figure; see the README's benchmark section for their meaning. */
export async function run(opts: BenchOptions): Promise<void> {
  const quick = opts.quick === true;
  const root = await mkdtemp(path.join(tmpdir(), 'ce-bench-tx-'));
  const nStreams = quick ? 20 : 100;
  const cam = await SimCam.start({ count: Math.max(nStreams, 10) + 10, codec: 'h264' });
  const base: Partial<TranscoderOptions> = { hlsDir: path.join(root, 'hls'), idleTimeoutS: 30, stallTimeoutS: 10, maxWorkers: 150 };
  const sup = new Supervisor(base);
  await sup.start();
  const o = sup.options as Required<TranscoderOptions>;
  const spec = (i: number): StreamSpec => ({ cameraId: `cam${i}`, profile: 'main', url: cam.url(i), codec: 'h264', audioCodec: null });
  try {
    // cold start: ours vs raw. Each pair starts both at the same instant on two cameras of the
    // same shared encoder, so both wait for the same keyframe (the GOP phase is the dominant noise:
    // ±1 s); which one is spawned first alternates.
    const runs = quick ? 3 : 7;
    const ours: number[] = [];
    const raw: number[] = [];
    for (let k = 0; k < runs; k++) {
      const a = (2 * k) % 10;
      const b = (2 * k + 1) % 10;
      const startOurs = async (): Promise<() => Promise<void>> => {
        const t0 = performance.now();
        const r = await sup.acquire(spec(a));
        ours.push(performance.now() - t0);
        return () => sup.stop(r.key);
      };
      const startRaw = async (): Promise<() => Promise<void>> => {
        const r = await rawColdStart(spec(b), o, path.join(root, `raw${k}`));
        raw.push(r.ms);
        return r.stop;
      };
      const stops = await Promise.all(k % 2 === 0 ? [startOurs(), startRaw()] : [startRaw(), startOurs()]);
      await Promise.all(stops.map((stop) => stop()));
      await sleep(300);
    }
    const coldOurs = median(ours);
    const coldRaw = median(raw);
    opts.log(`bench cold_start_ms ${round(coldOurs)} ms`);
    opts.log(`bench raw_ffmpeg_cold_start_ms ${round(coldRaw)} ms`);
    opts.log(`bench cold_start_ratio ${round(coldOurs / coldRaw, 3)} x`);

    // warm start: a second viewer of a running stream
    const first = await sup.acquire(spec(0));
    const warm: number[] = [];
    for (let k = 0; k < 20; k++) {
      const t0 = performance.now();
      await sup.acquire(spec(0));
      warm.push(performance.now() - t0);
    }
    opts.log(`bench warm_start_ms ${round(median(warm), 2)} ms`);

    // remux overhead: supervised ffmpeg vs raw ffmpeg, same args, same source feed, same window
    const rawRun = await rawColdStart(spec(1), o, path.join(root, 'raw-cpu'));
    const oursPid = sup.get(first.key)?.pid ?? -1;
    const windowS = quick ? 5 : 20;
    const c0 = [procStat(oursPid)?.cpuS ?? NaN, procStat(rawRun.pid)?.cpuS ?? NaN];
    const rss: [number[], number[]] = [[], []];
    for (let s = 0; s < windowS; s++) {
      await sleep(1000);
      sup.touch(first.key);
      rss[0].push(rssKb(oursPid) ?? NaN);
      rss[1].push(rssKb(rawRun.pid) ?? NaN);
    }
    const c1 = [procStat(oursPid)?.cpuS ?? NaN, procStat(rawRun.pid)?.cpuS ?? NaN];
    const cpuOurs = (c1[0] ?? NaN) - (c0[0] ?? NaN);
    const cpuRaw = (c1[1] ?? NaN) - (c0[1] ?? NaN);
    opts.log(`bench remux_cpu_ratio ${round(cpuOurs / cpuRaw, 3)} x`);
    opts.log(`bench remux_mem_ratio ${round(median(rss[0]) / median(rss[1]), 3)} x`);
    await rawRun.stop();
    await sup.stop(first.key);

    // concurrent streams: start N remuxed streams, keep them for holdS, count the ones that never stalled
    const holdS = quick ? 10 : 60;
    const keys = Array.from({ length: nStreams }, (_, i) => `cam${i}.main`);
    const broken = new Set<string>();
    const onState = (e: { key: string; state: string }): void => {
      if (e.state === 'stalled' || e.state === 'failed' || e.state === 'restarting' || e.state === 'stopped') broken.add(e.key);
    };
    const results = await Promise.allSettled(keys.map((_, i) => sup.acquire(spec(i))));
    results.forEach((r, i) => r.status === 'rejected' && broken.add(keys[i] ?? ''));
    sup.on('state', onState);
    const lastChange = new Map<string, { mtime: number; at: number }>();
    const maxGap = new Map<string, number>();
    const t0 = performance.now();
    while (performance.now() - t0 < holdS * 1000) {
      const now = performance.now();
      await Promise.all(keys.map(async (k) => {
        sup.touch(k);
        const file = sup.resolveFile(k, 'index.m3u8');
        const st = file ? await stat(file).catch(() => null) : null;
        const prev = lastChange.get(k);
        if (st && (!prev || st.mtimeMs !== prev.mtime)) lastChange.set(k, { mtime: st.mtimeMs, at: now });
        const since = now - (lastChange.get(k)?.at ?? t0);
        maxGap.set(k, Math.max(maxGap.get(k) ?? 0, since));
      }));
      await sleep(500);
    }
    sup.off('state', onState);
    const ok = keys.filter((k) => !broken.has(k) && (maxGap.get(k) ?? Infinity) <= o.stallTimeoutS * 1000).length;
    opts.log(`bench concurrent_streams ${ok} streams`);
    await Promise.all(keys.map((k) => sup.stop(k)));

    // fan-out: 200 viewers of one camera → processes
    const viewers = 200;
    const fanKey = 'cam2.main';
    const counted = new Set<number>();
    let reads = 0;
    const viewer = async (): Promise<void> => {
      await sup.acquire(spec(2));
      const until = performance.now() + (quick ? 2000 : 5000);
      while (performance.now() < until) {
        sup.touch(fanKey);
        const f = sup.resolveFile(fanKey, 'index.m3u8');
        if (f) await readFile(f, 'utf8').then(() => reads++, () => undefined);
        for (const p of ffmpegChildren()) counted.add(p);
        await sleep(200 + Math.random() * 100);
      }
    };
    await Promise.all(Array.from({ length: viewers }, viewer));
    opts.log(`bench fanout_ffmpeg_count ${counted.size} processes`);
  } finally {
    await sup.close();
    await cam.close();
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run({ log: (l) => console.log(l), quick: process.argv.includes('--quick') }).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
