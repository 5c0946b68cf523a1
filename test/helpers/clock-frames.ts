// Frames of a simulated camera as a client sees them: ffmpeg straight from RTSP, each decoded frame with its key flag, capture clock and arrival.
import { spawn } from 'node:child_process';
import { decodeClock } from '../../bench/clock-pattern';

/** One decoded frame of a client of the camera. */
export interface ClientFrame {
  /** The decoder's key flag (showinfo iskey). */
  key: boolean;
  /** Capture time drawn by the camera, or null when unreadable. */
  clock: number | null;
  /** Date.now() when the frame's pixels arrived from ffmpeg. */
  at: number;
  rgba: Uint8ClampedArray;
}

/** What one client got: when it connected, and its first `count` frames. */
export interface ClientRun {
  connectAt: number;
  frames: ClientFrame[];
}

/**
 * Connects to `url` with ffmpeg (TCP, small probe), decodes `count` frames scaled to width × height
 * and reads each one's clock. Rejects when ffmpeg fails or the frames do not come within timeoutMs.
 */
export function clientFrames(
  url: string,
  count: number,
  width = 640,
  height = 360,
  timeoutMs = 20_000,
): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const connectAt = Date.now();
    const args = ['-nostdin', '-hide_banner', '-loglevel', 'info', '-probesize', '32768', '-analyzeduration', '500000'];
    args.push(
      '-rtsp_transport',
      'tcp',
      '-i',
      url,
      '-vf',
      `showinfo,scale=${width}:${height}`,
      '-frames:v',
      String(count),
    );
    args.push('-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1');
    const ff = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const size = width * height * 4;
    const frames: ClientFrame[] = [];
    const keys: boolean[] = [];
    let pending = Buffer.alloc(0);
    let err = '';
    const timer = setTimeout(() => ff.kill('SIGKILL'), timeoutMs);
    ff.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c;
      for (const m of c.matchAll(/\bn:\s*(\d+).*?iskey:(\d)/g)) keys[Number(m[1])] = m[2] === '1';
    });
    ff.stdout.on('data', (c: Buffer) => {
      pending = Buffer.concat([pending, c]);
      while (pending.length >= size) {
        const rgba = new Uint8ClampedArray(pending.subarray(0, size));
        pending = pending.subarray(size);
        frames.push({ key: false, clock: decodeClock({ data: rgba, width, height }), at: Date.now(), rgba });
      }
    });
    ff.on('close', (code) => {
      clearTimeout(timer);
      frames.forEach((f, i) => (f.key = keys[i] === true));
      if (frames.length < count)
        reject(
          new Error(`${url}: ffmpeg exited ${code} after ${frames.length} of ${count} frames: ${err.slice(-800)}`),
        );
      else resolve({ connectAt, frames });
    });
  });
}
