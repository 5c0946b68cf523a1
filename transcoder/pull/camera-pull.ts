// The one RTSP session of a (camera, profile): the native pull or a supervised ffmpeg copying (MJPEG and others: transcoding) to fMP4.
import { buildFfmpegArgs, buildSpawnCommand } from '../ffmpeg-args';
import { sliceCodec, type SliceCodec } from '../fmp4/access-units';
import { InputReportReader, normalizeCodec } from '../input-report';
import type { PullEngine, TranscoderOptions } from '../options';
import type { OtherMedia, VideoTrack } from '../rtsp/types';
import type { ProbeWindow } from '../source-input';
import { pullTranscodes, streamKey, type StreamSpec } from '../stream-spec';
import type { FfmpegWorker } from '../worker';
import { NativeRun } from './native-run';
import { ExternalRun, externalFor, type ExternalSource } from './external';
import { SupervisedOutput, type RunCommand } from './output';
import type { OutputRun, RunSink } from './run';
import type { OutputHooks } from './types';

/**
 * A camera pull: output key `<cam>.<profile>`, the only thing that talks to the camera for that
 * profile. H.264 and H.265 are copied: by the native pull (pullEngine 'native': the gateway's RTSP
 * client and muxer) or by ffmpeg (split pictures rejoined); anything else is transcoded to H.264 by
 * ffmpeg. The codec rules follow what the camera really sends (its SDP, or ffmpeg's input report).
 * Engines: a camera the native pull cannot carry (audio to keep, B-frames) goes to ffmpeg for the
 * pull's lifetime; a run that fails before its first keyframe is followed by one of the other engine
 * (ffmpeg then probing wide), so neither a native quirk nor a probe window keeps a camera dark.
 */
export class CameraPull extends SupervisedOutput {
  readonly derived = false;
  private actualCodec: string;
  private probe: ProbeWindow = 'small';
  private nextEngine: PullEngine;
  /** The native pull cannot carry this camera (see `described`): ffmpeg from now on. */
  private nativeRefused = false;

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
    this.nextEngine = o.pullEngine;
  }

  override get engine(): PullEngine {
    return this.external || this.usesNative() ? 'native' : 'ffmpeg';
  }

  /** The external source feeding this pull (its URL's scheme is the source's), if any. */
  private get external(): ExternalSource | undefined {
    return externalFor(this.spec.url, this.o.externalSources);
  }

  get transcode(): boolean {
    return pullTranscodes(this.actualCodec);
  }

  get codec(): string {
    return this.actualCodec;
  }

  protected override begin(generation: number, sink: RunSink): OutputRun {
    const source = this.external;
    if (source)
      return new ExternalRun(
        {
          source,
          url: this.spec.url,
          timeoutMs: this.o.externalTimeoutS * 1000,
          generation,
          described: (codec) => this.described({ codec } as VideoTrack, []),
          changed: (why) => this.redo(why),
        },
        sink,
      );
    if (!this.usesNative()) return super.begin(generation, sink);
    return new NativeRun(
      {
        url: this.spec.url,
        username: this.spec.username,
        password: this.spec.password,
        timeoutMs: this.o.rtspTimeoutS * 1000,
        generation,
        described: (track, others) => this.described(track, others),
        unsupported: (why) => this.handOver(`the native pull cannot carry it (${why})`),
        changed: (why) => this.redo(why),
      },
      sink,
    );
  }

  private usesNative(): boolean {
    return (
      this.nextEngine === 'native' && !this.nativeRefused && !this.transcode && !this.keepsAudio(this.spec.audioCodec)
    );
  }

  /** True when the audio policy keeps audio of this codec (AAC copied, or anything under 'transcode'): ffmpeg's job. */
  private keepsAudio(codec: string | null | undefined): boolean {
    if (codec === null || codec === undefined || this.o.audio === 'drop') return false;
    return this.o.audio === 'transcode' || codec === 'aac';
  }

  /** The DESCRIBE answer of a native run: the codec rules, and audio the policy keeps (ffmpeg carries it). */
  private described(track: VideoTrack, others: OtherMedia[]): boolean {
    const audio = others.find((m) => m.media === 'audio' && this.keepsAudio(audioCodecOf(m.encoding)));
    if (audio) {
      this.handOver(`the camera sends ${audio.encoding} audio, which the audio policy keeps`);
      return false;
    }
    if (track.codec !== this.actualCodec) {
      const registered = this.actualCodec;
      this.actualCodec = track.codec;
      // the native pull copies either codec as described: only outputs derived from it need to know
      this.hooks.codec(this, registered, track.codec, false);
    }
    return true;
  }

  /** Ends this run and carries on with ffmpeg (not a failure). */
  private handOver(reason: string): void {
    this.nativeRefused = true;
    this.hooks.log(this, `${reason}: pulled by ffmpeg from now on`);
    this.redo(`handed to ffmpeg: ${reason}`);
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

  /**
   * A run that failed before its first keyframe is followed by one of the other engine: after a
   * native run, ffmpeg; after an ffmpeg run (a camera whose parameter sets are not in its SDP may
   * need a longer look), the native pull again if configured, and ffmpeg's next run probes wide.
   */
  protected override runFailed(beforeLive: boolean): void {
    if (!beforeLive || this.external) return;
    if (this.usesNative()) {
      this.nextEngine = 'ffmpeg';
      return;
    }
    this.probe = 'wide';
    this.nextEngine = this.o.pullEngine;
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

/** The codec name the audio policy knows, from an SDP encoding name. */
function audioCodecOf(encoding: string): string {
  return /^(MPEG4-GENERIC|MP4A-LATM)$/i.test(encoding) ? 'aac' : encoding.toLowerCase();
}
