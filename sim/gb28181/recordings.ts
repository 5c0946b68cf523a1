// The simulated NVR's own footage: a recording list answered to RecordInfo, and the Playback/Download sessions that
// send it (testsrc2 from the instant asked for, so a given instant of a recording always shows the same picture).
import {
  gbTimeToMs,
  msToGbTime,
  parseMansrtsp,
  type GbSdp,
  type MansrtspCommand,
  type RecordItem,
} from '../../gateway/gb28181/index';
import { footageFeed, type MediaSourceOptions } from './media-source';
import type { MediaSession } from './media-sender';

export interface SimRecording {
  channelId: string;
  startMs: number;
  endMs: number;
  type?: 'time' | 'alarm' | 'manual';
}

/** The items of a channel's recordings overlapping [StartTime, EndTime] of a query (device local times). */
export function recordItemsFor(
  recs: readonly SimRecording[],
  channelId: string,
  start: string,
  end: string,
  utcOffsetMin: number,
): RecordItem[] {
  let fromMs: number;
  let toMs: number;
  try {
    fromMs = gbTimeToMs(start, utcOffsetMin);
    toMs = gbTimeToMs(end, utcOffsetMin);
  } catch {
    return [];
  }
  return recs
    .filter((r) => r.channelId === channelId && r.endMs > fromMs && r.startMs < toMs)
    .sort((a, b) => a.startMs - b.startMs)
    .map((r, i) => ({
      deviceId: channelId,
      name: `REC${String(i + 1).padStart(4, '0')}`,
      filePath: `/record/${channelId}/${r.startMs}.ps`,
      address: 'SimGB NVR',
      startTime: msToGbTime(r.startMs, utcOffsetMin),
      endTime: msToGbTime(r.endMs, utcOffsetMin),
      secrecy: 0,
      type: r.type ?? 'time',
      fileSize: Math.round(((r.endMs - r.startMs) / 1000) * 50_000),
    }));
}

/** The part of a recording a Playback/Download offer asks for: the picture offset into it and the seconds to send. */
export interface FootageCut {
  recording: SimRecording;
  /** Seconds into the recording where sending starts (testsrc2's time). */
  offsetS: number;
  durationS: number;
  download: boolean;
  speed: number;
}

/** The recording of `channelId` under the offer's t= start (or the first one after it); null when there is none. */
export function cutFor(recs: readonly SimRecording[], channelId: string, offer: GbSdp): FootageCut | null {
  const [startS, endS] = offer.time ?? [0, 0];
  if (!(endS > startS)) return null;
  const rec = recs
    .filter((r) => r.channelId === channelId && r.endMs > startS * 1000 && r.startMs < endS * 1000)
    .sort((a, b) => a.startMs - b.startMs)[0];
  if (!rec) return null;
  const fromMs = Math.max(rec.startMs, startS * 1000);
  const toMs = Math.min(rec.endMs, endS * 1000);
  const download = offer.session.toLowerCase() === 'download';
  return {
    recording: rec,
    offsetS: Math.floor((fromMs - rec.startMs) / 1000),
    durationS: Math.max(1, Math.floor((toMs - fromMs) / 1000)),
    download,
    speed: download ? (offer.downloadSpeed ?? 1) : 1,
  };
}

/** A Playback/Download session's position, so that MANSRTSP PAUSE/PLAY (Range, Scale) can restart the encoder. */
export class FootageSession {
  private posS: number;
  private scale: number;
  private startedAt = 0;
  private running = false;

  constructor(
    readonly cut: FootageCut,
    readonly media: MediaSession,
    private readonly video: MediaSourceOptions,
    /** Told when the footage asked for has been sent (MediaStatus 121). */
    private readonly onEnd?: () => void,
  ) {
    this.posS = cut.offsetS;
    this.scale = cut.speed;
  }

  /** Seconds into the recording being sent now. */
  position(): number {
    return this.running ? this.posS + ((Date.now() - this.startedAt) / 1000) * this.scale : this.posS;
  }

  start(): void {
    this.startedAt = Date.now();
    this.running = true;
    this.media.start();
  }

  private source(): MediaSourceOptions {
    const endS = this.cut.offsetS + this.cut.durationS;
    return { ...this.video, startS: Math.floor(this.posS), durationS: Math.max(1, endS - this.posS), rate: this.scale };
  }

  /** Applies an INFO body; throws GbMediaError for a bad one (the device answers 400). */
  control(body: string): MansrtspCommand {
    const cmd = parseMansrtsp(body);
    if (cmd.method === 'PAUSE') {
      this.posS = Math.floor(this.position());
      this.running = false;
      this.media.pause();
    } else if (cmd.method === 'PLAY') {
      this.posS = cmd.fromS !== undefined ? this.cut.offsetS + cmd.fromS : Math.floor(this.position());
      if (cmd.scale !== undefined) this.scale = cmd.scale;
      this.startedAt = Date.now();
      this.running = true;
      this.media.restart(footageFeed(this.source(), this.onEnd));
    }
    return cmd;
  }
}
