// Real fMP4 for the HLS tests: ffmpeg encodes a test pattern to fragments on a pipe, read by the transcoder's FragmentReader.
import { spawn, type ChildProcess } from 'node:child_process';
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';

export interface PatternOptions {
  /** Seconds of video (omit for a live source that runs until stopped). */
  seconds?: number;
  /** Frames per second. Default 25. */
  fps?: number;
  /** Keyframe every this many frames. Default fps (a 1 s GOP). */
  gopFrames?: number;
  /** Keyframes exactly at these times, seconds (overrides gopFrames). */
  keyframesAt?: number[];
  /** Picture size. Default 320x240. */
  size?: string;
  /** Pace output at the frame rate (-re), as a camera does. Default false. */
  realtime?: boolean;
  /** Move each frame's timestamp by up to ± this fraction of a frame, at random (a camera's clock jitter). */
  jitter?: number;
  /**
   * 'testsrc2' (default): ffmpeg's busy test pattern. 'bars': still SMPTE HD colour bars with a white
   * square moving along the top left only (where frame comparisons look away), for decoded-frame checks.
   */
  picture?: 'testsrc2' | 'bars';
  /** Encoder: libx264 (default) or libx265 (tagged hvc1). */
  codec?: 'h264' | 'h265';
}

/** The lavfi graph drawing the picture. */
export function patternGraph(o: PatternOptions): string {
  const size = o.size ?? '320x240';
  const fps = o.fps ?? 25;
  if (o.picture !== 'bars') return `testsrc2=size=${size}:rate=${fps}`;
  return (
    `smptehdbars=size=${size}:rate=${fps}[b];color=c=white:s=36x36:r=${fps}[w];` +
    `[b][w]overlay=x='mod(n*6,250)':y=20:shortest=1`
  );
}

/** Frame `n` of the picture as drawn (no encoder), scaled to w × h, RGB: the reference for decoded-frame checks. */
export function patternFrame(o: PatternOptions, n: number, w: number, h: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const vf = `select=eq(n\\,${n}),scale=${w}:${h}`;
    const args = ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', patternGraph(o), '-vf', vf, '-frames:v', '1'];
    const ff = spawn('ffmpeg', [...args, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const out: Buffer[] = [];
    let err = '';
    ff.stdout.on('data', (c: Buffer) => out.push(c));
    ff.stderr.on('data', (c: Buffer) => (err += c.toString()));
    ff.on('error', reject);
    ff.on('close', () => {
      const buf = Buffer.concat(out);
      if (buf.length === w * h * 3) resolve(new Uint8Array(buf));
      else reject(new Error(`pattern frame ${n}: ${buf.length} bytes: ${err}`));
    });
  });
}

/** ffmpeg's arguments: the picture → H.264/H.265 (no B-frames, no scene-cut keyframes) → fMP4 with a fragment per frame on stdout. */
export function patternArgs(o: PatternOptions): string[] {
  const fps = o.fps ?? 25;
  const gop = o.keyframesAt ? 100_000 : (o.gopFrames ?? fps);
  return [
    '-nostdin',
    '-loglevel',
    'error',
    ...(o.realtime ? ['-re'] : []),
    '-f',
    'lavfi',
    '-i',
    patternGraph(o),
    ...(o.seconds !== undefined ? ['-t', String(o.seconds)] : []),
    ...(o.jitter
      ? [
          '-vf',
          `settb=1/90000,setpts='(N+${2 * o.jitter}*(random(0)-0.5))/(${fps}*TB)'`,
          '-fps_mode',
          'passthrough',
          '-enc_time_base',
          '1/90000',
        ]
      : []),
    ...(o.codec === 'h265'
      ? [
          '-c:v',
          'libx265',
          '-tag:v',
          'hvc1',
          '-x265-params',
          `keyint=${gop}:min-keyint=${gop}:scenecut=0:bframes=0:log-level=error`,
        ]
      : ['-c:v', 'libx264', '-tune', 'zerolatency', '-keyint_min', String(gop), '-sc_threshold', '0']),
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(gop),
    '-forced-idr',
    '1',
    ...(o.keyframesAt ? ['-force_key_frames', o.keyframesAt.join(',')] : []),
    '-f',
    'mp4',
    '-movflags',
    'empty_moov+default_base_moof+frag_every_frame',
    '-flush_packets',
    '1',
    'pipe:1',
  ];
}

export interface FragmentSink {
  init(init: InitSegment): void;
  fragment(f: Omit<Fragment, 'seq'>): void;
}

/** Runs ffmpeg with `args`, its stdout read by a FragmentReader into `sink`; resolves when ffmpeg exits cleanly. */
export function runFmp4(
  args: string[],
  sink: FragmentSink,
  generation = 0,
): { proc: ChildProcess; done: Promise<void>; stop(): Promise<void> } {
  const proc = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let readerError: Error | null = null;
  const reader = new FragmentReader({
    generation,
    sliceCodec: null,
    onInit: (i) => sink.init(i),
    onFragment: (f) => sink.fragment(f),
    onError: (e) => (readerError = e),
  });
  proc.stdout!.on('data', (c: Buffer) => reader.push(c));
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let stopped = false;
  const done = new Promise<void>((resolve, reject) => {
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (readerError) reject(readerError);
      else if (code === 0 || (stopped && signal)) resolve();
      else reject(new Error(`ffmpeg exited ${code ?? signal}: ${stderr.trim()}`));
    });
  });
  const stop = async (): Promise<void> => {
    stopped = true;
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    await done.catch(() => undefined);
  };
  return { proc, done, stop };
}

/** A recorded stream: its init and every fragment, as the reader gave them. */
export interface Recorded {
  init: InitSegment;
  fragments: Array<Omit<Fragment, 'seq'>>;
}

/** Encodes `o.seconds` of the test pattern as fast as ffmpeg can and returns what the reader made of it. */
export async function recordPattern(o: PatternOptions & { seconds: number }, generation = 0): Promise<Recorded> {
  let init: InitSegment | null = null;
  const fragments: Array<Omit<Fragment, 'seq'>> = [];
  await runFmp4(patternArgs(o), { init: (i) => (init = i), fragment: (f) => fragments.push(f) }, generation).done;
  if (!init) throw new Error('ffmpeg gave no init segment');
  return { init, fragments };
}
