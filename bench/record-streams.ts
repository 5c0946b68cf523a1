// The record bench's recording phases (run in a node process of its own): record_cpu_ratio against raw ffmpeg, record_streams.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import type { SegmentRecord } from '../gateway/db/recordings-repo';
import { liveUrl, Viewers } from './live-load';
import { startRig, type Rig, type RigCamera } from './live-rig';
import { cpuOver, processesNamed, sleep } from './transcoder-proc';

export interface RecordStreamsOptions {
  /** Cameras recorded (and viewed live in the streams phase). */
  streams: number;
  /** CPU window, seconds (gateway and raw ffmpeg each). */
  cpuS: number;
  /** The window every camera must be recorded through without a gap, seconds. */
  holdS: number;
  /** Segment length, seconds (recording.segmentSeconds; raw ffmpeg's -segment_time). */
  segmentS: number;
  settleS: number;
}

/** Gaps in one camera's segments over [fromMs, toMs]: uncovered start or end, and holes wider than `maxGapMs`. */
export function gapsIn(segs: readonly SegmentRecord[], fromMs: number, toMs: number, maxGapMs: number): number {
  const s = segs.filter((x) => !x.missing).sort((a, b) => a.startMs - b.startMs);
  if (!s.length) return 1;
  let gaps = 0;
  if (s[0]!.startMs > fromMs + maxGapMs) gaps++;
  if (s.at(-1)!.endMs < toMs - maxGapMs) gaps++;
  for (let i = 1; i < s.length; i++) if (s[i]!.startMs - s[i - 1]!.endMs > maxGapMs) gaps++;
  return gaps;
}

/** Waits until every camera's recorder is recording (throws after timeoutMs, saying which are not). */
async function allRecording(rig: Rig, cams: RigCamera[], timeoutMs: number): Promise<void> {
  const rec = rig.gw.services.recordings;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const st = new Map(rec.status().map((s) => [s.cameraId, s]));
    const not = cams.filter((c) => st.get(c.id)?.state !== 'recording');
    if (!not.length) return;
    if (Date.now() > until)
      throw new Error(
        `bench record: ${not.length} of ${cams.length} cameras not recording after ${timeoutMs / 1000} s, e.g. ` +
          `${not[0]!.id}: ${st.get(not[0]!.id)?.state ?? 'no recorder'} (${st.get(not[0]!.id)?.reason ?? ''})`,
      );
    await sleep(250);
  }
}

