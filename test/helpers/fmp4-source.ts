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
}

/** ffmpeg's arguments: testsrc2 → H.264 (no B-frames, no scene-cut keyframes) → fMP4 with a fragment per frame on stdout. */
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
    `testsrc2=size=${o.size ?? '320x240'}:rate=${fps}`,
    ...(o.seconds !== undefined ? ['-t', String(o.seconds)] : []),
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-tune',
    'zerolatency',
    '-pix_fmt',
    'yuv420p',
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
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
