// Runs sim/cameras/rtsp_server.py as a child process: READY handshake, RTSP session counts, down/up of cameras, orderly stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rtsp_server.py');
/** The system python with gi (python3 on PATH may be a pyenv without it). */
const PYTHON = '/usr/bin/python3';
const SETPRIV = '/usr/bin/setpriv';

/** Options of RtspProcess (mirrors rtsp_server.py's flags). */
export interface RtspProcessOptions {
  /** 0 = any free port (default). */
  port?: number;
  host?: string;
  /** Cameras 0..count-1, each with /main and /sub. Default 1. */
  count?: number;
  /** 'h264' | 'h265' | 'mjpeg' or a comma list cycled over cameras. Default 'h264'. */
  codec?: string;
  fps?: number;
  width?: number;
  height?: number;
  /** Seconds between the encoder's keyframes (a keyframe every gopS × fps frames). Default 1. */
  gopS?: number;
  /** The same in frames (a keyframe every gop frames), for callers that think in frames; gopS wins. */
  gop?: number;
  /** Draw the capture time (ms since the epoch) into every picture (bench/clock-pattern.ts reads it). */
  clock?: boolean;
  /**
   * 'ball' (default: a moving ball), 'bars' (SMPTE colour bars, still but for the clock at the top left) or 'bars100'
   * (100% colour bars, likewise still: a picture other than 'bars', to tell two cameras apart).
   */
  pattern?: 'ball' | 'bars' | 'bars100';
  /** Send parameter sets before every keyframe slice, as some cameras wrongly do (frames have several slices). */
  repeatParameterSets?: boolean;
  /** Require RTSP auth with these credentials. */
  user?: string;
  password?: string;
  /** Give up waiting for READY after this many ms. Default 20000. */
  readyTimeoutMs?: number;
}