export async function measureRecording(log: (l: string) => void, o: RecordStreamsOptions): Promise<void> {
  const sim = await RtspProcess.start({ count: o.streams, codec: 'h264', gopS: 1 });
  const volume = mkdtempSync(path.join(tmpdir(), 'ce-bench-record-'));
  const errors: string[] = [];
  let rig: Rig | null = null;
  let viewers: Viewers | null = null;
  const raws: ChildProcess[] = [];
  try {
    rig = await startRig(
      [],
      { idleTimeoutS: 30 },
      {
        config: {
          recording: {
            volumes: [{ path: volume, quotaBytes: 0 }],
            reserveBytes: 256 * 1024 * 1024,
            segmentSeconds: o.segmentS,
            planIntervalS: 1,
            retryS: 2,
            defaultPlan: { mode: 'continuous', profile: 'main', preRollS: 5, postRollS: 10 },
          },
        },
        log: (level, msg) => void (level === 'error' && errors.length < 1000 && errors.push(msg)),
      },
    );
    const cams = await rig.register('rec', sim, o.streams);
    rig.gw.services.recordings.invalidate();
    await allRecording(rig, cams, 60_000 + o.streams * 500);
    await sleep(o.settleS * 1000);

    // CPU: the gateway process (recording only) and any ffmpeg it runs
    const ffmpeg = processesNamed('ffmpeg', process.pid).map((s) => s.pid);
    const [gw, ff] = await Promise.all([cpuOver([process.pid], o.cpuS), cpuOver(ffmpeg, o.cpuS)]);
    const ours = gw.cpuS + ff.cpuS;
    log(
      `# cpu ours: ${ours.toFixed(2)} s over ${o.cpuS} s recording ${o.streams} cameras (gateway process ${gw.cpuS.toFixed(2)} s` +
        ` + ${ffmpeg.length} ffmpeg ${ff.cpuS.toFixed(2)} s, ${ff.lost} lost)`,
    );

    // streams: every camera viewed live (the pull's live output running) while it records through holdS
    const urls = await Promise.all(cams.map((c) => liveUrl(rig!, c)));
    const started = await Viewers.start(urls, o.holdS + o.segmentS + 15);
    viewers = started.viewers;
    const fromMs = Date.now();
    await sleep(o.holdS * 1000);
    const toMs = Date.now();
    await sleep((o.segmentS + 3) * 1000); // the segment holding toMs closes
    const live = await viewers.result();
    viewers = null;
    const rec = rig.gw.services.recordings;
    await rec.settled();
    let clean = 0;
    let gaps = 0;
    const iso = (ms: number): string => new Date(ms).toISOString();
    for (const c of cams) {
      const segs = await rec.footage.segments(c.id, iso(fromMs - o.segmentS * 2000), iso(toMs + o.segmentS * 2000));
      const g = gapsIn(segs, fromMs, toMs, rig.gw.config.recording.spanGapMs);
      gaps += g;
      if (g === 0) clean++;
    }
    log(
      `# streams: ${clean} of ${o.streams} cameras recorded ${o.holdS} s without a gap; ${gaps} gaps in the index;` +
        ` ${started.open} live viewers got video, ${live.held} held, worst behind ${live.worstBehindS.toFixed(2)} s;` +
        ` ${errors.length} recording errors logged${errors.length ? ` (first: ${errors[0]})` : ''}`,
    );
    await rig.close();
    rig = null;

    // raw: ffmpeg copying each camera's main stream to segment files, as the gateway records them
    const rawDir = path.join(volume, 'raw');
    let argv: string[] = [];
    for (const [i, c] of cams.entries()) {
      const dir = path.join(rawDir, String(i));
      mkdirSync(dir, { recursive: true });
      argv = [
        ...['-nostdin', '-loglevel', 'error', '-rtsp_transport', 'tcp', '-i', sim.url(c.index, 'main')],
        ...['-map', '0:v', '-c', 'copy', '-f', 'segment', '-segment_time', String(o.segmentS)],
        ...['-segment_format', 'mp4', '-reset_timestamps', '1', path.join(dir, '%06d.mp4')],
      ];
      raws.push(spawn('ffmpeg', argv, { stdio: 'ignore' }));
    }
    await sleep(o.settleS * 1000);
    const alive = raws.filter((c) => c.exitCode === null).map((c) => c.pid!);
    const raw = await cpuOver(alive, o.cpuS);
    const files = readdirSync(rawDir, { recursive: true }).filter((f) => String(f).endsWith('.mp4')).length;
    log(
      `# cpu raw: ${raw.cpuS.toFixed(2)} s over ${o.cpuS} s (${alive.length} ffmpeg, ${raw.lost} lost, ${files} segment files)`,
    );
    log(`# raw ffmpeg argv: ffmpeg ${argv.join(' ').replace(/\/\/[^@/]*@/, '//…@')}`);
    if (alive.length < o.streams) throw new Error(`bench record: only ${alive.length} of ${o.streams} raw ffmpeg ran`);
    log(`bench record_streams ${clean} streams`);
    // ticks are 10 ms: a window too short for raw ffmpeg to use any has no ratio to print
    if (raw.cpuS <= 0) throw new Error(`bench record: raw ffmpeg used no measurable CPU in ${o.cpuS} s`);
    log(`bench record_cpu_ratio ${(ours / raw.cpuS).toFixed(3)} x`);
  } finally {
    for (const c of raws) c.kill('SIGKILL');
    viewers?.kill();
    await rig?.close();
    await sim.close();
    rmSync(volume, { recursive: true, force: true });
  }
}
