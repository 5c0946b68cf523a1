// One ffmpeg process: spawned from an argument array (no shell), its stdout handed on as bytes, stopped SIGINT→SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import { SOURCE_FD } from './source-input';
import { maskUrl } from './stream-spec';

/** How a worker ended. */
export interface WorkerExit {
  /** Exit code, or null when killed by a signal or never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Human-readable cause: last ffmpeg error line, or the spawn error; passwords masked. */
  reason: string;
}

/** Events of a worker. */
export interface WorkerEvents {
  /** A chunk of ffmpeg's stdout (the fMP4 stream of a pull; ignored by frame grabs). */
  data: [Buffer];
  /** One ffmpeg stderr line of level error or worse, level prefix removed, password masked. */
  stderr: [string];
  /** One ffmpeg report line of level warning, info or verbose (the input report among them), password masked. */
  info: [string];
}

// ffmpeg -loglevel level+…: "[ctx @ 0x…] [level] text" or "[level] text"
const LEVEL_LINE = /^((?:\[[^\]]* @ 0x[0-9a-f]+\] )?)\[(panic|fatal|error|warning|info|verbose|debug|trace)\] ?(.*)$/;

const STDERR_KEEP = 5;
const LINE_MAX = 400;

/**
 * A running ffmpeg. `exited` resolves (never rejects) once the process has exited AND its pipes are
 * closed, so no descriptor outlives it. Spawn failures (e.g. ENOENT) resolve `exited` too.
 */
export class FfmpegWorker extends EventEmitter<WorkerEvents> {
  /** Process id (of ffmpeg itself: setpriv execs it), undefined when spawning failed. */
  readonly pid: number | undefined;
  /** Resolves with how the process ended. */
  readonly exited: Promise<WorkerExit>;
  /** ffmpeg's stdin when spawned with `stdin: 'pipe'` (a derived output's source, a grab's input), else null. */
  readonly stdin: Writable | null;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private done = false;
  private stopping: Promise<WorkerExit> | null = null;

  /**
   * Spawns `file args` with stdin ignored (or a pipe: `opts.stdin`), stdout = data events, stderr =
   * report lines, own process group. `sourceScript` (the source URL with credentials, see
   * source-input.ts) is written into a pipe on descriptor SOURCE_FD, which is then closed: ffmpeg
   * reads it from there, not from its arguments.
   */
  constructor(file: string, args: string[], sourceScript?: string, opts: { stdin?: 'ignore' | 'pipe' } = {}) {
    super();
    const stdio: Array<'ignore' | 'pipe'> = [opts.stdin ?? 'ignore', 'pipe', 'pipe'];
    if (sourceScript !== undefined) while (stdio.length <= SOURCE_FD) stdio.push('pipe');
    this.child = spawn(file, args, { stdio, detached: true, shell: false, windowsHide: true });
    this.pid = this.child.pid;
    const source = sourceScript !== undefined ? this.child.stdio[SOURCE_FD] : null;
    if (source && 'end' in source) {
      // EPIPE when ffmpeg dies before reading: its exit reason says why, nothing to add here
      source.on('error', () => undefined);
      source.end(sourceScript);
    }
    const stdin = opts.stdin === 'pipe' ? this.child.stdin : null;
    // EPIPE when ffmpeg exits while being fed: its exit says why
    stdin?.on('error', () => undefined);
    this.stdin = stdin;
    this.child.stdout?.on('data', (c: Buffer) => this.emit('data', c));
    let errBuf = '';
    this.child.stderr?.setEncoding('utf8').on('data', (c: string) => {
      errBuf += c;
      let nl: number;
      while ((nl = errBuf.indexOf('\n')) >= 0) {
        this.line(errBuf.slice(0, nl));
        errBuf = errBuf.slice(nl + 1);
      }
      if (errBuf.length > LINE_MAX) errBuf = errBuf.slice(-LINE_MAX);
    });
    let spawnError: Error | null = null;
    this.exited = new Promise<WorkerExit>((resolve) => {
      this.child.once('error', (err) => {
        spawnError = err;
        // A failed spawn emits no 'close' when no pipe was ever opened.
        if (this.child.pid === undefined) setImmediate(() => this.child.emit('close', null, null));
      });
      this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        if (errBuf.trim()) this.line(errBuf);
        this.done = true;
        const last = this.tail[this.tail.length - 1];
        const how = signal ? `killed by ${signal}` : `exit code ${code}`;
        const reason = spawnError ? `spawn failed: ${spawnError.message}` : last ? `${how}: ${last}` : how;
        resolve({ code, signal, reason });
      });
    });
  }

  /** True once the process has exited and its pipes are closed. */
  get hasExited(): boolean {
    return this.done;
  }

  /** The last few stderr lines (most recent last). */
  get stderrTail(): readonly string[] {
    return this.tail;
  }

  /**
   * Stops the process: SIGINT (ffmpeg finishes the current fragment), SIGKILL after graceMs.
   * Idempotent; resolves when it has exited.
   */
  stop(graceMs: number): Promise<WorkerExit> {
    if (this.stopping) return this.stopping;
    this.stopping = (async () => {
      if (this.done) return this.exited;
      this.signal('SIGINT');
      const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    })();
    return this.stopping;
  }

  /** Sends SIGKILL now (stalled worker); resolves when it has exited. */
  kill(): Promise<WorkerExit> {
    this.signal('SIGKILL');
    return this.exited;
  }

  private signal(sig: NodeJS.Signals): void {
    if (this.done || this.pid === undefined) return;
    try {
      process.kill(this.pid, sig);
    } catch {
      // already gone: 'close' follows
    }
  }

  private line(raw: string): void {
    const m = LEVEL_LINE.exec(raw.trimEnd());
    const text = m ? `${m[1]}${m[3]}` : raw;
    const line = maskUrl(text.trim())
      .replace(/(rtsps?:\/\/[^/@:\s]*):[^/@\s]*@/gi, '$1:***@')
      .slice(0, LINE_MAX);
    if (!line) return;
    if (m && !['panic', 'fatal', 'error'].includes(m[2]!)) {
      this.emit('info', line);
      return;
    }
    this.tail.push(line);
    if (this.tail.length > STDERR_KEEP) this.tail.shift();
    this.emit('stderr', line);
  }
}
