// Runs scripts/simcam/rtsp_server.py as a child process: READY handshake, down/up of cameras, orderly stop.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rtsp_server.py');

/** Options of RtspProcess (mirrors rtsp_server.py's flags). */
export interface RtspProcessOptions {
  /** 0 = any free port. */
  port?: number;
  host?: string;
  count: number;
  codec: string;
  user?: string;
  password?: string;
  /** Give up waiting for READY after this many ms. Default 20000. */
  readyTimeoutMs?: number;
}

/** The simulated RTSP server. `close()` is idempotent and waits for the process to exit. */
export class RtspProcess {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private pending: Array<(line: string) => void> = [];
  port = 0;

  constructor(readonly opts: RtspProcessOptions) {}

  url(i: number, profile: 'main' | 'sub'): string {
    return `rtsp://${this.opts.host ?? '127.0.0.1'}:${this.port}/cam/${i}/${profile}`;
  }

  async start(): Promise<void> {
    const args = [SCRIPT, '--port', String(this.opts.port ?? 0), '--host', this.opts.host ?? '127.0.0.1', '--count', String(this.opts.count), '--codec', this.opts.codec];
    if (this.opts.user) args.push('--user', this.opts.user, '--password', this.opts.password ?? '');
    const child = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    const lines = createInterface({ input: child.stdout! });
    const ready = new Promise<number>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`simcam: rtsp_server.py not READY within ${this.opts.readyTimeoutMs ?? 20000} ms`)), this.opts.readyTimeoutMs ?? 20000);
      child.once('exit', (code) => {
        clearTimeout(t);
        reject(new Error(`simcam: rtsp_server.py exited with ${code} before READY`));
      });
      lines.on('line', (line) => {
        const m = /^READY (\d+)/.exec(line);
        if (m) {
          clearTimeout(t);
          resolve(Number(m[1]));
        } else if (/^OK /.test(line)) this.pending.shift()?.(line);
      });
    });
    this.port = await ready;
  }

  private command(cmd: string): Promise<void> {
    return new Promise((resolve) => {
      this.pending.push(() => resolve());
      this.child?.stdin?.write(`${cmd}\n`);
    });
  }

  /** Removes camera i's mounts (its RTSP goes away). */
  down(i: number): Promise<void> {
    return this.command(`down ${i}`);
  }

  up(i: number): Promise<void> {
    return this.command(`up ${i}`);
  }

  async close(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return this.exited;
    c.stdin?.end('quit\n');
    const t = setTimeout(() => c.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(t);
  }
}
