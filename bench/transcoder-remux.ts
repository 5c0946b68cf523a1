// Remux overhead for the transcoder bench: supervised ffmpeg vs raw ffmpeg with the same arguments, over many streams and enough CPU ticks.
import { spawn, type ChildProcess } from 'node:child_process';
import { buildFfmpegArgs } from '../transcoder/ffmpeg-args';
import type { Supervisor, StreamSpec, TranscoderOptions } from '../transcoder/index';
import { SOURCE_FD } from '../transcoder/source-input';
import { procStat, rssKb, sleep } from './transcoder-proc';

/** One clock tick of /proc CPU times, seconds (USER_HZ 100). */
export const TICK_S = 0.01;

/** A raw ffmpeg started by hand with the supervisor's own arguments. */
export interface RawRun {
  /** Milliseconds from spawn to the first fragment (moof + mdat) on its stdout. */
  ms: number;
  pid: number;
  stop: () => Promise<void>;
}

/**
 * Spawns ffmpeg by hand with the supervisor's own arguments; resolves at the first fragment on its
 * stdout (a copy starts at a keyframe), read with a bare box scan and drained after.
 */
export async function rawColdStart(spec: StreamSpec, o: Required<TranscoderOptions>): Promise<RawRun> {
  const t0 = performance.now();
  const cmd = buildFfmpegArgs(spec, o);
  const child: ChildProcess = spawn(o.ffmpegPath, cmd.args, { stdio: ['ignore', 'pipe', 'ignore', 'pipe'] });
  // the camera URL goes on the pipe the arguments name, as the supervisor's worker sends it
  const source = child.stdio[SOURCE_FD] as NodeJS.WritableStream | null;
  source?.on('error', () => undefined);
  source?.end(cmd.sourceScript);
  const closed = new Promise<void>((r) => child.once('close', () => r()));
  const ms = await new Promise<number>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let done = false;
    child.stdout?.on('data', (c: Buffer) => {
      if (done) return;
      buf = Buffer.concat([buf, c]);
      for (let p = 0; p + 8 <= buf.length;) {
        const size = buf.readUInt32BE(p);
        if (size < 8 || p + size > buf.length) break;
        if (buf.toString('latin1', p + 4, p + 8) === 'mdat') {
          done = true;
          buf = Buffer.alloc(0);
          return resolve(performance.now() - t0);
        }
        p += size;
      }
    });
    child.once('exit', (c) => !done && reject(new Error(`raw ffmpeg exited ${c}`)));
  });
  return {
    ms,
    pid: child.pid ?? -1,
    stop: async () => {
      child.kill('SIGINT');
      await closed;
    },
  };
}

/** The remux figures of one measurement. */
export interface RemuxFigures {
  /** Streams in each arm. */
  streams: number;
  /** Measured window, seconds. */
  windowS: number;
  /** CPU seconds (utime + stime) of the supervised ffmpegs over the window, summed. */
  oursCpuS: number;
  /** The same for the raw ffmpegs. */
  rawCpuS: number;
  /** CPU seconds of this (the supervising) process over the window: fMP4 reading, hub, touch. */
  supervisorCpuS: number;
  /** Median over the window of the summed RSS of each arm, kB. */
  oursRssKb: number;
  rawRssKb: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};
const cpuOf = (pids: number[]): number => pids.reduce((n, p) => n + (procStat(p)?.cpuS ?? NaN), 0);
const rssOf = (pids: number[]): number => pids.reduce((n, p) => n + (rssKb(p) ?? NaN), 0);

/**
 * Starts `streams` supervised and `streams` raw remuxing ffmpegs (cameras `first`… and the next
 * `streams` after them, all fed by one encoder), starts the supervised arm, then the raw one, lets them settle (5 s), then measures both arms over
 * the same window, which lasts at least minWindowS and until each arm has used `minCpuS` (so one
 * tick is at most TICK_S / minCpuS of it), at most maxWindowS. Throws when an ffmpeg was replaced
 * during the window (its CPU time would be lost).
 */
export async function measureRemux(
  sup: Supervisor,
  spec: (i: number) => StreamSpec,
  o: { first: number; streams: number; minCpuS: number; minWindowS: number; maxWindowS: number },
): Promise<RemuxFigures> {
  const opts = sup.options as Required<TranscoderOptions>;
  const ours = Array.from({ length: o.streams }, (_, k) => spec(o.first + k));
  const raws = Array.from({ length: o.streams }, (_, k) => spec(o.first + o.streams + k));
  // viewers keep watching while the other arm starts (it may take longer than idleTimeoutS)
  const keys = ours.map((s) => `${s.cameraId}.${s.profile}`);
  const keep = setInterval(() => keys.forEach((k) => sup.touch(k)), 1000);
  // as the supervisor does, a raw run refused once (the simulated cameras refuse a few of many
  // simultaneous connects) is retried
  const startRaw = async (s: StreamSpec): Promise<RawRun> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await rawColdStart(s, opts);
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  };
  let rawRuns: RawRun[] = [];
  let acquired: Array<{ key: string }> = [];
  try {
    // the supervised arm first: when the raw arm started first or together with it, a raw ffmpeg
    // died in the window in both runs (a burst of 40 cold starts stalled the simulated cameras'
    // running sessions past -timeout; the supervisor restarts its own, a raw run just exits)
    const gotOurs = await Promise.allSettled(ours.map((s) => sup.acquire(s)));
    const started = await Promise.allSettled(raws.map((s) => startRaw(s)));
    acquired = gotOurs.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    rawRuns = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failed = [...gotOurs, ...started].find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    const pidsOf = (): number[] => acquired.map((a) => sup.get(a.key)?.pid ?? -1);
    await sleep(5000);
    const oursPids = pidsOf();
    const rawPids = rawRuns.map((r) => r.pid);
    const t0 = performance.now();
    const node0 = process.cpuUsage();
    const c0 = [cpuOf(oursPids), cpuOf(rawPids)] as const;
    const rss: [number[], number[]] = [[], []];
    let c1: readonly [number, number] = c0;
    for (;;) {
      await sleep(1000);
      for (const a of acquired) sup.touch(a.key);
      rss[0].push(rssOf(oursPids));
      rss[1].push(rssOf(rawPids));
      c1 = [cpuOf(oursPids), cpuOf(rawPids)];
      const s = (performance.now() - t0) / 1000;
      const enough = Math.min(c1[0] - c0[0], c1[1] - c0[1]) >= o.minCpuS;
      if ((s >= o.minWindowS && enough) || s >= o.maxWindowS) break;
    }
    const node = process.cpuUsage(node0);
    const windowS = (performance.now() - t0) / 1000;
    if (pidsOf().some((p, i) => p !== oursPids[i]))
      throw new Error('bench transcoder: a supervised ffmpeg was restarted during the CPU window');
    const gone = rawPids.filter((p) => procStat(p) === null);
    if (gone.length) throw new Error(`bench transcoder: raw ffmpeg ${gone.join(', ')} exited during the CPU window`);
    return {
      streams: o.streams,
      windowS,
      oursCpuS: c1[0] - c0[0],
      rawCpuS: c1[1] - c0[1],
      supervisorCpuS: (node.user + node.system) / 1e6,
      oursRssKb: median(rss[0]),
      rawRssKb: median(rss[1]),
    };
  } finally {
    clearInterval(keep);
    await Promise.all(rawRuns.map((r) => r.stop()));
    await Promise.all(acquired.map((a) => sup.stop(a.key)));
  }
}
