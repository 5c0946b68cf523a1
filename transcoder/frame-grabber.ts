// Frame grabs: one supervised ffmpeg per (camera, profile) that writes a single JPEG, bounded, timed out, reaped.
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { TranscoderCapacityError, TranscoderGrabError, TranscoderStateError } from './errors';
import { buildSpawnCommand } from './ffmpeg-args';
import { buildFrameGrabArgs, buildOutputGrabArgs, type GrabSpec } from './frame-grab-args';
import type { TranscoderOptions } from './options';
import { streamKey, validateSpec, type StreamKey } from './stream-spec';
import { FfmpegWorker } from './worker';

/** The options a FrameGrabber reads (the supervisor's, resolved). */
type GrabKeys = 'ffmpegPath' | 'setprivPath' | 'rtspTimeoutS' | 'killGraceMs' | 'grabTimeoutS' | 'maxGrabs';
export type FrameGrabberOptions = Required<Pick<TranscoderOptions, GrabKeys>> & {
  /** Directory for the JPEGs being written; emptied at start(). */
  dir: string;
};

/** Largest JPEG accepted from ffmpeg, bytes (a 4K frame at the best quality is ~3 MB). */
export const MAX_GRAB_BYTES = 16 * 1024 * 1024;

/** A grab's ffmpeg: its arguments, the source script (camera grabs) or the bytes fed on stdin (output grabs). */
type GrabCommand = { args: string[]; sourceScript?: string; stdin?: Buffer };

const isJpeg = (b: Buffer): boolean => b.length > 4 && b[0] === 0xff && b[1] === 0xd8;

/**
 * Runs frame grabs with the workers' supervision: spawned through buildSpawnCommand (setpriv
 * --pdeathsig SIGKILL, own process group, argument array), URLs validated before anything is spawned,
 * killed after grabTimeoutS, at most maxGrabs at once, and stopped by close(). Concurrent grabs of
 * one (camera, profile) share one ffmpeg. Used through Supervisor.grab().
 */
export class FrameGrabber {
  /** Grabs in progress by stream key; a second caller of one key joins the first. */
  private readonly pending = new Map<StreamKey, Promise<Buffer>>();
  private readonly workers = new Map<StreamKey, FfmpegWorker>();
  private seq = 0;
  private closed = false;

  constructor(private readonly opts: FrameGrabberOptions) {}

  /** Creates the grab directory, removing JPEGs an earlier process left behind. */
  async start(): Promise<void> {
    await rm(this.opts.dir, { recursive: true, force: true });
    await mkdir(this.opts.dir, { recursive: true });
  }

  /** Pids of the grabs' ffmpeg processes now running (tests, status). */
  pids(): number[] {
    return [...this.workers.values()].flatMap((w) => (w.pid === undefined || w.hasExited ? [] : [w.pid]));
  }

  /**
   * One JPEG of what the stream of `spec` shows now, at its full resolution. Rejects with
   * TranscoderInputError (bad spec or URL: nothing spawned), TranscoderCapacityError (maxGrabs
   * running), TranscoderGrabError (ffmpeg failed or timed out; the message says why) or
   * TranscoderStateError (closed).
   */
  grab(spec: GrabSpec): Promise<Buffer> {
    let key: StreamKey;
    let args: GrabCommand;
    const file = path.join(this.opts.dir, `${++this.seq}.jpg`);
    try {
      const s = validateSpec({ ...spec, audioCodec: null });
      key = streamKey(s.cameraId, s.profile);
      args = buildFrameGrabArgs(s, this.opts, file);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.track(key, () => this.run(key, args, file));
  }

  /**
   * One JPEG of the first keyframe in `fmp4` (a running pull's init segment and keyframe fragment)
   * fed to a grab ffmpeg's stdin: the picture its viewers are being sent, at the stream's
   * resolution, without a connection to the camera. Same limits and errors as grab().
   */
  grabOutput(key: StreamKey, fmp4: Buffer): Promise<Buffer> {
    const file = path.join(this.opts.dir, `${++this.seq}.jpg`);
    let args: string[];
    try {
      args = buildOutputGrabArgs(file);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.track(key, () => this.run(key, { args, stdin: fmp4 }, file));
  }

  /** Stops every running grab (their callers get TranscoderStateError) and waits for them. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.pending.values()];
    await Promise.all([...this.workers.values()].map((w) => w.stop(this.opts.killGraceMs)));
    await Promise.all(pending.map((p) => p.catch(() => undefined)));
  }

  /** Joins the grab of `key` in progress, or starts `work` within the limits and forgets it once settled. */
  private track(key: StreamKey, work: () => Promise<Buffer>): Promise<Buffer> {
    if (this.closed) return Promise.reject(new TranscoderStateError('transcoder: grab() after close()'));
    const joined = this.pending.get(key);
    if (joined) return joined;
    if (this.pending.size >= this.opts.maxGrabs)
      return Promise.reject(
        new TranscoderCapacityError(`transcoder: frame grab limit ${this.opts.maxGrabs} reached (${key})`, 1),
      );
    const jpeg: Promise<Buffer> = work().finally(() => {
      if (this.pending.get(key) === jpeg) this.pending.delete(key);
    });
    this.pending.set(key, jpeg);
    return jpeg;
  }

  private spawn(command: GrabCommand): FfmpegWorker {
    const cmd = buildSpawnCommand(this.opts.ffmpegPath, this.opts.setprivPath, command.args);
    const w = new FfmpegWorker(cmd.file, cmd.args, command.sourceScript, {
      stdin: command.stdin ? 'pipe' : 'ignore',
    });
    w.stdin?.end(command.stdin);
    return w;
  }

  /** Spawns ffmpeg with `args`, waits (at most grabTimeoutS) and reads the JPEG it wrote to `file`. */
  private async run(key: StreamKey, args: GrabCommand, file: string): Promise<Buffer> {
    if (this.closed) throw new TranscoderStateError(`transcoder: frame grab of ${key} stopped: closing`);
    const worker = this.spawn(args);
    this.workers.set(key, worker);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void worker.kill();
    }, this.opts.grabTimeoutS * 1000);
    try {
      const exit = await worker.exited;
      if (timedOut)
        throw new TranscoderGrabError(
          `transcoder: frame grab of ${key} gave no picture within ${this.opts.grabTimeoutS} s`,
          key,
          true,
        );
      if (this.closed) throw new TranscoderStateError(`transcoder: frame grab of ${key} stopped: closing`);
      if (exit.code !== 0)
        throw new TranscoderGrabError(`transcoder: frame grab of ${key} failed (${exit.reason})`, key, false);
      const size = (await stat(file).catch(() => null))?.size ?? 0;
      // ffmpeg exits 0 when the RTSP socket times out before a frame: no file then
      if (size === 0)
        throw new TranscoderGrabError(`transcoder: frame grab of ${key} gave no picture (${exit.reason})`, key, false);
      if (size > MAX_GRAB_BYTES)
        throw new TranscoderGrabError(
          `transcoder: frame grab of ${key} is ${size} bytes, over ${MAX_GRAB_BYTES}`,
          key,
          false,
        );
      const jpeg = await readFile(file);
      if (!isJpeg(jpeg))
        throw new TranscoderGrabError(`transcoder: frame grab of ${key} did not produce a JPEG`, key, false);
      return jpeg;
    } finally {
      clearTimeout(timer);
      if (this.workers.get(key) === worker) this.workers.delete(key);
      await rm(file, { force: true });
    }
  }
}
