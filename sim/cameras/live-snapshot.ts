// A simulated camera's snapshot: a real JPEG of what its RTSP stream shows now, grabbed with ffmpeg, cached briefly.
import { spawn, type ChildProcess } from 'node:child_process';

/** Options of LiveSnapshot. */
export interface LiveSnapshotOptions {
  /** The camera's own main-profile RTSP URL (credentials embedded when its server wants them). */
  rtspUrl: string;
  /** ffmpeg executable. Default "ffmpeg". */
  ffmpegPath?: string;
  /** A picture is reused for this many milliseconds (real cameras serve a recent frame). Default 1000. */
  cacheMs?: number;
  /** Give up after this many milliseconds. Default 15000 (a loaded test machine can take seconds to start the simulated encoder). */
  timeoutMs?: number;
}

/** Grabs one keyframe of `rtspUrl` as a JPEG; concurrent requests share one ffmpeg. */
export class LiveSnapshot {
  private last: { at: number; jpeg: Promise<Buffer> } | null = null;
  private readonly children = new Set<ChildProcess>();
  private closed = false;

  constructor(private readonly opts: LiveSnapshotOptions) {}

  /** The current picture; rejects with an Error saying why when the stream gives none. */
  jpeg(): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('simcam: camera closed'));
    const cacheMs = this.opts.cacheMs ?? 1000;
    if (this.last && Date.now() - this.last.at < cacheMs) return this.last.jpeg;
    const jpeg = this.grab();
    const entry = { at: Date.now(), jpeg };
    this.last = entry;
    jpeg.catch(() => {
      if (this.last === entry) this.last = null;
    });
    return jpeg;
  }

  /** A fresh instance with the same options (a closed camera coming back). */
  reopened(): LiveSnapshot {
    return new LiveSnapshot(this.opts);
  }

  /** Kills a grab in flight (the camera is switched off) and waits for it to exit. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.children].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.once('close', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
  }

  private grab(): Promise<Buffer> {
    const timeoutMs = this.opts.timeoutMs ?? 15000;
    const args = [
      '-nostdin',
      '-hide_banner',
      '-loglevel',
      'error',
      '-protocol_whitelist',
      'rtsp,rtp,udp,tcp',
      '-rtsp_transport',
      'tcp',
      '-timeout',
      String(timeoutMs * 1000),
      '-probesize',
      '32768',
      '-analyzeduration',
      '500000',
      '-skip_frame',
      'nokey',
      '-i',
      this.opts.rtspUrl,
      '-map',
      '0:v:0',
      '-frames:v',
      '1',
      '-c:v',
      'mjpeg',
      '-q:v',
      '3',
      '-pix_fmt',
      'yuvj420p',
      '-f',
      'image2pipe',
      'pipe:1',
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(this.opts.ffmpegPath ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      this.children.add(child);
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.setEncoding('utf8').on('data', (s: string) => (err = (err + s).slice(-400)));
      child.once('error', (e) => reject(new Error(`simcam: ffmpeg did not start: ${e.message}`)));
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        const jpeg = Buffer.concat(out);
        if (code === 0 && jpeg.length > 4 && jpeg[0] === 0xff && jpeg[1] === 0xd8) return resolve(jpeg);
        const url = this.opts.rtspUrl.replace(/\/\/[^@/]*@/, '//');
        reject(
          new Error(`simcam: no picture from ${url} (${err.trim().split('\n').pop() || (signal ?? `exit ${code}`)})`),
        );
      });
    });
  }
}
