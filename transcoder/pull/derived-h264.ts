// The H.264 output derived from an H.265 pull: a second supervised ffmpeg fed the pull's fMP4 on its stdin, never the camera.
import { buildDerivedH264Args, buildSpawnCommand } from '../ffmpeg-args';
import type { Fragment, InitSegment } from '../fmp4/types';
import type { Tap } from '../fanout/types';
import type { SliceCodec } from '../fmp4/access-units';
import type { TranscoderOptions } from '../options';
import { outputKey } from '../stream-spec';
import type { FfmpegWorker } from '../worker';
import type { Writable } from 'node:stream';
import type { CameraPull } from './camera-pull';
import { SupervisedOutput, type RunCommand } from './output';
import type { OutputHooks } from './types';

/**
 * Bytes queued on the transcoder's stdin beyond which fragments are dropped until the next keyframe
 * (an encoder that cannot keep up falls back to live instead of lagging; memory stays bounded).
 */
export const MAX_STDIN_BYTES = 8 * 1024 * 1024;

/**
 * Output key `<cam>.<profile>.h264`. Subscribes to its pull's hub as a keepAlive tap (so the pull
 * runs while it does); each run starts with the pull's current init and its fragments from the next
 * keyframe on. A new run of the pull (new init) restarts this ffmpeg at once without counting a
 * failure; while the pull is between runs this output waits ('restarting') and spawns nothing.
 */
export class DerivedH264 extends SupervisedOutput implements Tap {
  readonly derived = true;
  /** Fragments dropped because the encoder fell behind (MAX_STDIN_BYTES). */
  dropped = 0;
  private sourceInit: InitSegment | null = null;
  private stdin: Writable | null = null;
  private waitKeyframe = true;
  /** While no ffmpeg reads (between runs): the fragments since the newest keyframe, handed to the next run first. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private removeTap: (() => void) | null = null;
  private waitingSince = performance.now();

  constructor(
    readonly parent: CameraPull,
    o: Required<TranscoderOptions>,
    hooks: OutputHooks,
  ) {
    super(outputKey(parent.cameraId, parent.profile, true), parent.key, parent.cameraId, parent.profile, o, hooks);
  }

  get transcode(): boolean {
    return true;
  }

  get codec(): string {
    return this.parent.codec;
  }

  /** Subscribes to the pull; the tap's first init (the pull's current one, if any) starts the first run. */
  override start(): void {
    this.removeTap = this.parent.hub.addTap(this, { keepAlive: true });
    if (!this.sourceInit) this.canSpawn();
  }

  // --- Tap: the pull's hub calls these synchronously

  init(init: InitSegment): void {
    if (this.isClosing) return;
    this.sourceInit = init;
    this.clearPending();
    this.waitKeyframe = true;
    if (this.run) {
      // the old ffmpeg cannot take a second init: what follows waits for the next run
      this.stdin = null;
      this.redo(`${this.parent.key} restarted (run ${init.generation + 1})`);
    } else this.spawnRun();
  }

  fragment(f: Fragment): void {
    if (this.isClosing || !this.sourceInit || f.generation !== this.sourceInit.generation) return;
    const stdin = this.stdin;
    if (!stdin && f.keyframe) this.clearPending();
    if (this.waitKeyframe && !f.keyframe) return;
    this.waitKeyframe = false;
    if (!stdin) {
      this.pending.push(f.data);
      this.pendingBytes += f.data.length;
      if (this.pendingBytes > MAX_STDIN_BYTES) this.drop();
      return;
    }
    if (stdin.writableLength > MAX_STDIN_BYTES) return this.drop();
    stdin.write(f.data);
  }

  end(reason: string): void {
    this.sourceInit = null;
    this.clearPending();
    if (this.run) {
      this.stdin = null;
      this.redo(`${this.parent.key} run ended: ${reason}`);
    }
  }

  private drop(): void {
    this.dropped += 1;
    this.waitKeyframe = true;
    this.clearPending();
  }

  private clearPending(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }

  // --- SupervisedOutput

  protected override canSpawn(): boolean {
    if (this.sourceInit) return true;
    if (this.state !== 'restarting') this.setState('restarting', `waiting for ${this.parent.key}`);
    this.waitingSince = performance.now();
    return false;
  }

  /** Beyond the common checks: an acquire() waiting for a source that does not come back within stallTimeoutS is rejected. */
  override tick(now: number): void {
    super.tick(now);
    if (!this.sourceInit && !this.run && now - this.waitingSince > this.o.stallTimeoutS * 1000)
      this.waiters.reject(`transcoder: stream ${this.key} failed to start: ${this.parent.key} is not live`, 1);
  }

  protected command(): RunCommand {
    const args = buildDerivedH264Args(this.o);
    return { ...buildSpawnCommand(this.o.ffmpegPath, this.o.setprivPath, args), stdin: 'pipe' };
  }

  protected sliceCodec(): SliceCodec | null {
    return null;
  }

  protected spawned(w: FfmpegWorker): void {
    const stdin = w.stdin;
    this.stdin = stdin;
    void w.exited.then(() => {
      if (this.stdin === stdin) this.stdin = null;
    });
    if (!stdin || !this.sourceInit) return;
    stdin.write(this.sourceInit.data);
    for (const b of this.pending) stdin.write(b);
    this.waitKeyframe = this.pending.length === 0;
    this.clearPending();
  }

  protected override closed(): void {
    this.removeTap?.();
    this.removeTap = null;
    this.stdin?.end();
    this.stdin = null;
    this.clearPending();
  }
}
