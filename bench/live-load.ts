// The live bench's load phases: gateway + ffmpeg CPU for N WebSocket-viewed streams against raw ffmpeg, and many WebSocket viewers.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RtspProcess } from '../sim/cameras/rtsp-process';
import { buildFfmpegArgs, buildSpawnCommand } from '../transcoder/ffmpeg-args';
import { DEFAULT_TRANSCODER_OPTIONS, type PullEngine } from '../transcoder/options';
import { SOURCE_FD } from '../transcoder/source-input';
import { startRig, type Rig, type RigCamera } from './live-rig';
import { cpuOver, processesNamed, sleep } from './transcoder-proc';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Plain WebSocket viewers in a child process (so they do not share the gateway's event loop or CPU). */
export class Viewers {
  private constructor(
    private readonly child: ChildProcess,
    private readonly lines: AsyncIterator<string>,
  ) {}

  static async start(urls: string[], holdS: number, maxBehindS = 2): Promise<{ viewers: Viewers; open: number }> {
    // the URLs go on stdin: 500 signed URLs are more than one argument may hold (E2BIG)
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(HERE, 'live-viewers.ts')], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(`${JSON.stringify({ urls, holdS, maxBehindS })}\n`);
    const lines = (async function* () {
      let buf = '';
      for await (const c of child.stdout!) {
        buf += String(c);
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          yield buf.slice(0, nl);
          buf = buf.slice(nl + 1);
        }
      }
    })();
    const v = new Viewers(child, lines);
    const first = await v.next();
    const m = /^OPEN (\d+)$/.exec(first);
    if (!m) throw new Error(`bench live: the viewers said '${first}'`);
    return { viewers: v, open: Number(m[1]) };
  }

  private async next(): Promise<string> {
    const r = await this.lines.next();
    if (r.done) throw new Error('bench live: the viewers process ended without a result');
    return r.value;
  }

  /** The result line, once the hold is over. */
  async result(): Promise<{
    viewers: number;
    held: number;
    reasons: Record<string, number>;
    worstBehindS: number;
    bytes: number;
  }> {
    const line = await this.next();
    await new Promise<void>((r) => (this.child.exitCode !== null ? r() : this.child.once('close', () => r())));
    return JSON.parse(line);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** A live WebSocket URL for one camera (a stream call of its own: its own session and token). */
export async function liveUrl(rig: Rig, cam: RigCamera): Promise<string> {
  const r = await rig.api('POST', `/api/v1/cameras/${encodeURIComponent(cam.id)}/streams`, { profile: 'main' });
  if (r.status !== 200 && r.status !== 201) throw new Error(`bench live: stream call failed: ${r.status} ${r.text}`);
  const live = r.body?.live as string | undefined;
  if (!live)
    throw new Error('bench live: the stream call answers no `live` WebSocket path (the gateway has no live viewers)');
  return `${rig.base.replace(/^http/, 'ws')}${live}`;
}

/** live_cpu_ratio: (gateway + its ffmpeg) with one WebSocket viewer a stream, over raw ffmpeg with the same arguments. */
export async function measureCpu(
  log: (l: string) => void,
  o: { streams: number; windowS: number; engine?: PullEngine; settleS?: number },
): Promise<void> {
  const sim = await RtspProcess.start({ count: o.streams, codec: 'h264', gopS: 1 });
  const engine = o.engine ?? DEFAULT_TRANSCODER_OPTIONS.pullEngine;
  const rig = await startRig([sim], { idleTimeoutS: 30, pullEngine: engine });
  let viewers: Viewers | null = null;
  try {
    const cams = await rig.register('cpu', sim, o.streams);
    const urls = await Promise.all(cams.map((c) => liveUrl(rig, c)));
    const started = await Viewers.start(urls, o.windowS + 15);
    viewers = started.viewers;
    if (started.open < o.streams) throw new Error(`bench live: only ${started.open} of ${o.streams} viewers got video`);
    await sleep((o.settleS ?? 5) * 1000); // past the starts
    const ffmpeg = processesNamed('ffmpeg', process.pid).map((s) => s.pid);
    const [gwCpu, ffCpu] = await Promise.all([cpuOver([process.pid], o.windowS), cpuOver(ffmpeg, o.windowS)]);
    const ours = { cpuS: gwCpu.cpuS + ffCpu.cpuS, lost: ffCpu.lost };
    const result = await viewers.result();
    log(
      `# cpu ours (${engine} pull): ${ours.cpuS.toFixed(2)} s over ${o.windowS} s (gateway process ${gwCpu.cpuS.toFixed(2)} s` +
        ` + ${ffmpeg.length} ffmpeg ${ffCpu.cpuS.toFixed(2)} s,` +
        ` ${ours.lost} lost); viewers held ${result.held} of ${result.viewers}, ${(result.bytes / 1e6).toFixed(1)} MB;` +
        ` worst behind ${result.worstBehindS.toFixed(2)} s; failures ${JSON.stringify(result.reasons)}`,
    );
    viewers = null;
    await rig.gw.services.supervisor.close();
    // raw: the gateway's own ffmpeg pull command (argv and source script on fd 3) for each camera, fMP4 to /dev/null
    const devnull = openSync('/dev/null', 'w');
    const raws: ChildProcess[] = [];
    let argv: string[] = [];
    try {
      for (const cam of cams) {
        const spec = {
          cameraId: 'raw',
          profile: 'main' as const,
          url: sim.url(cam.index),
          codec: 'h264',
          audioCodec: null,
        };
        const c = buildFfmpegArgs(spec, DEFAULT_TRANSCODER_OPTIONS);
        const cmd = buildSpawnCommand('ffmpeg', DEFAULT_TRANSCODER_OPTIONS.setprivPath, c.args);
        argv = [cmd.file, ...cmd.args];
        const child = spawn(cmd.file, cmd.args, {
          stdio: ['ignore', devnull, devnull, 'pipe', devnull, devnull, devnull],
        });
        const src = child.stdio[SOURCE_FD] as NodeJS.WritableStream | null;
        src?.on('error', () => undefined);
        src?.end(c.sourceScript);
        raws.push(child);
      }
      await sleep((o.settleS ?? 5) * 1000);
      const alive = raws.filter((c) => c.exitCode === null).map((c) => c.pid!);
      // a short (smoke) window may see no clock tick of the raw arm: measure on, window after window (at most 4),
      // until it has used 50 ms; the ratio is of CPU seconds per second of each arm's window
      const raw = { cpuS: 0, lost: 0, windowS: 0 };
      while (raw.windowS < 4 * o.windowS && (raw.windowS === 0 || raw.cpuS < 0.05)) {
        const w = await cpuOver(alive, o.windowS);
        raw.cpuS += w.cpuS;
        raw.lost += w.lost;
        raw.windowS += o.windowS;
      }
      log(`# cpu raw: ${raw.cpuS.toFixed(2)} s over ${raw.windowS} s (${alive.length} ffmpeg, ${raw.lost} lost)`);
      log(`# raw ffmpeg argv: ${argv.join(' ')}`);
      if (raw.cpuS === 0) throw new Error(`bench live: the raw ffmpeg arm used no measurable CPU in ${raw.windowS} s`);
      log(`bench live_cpu_ratio ${(ours.cpuS / o.windowS / (raw.cpuS / raw.windowS)).toFixed(3)} x`);
    } finally {
      for (const c of raws) c.kill('SIGKILL');
      closeSync(devnull);
    }
  } finally {
    viewers?.kill();
    await rig.close();
  }
}

/** live_ws_viewers: plain WebSocket viewers of `cameras` cameras held holdS, each within 2 s of live. */
export async function measureViewers(
  log: (l: string) => void,
  o: { viewers: number; cameras: number; holdS: number; engine?: PullEngine },
): Promise<void> {
  const sim = await RtspProcess.start({ count: o.cameras, codec: 'h264', gopS: 1 });
  const rig = await startRig([sim], { idleTimeoutS: 30, ...(o.engine ? { pullEngine: o.engine } : {}) });
  let viewers: Viewers | null = null;
  try {
    const cams = await rig.register('ws', sim, o.cameras);
    const urls: string[] = [];
    for (let i = 0; i < o.viewers; i++) urls.push(await liveUrl(rig, cams[i % cams.length]!));
    const started = await Viewers.start(urls, o.holdS);
    viewers = started.viewers;
    const r = await viewers.result();
    viewers = null;
    await sleep(2000); // the gateway closes 500 sessions (audited) before it stops
    log(
      `# ws viewers: ${started.open} got video, ${r.held} of ${r.viewers} held ${o.holdS} s within 2 s of live;` +
        ` worst behind ${r.worstBehindS.toFixed(2)} s; failures ${JSON.stringify(r.reasons)}`,
    );
    log(`bench live_ws_viewers ${r.held} viewers`);
  } finally {
    viewers?.kill();
    await rig.close();
  }
}
