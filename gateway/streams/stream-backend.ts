// What the stream service needs of the transcoder (declared by the user of it, STYLE §5): acquire, hubs, HLS packagers.
import type { Fragment, InitSegment } from '../../transcoder/fmp4/types';
import type { AttachOptions, Attachment, Sink, Tap } from '../../transcoder/fanout/types';

/** A stream to start (or join): the camera's source as registered. */
export interface AcquireSpec {
  cameraId: string;
  profile: 'main' | 'sub';
  url: string;
  codec: string;
  /** true: an H.265 camera is sent as is; false: the `.h264` output (transcoded once per camera). */
  passthroughH265?: boolean;
  audioCodec?: string | null;
  username?: string;
  password?: string;
}

/** What a started (or joined) output is. */
export interface Acquired {
  /** Output key: `<cam>.<profile>` (what the pull emits) or `<cam>.<profile>.h264` (derived from an H.265 pull). */
  key: string;
  /** Key of the pull the output comes from. */
  pullKey: string;
  /** true when this call spawned the pull (a cold start). */
  started: boolean;
  /** Codec the viewer receives. */
  codec: 'h264' | 'h265';
  /** true when the viewer receives a transcode, not the camera's own bitstream. */
  transcoded: boolean;
}

/** One output's fan-out as viewers see it (transcoder/fanout StreamHub). */
export interface LiveHub {
  /** Init segment of the current run; null before the first one. */
  readonly init: InitSegment | null;
  /** Adds a viewer: the init and (start 'gop') the cached GOP at once, then live; throws when the hub is closed. */
  attach(sink: Sink, opts?: AttachOptions): Attachment;
  /** Adds a lossless consumer; it gets the current init first. Returns its removal. */
  addTap(tap: Tap, opts?: { keepAlive?: boolean }): () => void;
  /** Whole GOPs of the current run covering at least `seconds` when held; null when nothing is held. */
  replay(seconds: number): { init: InitSegment; fragments: Fragment[] } | null;
}

/** One output's LL-HLS packager (transcoder/hls HlsPackager), served from memory. */
export interface HlsSource {
  /** The playlist; with msn/part it waits (a few target durations at most) for that part. null: nothing yet. */
  playlist(req?: { msn?: number; part?: number; signal?: AbortSignal }): Promise<string | null>;
  /**
   * 'init<g>.mp4' | 'seg<n>.m4s' | 'part<n>.<i>.m4s' → bytes, or null (unknown or rotated out); the part
   * named by the playlist's preload hint is awaited (a few target durations at most).
   */
  fileWhenReady(name: string, opts?: { signal?: AbortSignal }): Promise<Buffer | null>;
}

/** The transcoder's supervisor, as the stream service uses it. */
export interface StreamBackend {
  /** Starts (or joins) an output; resolves at its first keyframe. */
  acquire(spec: AcquireSpec): Promise<Acquired>;
  /** Marks an output as in use (postpones its idle stop); false when it does not run. */
  touch(key: string): boolean;
  /** The output's hub while it runs. */
  hub(key: string): LiveHub | undefined;
  /** The output's HLS packager while it runs. */
  hls(key: string): HlsSource | undefined;
  stop(key: string, reason?: string): Promise<void>;
}
