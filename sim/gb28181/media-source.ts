// A live encoded source for the simulated GB/T 28181 device: ffmpeg's testsrc2 encoded in real time, cut into pictures at each AUD.
import { spawn, type ChildProcess } from 'node:child_process';
import { isAud, isKeyframe, splitAnnexB, type VideoAccessUnit, type VideoCodec } from '../../gateway/gb28181/index';
import type { PictureFeed } from './picture-feed';

export interface MediaSourceOptions {
  codec?: VideoCodec;
  width?: number;
  height?: number;
  fps?: number;
  /** Keyframe interval in frames. Default fps (1 s GOP). */
  gop?: number;
  /**
   * Recorded footage instead of live: the pattern from `startS` seconds into it (testsrc2 at that time, so a
   * given instant of a recording always shows the same picture), PTS counted from the footage's start.
   */
  startS?: number;
  /** Stop after this many seconds of footage (then `onEnd`). */
  durationS?: number;
  /** Footage seconds sent per second (1 real time, 4 a Download at 4×); 0 as fast as it encodes. Default 1. */
  rate?: number;
}

/**
 * Spawns ffmpeg (lavfi testsrc2, real time, no B-frames, an AUD before each picture, parameter sets
 * repeated before each keyframe) and calls `onPicture` with each picture and its 90 kHz PTS.
 */
export class MediaSource {
  private proc: ChildProcess | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private frame = 0;
  readonly codec: VideoCodec;

  constructor(
    private readonly opts: MediaSourceOptions,
    private readonly onPicture: (au: VideoAccessUnit) => void,
    private readonly onEnd?: () => void,
  ) {
    this.codec = opts.codec ?? 'h264';
  }

  start(): void {
    const fps = this.opts.fps ?? 25;
    const gop = String(this.opts.gop ?? fps);
    const size = `${this.opts.width ?? 320}x${this.opts.height ?? 240}`;
    const rate = this.opts.rate ?? 1;
    const start = this.opts.startS ?? 0;
    this.frame = Math.round(start * fps);
    const args = [
      '-nostdin',
      '-v',
      'error',
      ...(rate > 0 ? ['-readrate', String(rate)] : []),
      ...(start > 0 ? ['-ss', String(start)] : []),
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${size}:rate=${fps}`,
      ...(this.opts.durationS !== undefined ? ['-t', String(this.opts.durationS)] : []),
      '-pix_fmt',
      'yuv420p',
    ];
    args.push('-g', gop, '-keyint_min', gop, '-bf', '0');
    if (this.codec === 'h264') {
      args.push(
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-tune',
        'zerolatency',
        '-x264-params',
        'aud=1:repeat-headers=1:scenecut=0',
      );
      args.push('-f', 'h264', 'pipe:1');
    } else {
      args.push(
        '-c:v',
        'libx265',
        '-preset',
        'ultrafast',
        '-tune',
        'zerolatency',
        '-x265-params',
        'aud=1:repeat-headers=1:scenecut=0:log-level=error',
      );
      args.push('-f', 'hevc', 'pipe:1');
    }
    const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'ignore'] });
    this.proc = proc;
    proc.stdout?.on('data', (chunk: Buffer) => this.push(chunk));
    proc.stdout?.on('end', () => {
      if (this.proc !== proc) return;
      this.flushLast();
      this.onEnd?.();
    });
  }

  /** The last picture (no AUD follows it) once the encoder has finished. */
  private flushLast(): void {
    const aud = this.codec === 'h264' ? Buffer.from([0, 0, 1, 0x09]) : Buffer.from([0, 0, 1, 0x46, 0x01]);
    if (this.buf.indexOf(aud) < 0) return;
    this.buf = Buffer.concat([this.buf, Buffer.from([0, 0, 0]), aud]);
    this.push(Buffer.alloc(0));
    this.buf = Buffer.alloc(0);
  }

  private push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (!this.buf.length) return;
    const aud = this.codec === 'h264' ? Buffer.from([0, 0, 1, 0x09]) : Buffer.from([0, 0, 1, 0x46, 0x01]);
    for (;;) {
      const first = this.buf.indexOf(aud);
      if (first < 0) return;
      const next = this.buf.indexOf(aud, first + aud.length);
      if (next < 0) return;
      const nals = splitAnnexB(this.buf.subarray(first, next)).filter((n) => !isAud(this.codec, n));
      this.buf = Buffer.from(this.buf.subarray(next - (this.buf[next - 1] === 0 ? 1 : 0)));
      const fps = this.opts.fps ?? 25;
      const pts = Math.round((this.frame++ * 90_000) / fps);
      if (nals.length)
        this.onPicture({
          codec: this.codec,
          nals: nals.map((n) => Buffer.from(n)),
          pts,
          keyframe: isKeyframe(this.codec, nals),
        });
    }
  }

  stop(): void {
    this.proc?.kill('SIGKILL');
    this.proc = null;
  }
}

/** Footage encoded for one session: each subscription runs its own encoder from the footage's `startS`. */
export function footageFeed(source: MediaSourceOptions, onEnd?: () => void): PictureFeed {
  const running = new Set<MediaSource>();
  return {
    subscribe(sink) {
      const m = new MediaSource(source, sink, onEnd);
      running.add(m);
      m.start();
      return () => {
        running.delete(m);
        m.stop();
      };
    },
    close() {
      for (const m of running) m.stop();
      running.clear();
    },
  };
}