/** The simulated RTSP server. `close()` is idempotent and waits for the process to exit. */
export class RtspProcess extends EventEmitter<{
  sessions: [path: string, count: number];
  /** A client asked for a mount's description (the start of a session), at ms since the epoch. */
  describe: [path: string, at: number];
}> {
  private child?: ChildProcess;
  private exited: Promise<void> = Promise.resolve();
  private closing: Promise<void> | null = null;
  private waiters: Array<{ expect: string; resolve: () => void }> = [];
  private stderr = '';
  /** Open RTSP sessions: id → mount path. */
  private readonly open = new Map<string, string>();
  private peaks = new Map<string, number>();
  port = 0;

  constructor(readonly opts: RtspProcessOptions = {}) {
    super();
  }

  /** Starts a server with these options and resolves once it listens. */
  static async start(opts: RtspProcessOptions = {}): Promise<RtspProcess> {
    const p = new RtspProcess(opts);
    await p.start();
    return p;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** rtsp://[user:password@]host:port/cam/<i>/<profile> */
  url(i: number, profile: 'main' | 'sub' = 'main', withCredentials = true): string {
    const o = this.opts;
    const cred =
      withCredentials && o.user ? `${encodeURIComponent(o.user)}:${encodeURIComponent(o.password ?? '')}@` : '';
    return `rtsp://${cred}${o.host ?? '127.0.0.1'}:${this.port}/cam/${i}/${profile}`;
  }

  async start(): Promise<void> {
    const o = this.opts;
    const args = [
      SCRIPT,
      '--port',
      String(o.port ?? 0),
      '--host',
      o.host ?? '127.0.0.1',
      '--count',
      String(o.count ?? 1),
      '--codec',
      o.codec ?? 'h264',
    ];
    for (const [flag, v] of [
      ['--fps', o.fps],
      ['--width', o.width],
      ['--height', o.height],
      ['--gop', o.gopS ?? (o.gop ? o.gop / (o.fps ?? 15) : undefined)],
    ] as const)
      if (v) args.push(flag, String(v));
    if (o.pattern) args.push('--pattern', o.pattern);
    if (o.clock) args.push('--clock');
    if (o.repeatParameterSets) args.push('--repeat-parameter-sets');
    if (o.user) args.push('--user', o.user, '--password', o.password ?? '');
    // in a process group of its own, so a terminal's Ctrl-C is for the process that started it to
    // handle, and with a parent-death signal, so the server never outlives that process
    const [file, fileArgs] = existsSync(SETPRIV)
      ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', PYTHON, ...args]]
      : [PYTHON, args];
    const child = spawn(file, fileArgs, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    // writes to a server that died on its own fail with EPIPE: its exit is what matters
    child.stdin?.on('error', () => undefined);
    this.child = child;
    this.exited = new Promise((r) => child.once('close', () => r()));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (this.stderr = (this.stderr + c).slice(-2000)));
    child.stdout?.setEncoding('utf8');
    const timeout = o.readyTimeoutMs ?? 20000;
    this.port = await new Promise<number>((resolve, reject) => {
      let buf = '';
      let ready = false;
      const fail = (e: Error): void => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(e);
      };
      const timer = setTimeout(
        () => fail(new Error(`simcam: rtsp_server.py not READY within ${timeout} ms; stderr: ${this.stderr}`)),
        timeout,
      );
      child.once('exit', (code) => {
        if (!ready)
          fail(new Error(`simcam: rtsp_server.py exited with ${code} before READY: ${buf.trim() || this.stderr}`));
      });
      child.stdout?.on('data', (c: string) => {
        buf += c;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          const m = /^READY (\d+)/.exec(line);
          if (m) {
            ready = true;
            clearTimeout(timer);
            resolve(Number(m[1]));
          } else if (/^ERROR/.test(line)) fail(new Error(`simcam: ${line}`));
          else if (line.startsWith('SESSION ')) this.onSession(line);
          else if (line.startsWith('DESCRIBE ')) {
            const [, at, mount] = line.split(' ');
            if (at && mount) this.emit('describe', mount, Number(at));
          } else {
            const i = this.waiters.findIndex((w) => w.expect === line);
            if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve();
          }
        }
      });
    });
  }

  private onSession(line: string): void {
    const m = /^SESSION (open|close) (\S+) (\S+)$/.exec(line);
    if (!m) return;
    const [, what, id, mount] = m as unknown as [string, string, string, string];
    if (what === 'open') this.open.set(id, mount);
    else if (!this.open.delete(id)) return;
    const n = this.sessions(mount);
    this.peaks.set(mount, Math.max(this.peaks.get(mount) ?? 0, n));
    this.emit('sessions', mount, n);
  }

  /** The mount path of camera i's profile, as sessions are counted: /cam/<i>/<profile>. */
  static mount(i: number, profile: 'main' | 'sub' = 'main'): string {
    return `/cam/${i}/${profile}`;
  }

  /** RTSP sessions open now: on one mount (see mount()), or on every mount when none is named. */
  sessions(mount?: string): number {
    let n = 0;
    for (const m of this.open.values()) if (mount === undefined || m === mount) n++;
    return n;
  }

  /** The most sessions open at once on a mount since the start or the last resetPeak(). */
  peakSessions(mount: string): number {
    return this.peaks.get(mount) ?? 0;
  }

  /** Starts counting peaks again from the sessions open now. */
  resetPeak(): void {
    this.peaks = new Map();
    for (const m of this.open.values()) this.peaks.set(m, this.sessions(m));
  }

  private command(cmd: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`simcam: no "OK ${cmd}" within 5 s`)), 5000);
      this.waiters.push({ expect: `OK ${cmd}`, resolve: () => (clearTimeout(t), resolve()) });
      this.child?.stdin?.write(`${cmd}\n`);
    });
  }

  /** Camera i vanishes: its mounts are removed and its sessions dropped. */
  down(i: number): Promise<void> {
    return this.command(`down ${i}`);
  }

  /** Camera i comes back. */
  up(i: number): Promise<void> {
    return this.command(`up ${i}`);
  }

  /** Stops the server (quit, SIGKILL after 3 s) and waits for it. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const c = this.child;
      if (c && c.exitCode === null && c.signalCode === null) {
        c.stdin?.end('quit\n');
        const t = setTimeout(() => c.kill('SIGKILL'), 3000);
        await this.exited;
        clearTimeout(t);
      }
      c?.stdin?.destroy();
    })();
    return this.closing;
  }
}
