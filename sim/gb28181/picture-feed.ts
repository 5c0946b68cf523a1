// A simulated GB/T 28181 channel's pictures: its own encoder (ffmpeg testsrc2), or an RTSP camera it fronts (as an NVR pulls its IPCs).
import { nalType, type VideoAccessUnit, type VideoCodec } from '../../gateway/gb28181/index';
import { RtspSession } from '../../transcoder/rtsp/rtsp-session';
import type { VideoTrack } from '../../transcoder/rtsp/types';
import { MediaSource, type MediaSourceOptions } from './media-source';

export type PictureSink = (au: VideoAccessUnit) => void;

/** Pictures of one channel for any number of media sessions; each session's first picture is a keyframe. */
export interface PictureFeed {
  subscribe(sink: PictureSink): () => void;
  close(): void;
}

/** Fans pictures out to subscribers, each from its next keyframe on. */
class Fanout {
  private readonly sinks = new Map<PictureSink, boolean>();

  get size(): number {
    return this.sinks.size;
  }

  add(sink: PictureSink): void {
    this.sinks.set(sink, false);
  }

  delete(sink: PictureSink): void {
    this.sinks.delete(sink);
  }

  push(au: VideoAccessUnit): void {
    for (const [sink, started] of this.sinks) {
      if (!started && !au.keyframe) continue;
      if (!started) this.sinks.set(sink, true);
      sink(au);
    }
  }
}

/** The channel's own encoder: ffmpeg runs while a session plays it (started by the first, stopped after the last). */
export class EncoderFeed implements PictureFeed {
  private readonly out = new Fanout();
  private source: MediaSource | null = null;

  constructor(private readonly opts: MediaSourceOptions) {}

  subscribe(sink: PictureSink): () => void {
    this.out.add(sink);
    if (!this.source) {
      this.source = new MediaSource(this.opts, (au) => this.out.push(au));
      this.source.start();
    }
    return () => {
      this.out.delete(sink);
      if (this.out.size === 0) this.close();
    };
  }

  close(): void {
    this.source?.stop();
    this.source = null;
  }
}

const RETRY_MS = 1000;

/**
 * An RTSP camera fronted by the channel: pulled all the time over RTSP/TCP (as an NVR records its IPCs),
 * its pictures passed on with their RTP timestamps as PTS; parameter sets given only in the SDP are put
 * before each keyframe that lacks them. Reconnects a second after the camera goes away.
 */
export class RtspRelayFeed implements PictureFeed {
  private readonly out = new Fanout();
  private session: RtspSession | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** Lines the RTSP session logged (the last 20), for a test's failure message. */
  readonly log: string[] = [];

  constructor(readonly url: string) {
    this.connect();
  }

  private connect(): void {
    if (this.closed) return;
    const s = new RtspSession({ url: this.url, timeoutMs: 5000, userAgent: 'CloudEye SimGB NVR' });
    let track: VideoTrack | null = null;
    s.on('described', (t) => (track = t));
    s.on('log', (line) => this.log.splice(0, this.log.length >= 20 ? 1 : 0, line));
    s.on('accessUnit', (au) => {
      if (!track) return;
      this.out.push({
        codec: track.codec,
        nals: withParameterSets(track, au.nals, au.keyframe),
        pts: au.timestamp,
        keyframe: au.keyframe,
      });
    });
    s.once('closed', () => {
      if (this.session !== s || this.closed) return;
      this.session = null;
      this.timer = setTimeout(() => this.connect(), RETRY_MS);
    });
    this.session = s;
    s.start();
  }

  subscribe(sink: PictureSink): () => void {
    this.out.add(sink);
    return () => this.out.delete(sink);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    void this.session?.close('device closed');
    this.session = null;
  }
}

const SPS: Record<VideoCodec, number> = { h264: 7, h265: 33 };

function withParameterSets(track: VideoTrack, nals: Buffer[], keyframe: boolean): Buffer[] {
  if (!keyframe || nals.some((n) => nalType(track.codec, n) === SPS[track.codec])) return nals;
  return [...track.vps, ...track.sps, ...track.pps, ...nals];
}
