// The one RTSP session of a (camera, profile): a supervised ffmpeg copying (or, for MJPEG and others, transcoding) to fMP4.
import { buildFfmpegArgs, buildSpawnCommand } from '../ffmpeg-args';
import { sliceCodec, type SliceCodec } from '../fmp4/access-units';
import { InputReportReader, normalizeCodec } from '../input-report';
import type { TranscoderOptions } from '../options';
import type { ProbeWindow } from '../source-input';
import { pullTranscodes, streamKey, type StreamSpec } from '../stream-spec';
import type { FfmpegWorker } from '../worker';
import { SupervisedOutput, type RunCommand } from './output';
import type { OutputHooks } from './types';

/**
 * A camera pull: output key `<cam>.<profile>`, the only process that talks to the camera for that
 * profile. H.264 and H.265 are copied (split pictures rejoined), anything else is transcoded to
 * H.264 by this ffmpeg. The codec rules follow what the camera really sends (ffmpeg's input report).
 */
export class CameraPull extends SupervisedOutput {
  readonly derived = false;
  private actualCodec: string;
  private probe: ProbeWindow = 'small';

  /** `splitPictures`: what an earlier pull of this camera profile showed (null: unknown, see SupervisedOutput). */
  constructor(
    readonly spec: StreamSpec,
    o: Required<TranscoderOptions>,
    hooks: OutputHooks,
    splitPictures: boolean | null = null,
  ) {
    const key = streamKey(spec.cameraId, spec.profile);
    super(key, key, spec.cameraId, spec.profile, o, hooks);
    this.actualCodec = normalizeCodec(spec.codec);
    this.splitPictures = splitPictures;
  }

  get transcode(): boolean {
    return pullTranscodes(this.actualCodec);
  }

  get codec(): string {
    return this.actualCodec;
  }

  protected command(): RunCommand {
    const c = buildFfmpegArgs({ ...this.spec, codec: this.actualCodec }, this.o, this.probe);
    const cmd = buildSpawnCommand(this.o.ffmpegPath, this.o.setprivPath, c.args);
    return { ...cmd, sourceScript: c.sourceScript };
  }

  protected sliceCodec(): SliceCodec | null {
    return this.transcode ? null : sliceCodec(this.actualCodec);
  }

  protected spawned(w: FfmpegWorker): void {
    const report = new InputReportReader();
    w.on('info', (line) => {
      const actual = report.push(line);
      if (actual !== null) this.checkCodec(actual);
    });
  }

  /** A camera whose parameter sets are not in its SDP may need a longer look: the next run probes wide. */
  protected override runFailed(beforeLive: boolean): void {
    if (beforeLive) this.probe = 'wide';
  }

  /**
   * The codec rules applied to what the camera sends: a device may serve H.265 at the address of
   * a profile registered as H.264 (one address for both profiles). When the decision (copy or
   * transcode, and the copied codec's tag) changes, this run is killed before its first fragment is
   * published and redone at once; that run does not count as a failure.
   */
  private checkCodec(actual: string): void {
    if (actual === this.actualCodec) return;
    const registered = this.actualCodec;
    const wasTranscode = this.transcode;
    this.actualCodec = actual;
    const restart = !wasTranscode || !this.transcode;
    this.hooks.codec(this, registered, actual, restart);
    if (restart)
      this.redo(
        `the camera sends ${actual}, registered as ${registered}: redone as ${this.transcode ? 'transcode to h264' : `copy of ${actual}`}`,
      );
  }
}
