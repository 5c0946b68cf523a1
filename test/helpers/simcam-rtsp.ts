// Test/bench helper: runs scripts/simcam/rtsp_server.py on a free loopback port; down/up/close.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/simcam/rtsp_server.py');
/** The system python with gi (python3 on PATH may be a pyenv without it). */
const PYTHON = '/usr/bin/python3';

/** Options of the simulated camera server (see rtsp_server.py --help). */
export interface SimCamOptions {
  /** Cameras 0..count-1, each with /main and /sub. Default 1. */
  count?: number;
  /** 'h264' | 'h265' | 'mjpeg' or a comma list cycled over cameras. Default 'h264'. */
  codec?: string;
  fps?: number;
  width?: number;
  height?: number;
  /** Keyframe interval in frames (default: fps, i.e. 1 s). */
  gop?: number;
  /** Require RTSP auth with these credentials. */
  user?: string;
  password?: string;
  /** Milliseconds to wait for READY. Default 15000. */
  readyTimeoutMs?: number;
}

/** A running rtsp_server.py. Always `await close()` it (tests: in after/afterEach). */
export class SimCam {
  private lines: string[] = [];
  private waiters: Array<{ match: (l: string) => boolean; resolve: (l: string) => void }> = [];
  private exited: Promise<void>;
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly child: ChildProcess,
    /** Bound TCP port on 127.0.0.1. */
    readonly port: number,
    private readonly opts: SimCamOptions,
    buffered: string,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    let buf = buffered;
    child.stdout?.on('data', (c: string) => {
      buf += c;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        this.onLine(buf.slice(0, nl).trim());
        buf = buf.slice(nl + 1);
      }
    });
  }

  /** Starts the server on a free port (--port 0) and resolves once it printed READY. */
  static async start(opts: SimCamOptions = {}): Promise<SimCam> {
    const args = [SERVER, '--port', '0', '--count', String(opts.count ?? 1), '--codec', opts.codec ?? 'h264'];
    if (opts.fps) args.push('--fps', String(opts.fps));
    if (opts.width) args.push('--width', String(opts.width));
    if (opts.height) args.push('--height', String(opts.height));
    if (opts.gop) args.push('--gop', String(opts.gop));
    if (opts.user) args.push('--user', opts.user, '--password', opts.password ?? '');
    const child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout?.setEncoding('utf8');
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-2000);
    });
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`simcam: no READY within ${opts.readyTimeoutMs ?? 15000} ms; stderr: ${stderr}`)), opts.readyTimeoutMs ?? 15000);
      const fail = (e: Error): void => {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.kill('SIGKILL');
        reject(e);
      };
      const onData = (c: string): void => {
        out += c;
        const m = /READY (\d+)\n/.exec(out);
        if (m) {
          clearTimeout(timer);
          child.stdout?.off('data', onData);
          child.off('exit', onExit);
          out = out.slice(m.index + m[0].length);
          resolve(Number(m[1]));
        } else if (/ERROR/.test(out)) fail(new Error(`simcam: ${out.trim()}`));
      };
      const onExit = (code: number | null): void => fail(new Error(`simcam: exited ${code} before READY; stderr: ${stderr}`));
      child.stdout?.on('data', onData);
      child.once('exit', onExit);
    });
    return new SimCam(child, port, opts, out);
  }

  /** Process id of the server. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** rtsp://[user:password@]127.0.0.1:port/cam/<i>/<profile> */
  url(i: number, profile: 'main' | 'sub' = 'main', withCredentials = true): string {
    const cred = withCredentials && this.opts.user ? `${encodeURIComponent(this.opts.user)}:${encodeURIComponent(this.opts.password ?? '')}@` : '';
    return `rtsp://${cred}127.0.0.1:${this.port}/cam/${i}/${profile}`;
  }

  /** Camera i vanishes: its mounts are removed and its sessions dropped (clients stop receiving). */
  down(i: number): Promise<void> {
    return this.command(`down ${i}`, `OK down ${i}`);
  }

  /** Camera i comes back. */
  up(i: number): Promise<void> {
    return this.command(`up ${i}`, `OK up ${i}`);
  }

  /** Stops the server (quit, SIGKILL after 3 s) and waits for it. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.child.exitCode === null && this.child.signalCode === null) {
        this.child.stdin?.end('quit\n');
        const t = setTimeout(() => this.child.kill('SIGKILL'), 3000);
        await this.exited;
        clearTimeout(t);
      }
      this.child.stdin?.destroy();
    })();
    return this.closing;
  }

  private async command(cmd: string, expect: string): Promise<void> {
    const ack = new Promise<string>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`simcam: no "${expect}" within 5 s`)), 5000);
      this.waiters.push({ match: (l) => l === expect, resolve: (l) => { clearTimeout(t); resolve(l); } });
    });
    this.child.stdin?.write(`${cmd}\n`);
    await ack;
  }

  private onLine(line: string): void {
    this.lines.push(line);
    const i = this.waiters.findIndex((w) => w.match(line));
    if (i >= 0) this.waiters.splice(i, 1)[0]?.resolve(line);
  }
}
