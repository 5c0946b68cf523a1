// The shapes of a fragmented-MP4 stream as the pipeline passes it on: one init segment per run, then fragments.

/** ftyp + moov of one ffmpeg run: what a decoder (MSE SourceBuffer, HLS EXT-X-MAP, recorder) needs first. */
export interface InitSegment {
  /** The ftyp and moov boxes, as received. */
  data: Buffer;
  /** Run of the stream that produced it (0 for the first spawn); fragments carry the same number. */
  generation: number;
  /** RFC 6381 codec list, e.g. `avc1.64001f` or `hvc1.1.6.L93.B0,mp4a.40.2`. */
  codecs: string;
  /** `video/mp4; codecs="…"`: what MediaSource.isTypeSupported / addSourceBuffer take. */
  mime: string;
  /** Video codec, normalized: h264 or h265. */
  videoCodec: 'h264' | 'h265';
  width: number;
  height: number;
  /** Timescale of the video track (ticks per second). */
  timescale: number;
}

/** One moof + mdat: a piece of the stream that can be appended after its init segment. */
export interface Fragment {
  /** The moof and mdat boxes (any styp/sidx/prft before them included), as received or repaired. */
  data: Buffer;
  /** The fragment's first video sample is a sync sample: a decoder can start here. */
  keyframe: boolean;
  /** Position in the stream, counted by the hub from 0 across runs (set by StreamHub.publishFragment). */
  seq: number;
  /** Run it belongs to (same as its InitSegment's generation). */
  generation: number;
  /** Decode time of its first video sample, seconds (the run's timeline). */
  startS: number;
  /** Duration of its video samples, seconds. */
  durationS: number;
  /** Date.now() when its last byte came out of ffmpeg. */
  receivedAt: number;
}
