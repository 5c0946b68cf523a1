// What the native RTSP pull hands on: the video track a camera described, and its pictures as access units.

/** The video track of a DESCRIBE answer (SDP), as the pull needs it. */
export interface VideoTrack {
  codec: 'h264' | 'h265';
  /** RTP payload type of the track (96–127 for these codecs). */
  payloadType: number;
  /** RTP clock rate (90000 for video). */
  clockRate: number;
  /** Absolute URL SETUP is sent to (the SDP's a=control resolved against Content-Base / the request URL). */
  controlUrl: string;
  /** Parameter sets from the SDP (sprop-parameter-sets; sprop-vps/-sps/-pps), raw NAL units; empty when absent. */
  vps: Buffer[];
  sps: Buffer[];
  pps: Buffer[];
}

/** What else the SDP offered: the pull decides whether the native path can carry it (audio needs ffmpeg). */
export interface OtherMedia {
  /** m= media type: audio, application, … */
  media: string;
  /** Encoding name from a=rtpmap (upper-cased: MPEG4-GENERIC, PCMA, …), or '' when none. */
  encoding: string;
}

/**
 * One picture: the NAL units sharing an RTP timestamp, in order, without start codes or length
 * prefixes (parameter sets and SEI sent in band are kept; H.264 AUD / H.265 AUD are dropped).
 */
export interface AccessUnit {
  nals: Buffer[];
  /** RTP timestamp extended past 32-bit wraps (clockRate ticks), increasing across the session. */
  timestamp: number;
  /** An IDR (H.264 type 5) or IRAP (H.265 types 16–21) picture: a decoder can start here. */
  keyframe: boolean;
  /** Date.now() when its last RTP packet arrived. */
  receivedAt: number;
}
