// A superior platform's Playback or Download of a camera shared upward: the camera's recorded footage (the playback
// service's fMP4, one session window after another) turned into pictures and sent as PS over RTP at the pace of
// its timestamps (Download at its a=downloadspeed), paused, resumed, sought and sped up by the superior's MANSRTSP,
// and ended with MediaStatus 121 once the whole range is sent.
import { FragmentReader } from '../../transcoder/fmp4/fragment-reader';
import type { MansrtspCommand, MediaSender, MediaTransport, UpstreamMedia, VideoAccessUnit } from '../gb28181/index';
import { PictureTap } from './picture-tap';

/** One playback session window of the footage from `startMs`: its fMP4 and where the window ends. */
export interface FootageWindow {
  stream: AsyncGenerator<Buffer>;
  windowEndMs: number;
}

/** Opens the camera's footage from `startMs` (at most to `endMs`); null when none is left in [startMs, endMs). */
export type OpenFootage = (startMs: number, endMs: number) => Promise<FootageWindow | null>;

export interface FootageSessionOptions {
  sender: MediaSender;
  transport: MediaTransport;
  open: OpenFootage;
  startMs: number;
  endMs: number;
  /** Pace multiplier at start: 1 for Playback, a Download's speed. */
  speed: number;
  log: (msg: string) => void;
}

const TICKS_PER_MS = 90;
/** Between the last picture and MediaStatus 121 (ms): the superior has its media before it hears the end. */
const END_GRACE_MS = 300;
/** Pictures may run this far ahead of their time (ms): the sender never sleeps for less. */
const AHEAD_MS = 5;

/** One recorded session toward the superior. */
export class FootageSession implements UpstreamMedia {
  readonly localPort: number;
  readonly transport: MediaTransport;
  private stopped = false;
  private paused = false;
  private scale: number;
  private seekMs: number | null = null;
  private wake: (() => void) | null = null;
  /** The pace's origin: wall time and output PTS of the picture sent then. */
  private clock: { wallMs: number; pts: number } | null = null;
  /** Output PTS of the last picture sent, and what is added to a window's PTS to continue after it. */
  private lastPts = -1;
  private offset = 0;
  private windowStarted = false;
  private stream: AsyncGenerator<Buffer> | null = null;

  constructor(private readonly o: FootageSessionOptions) {
    this.localPort = o.sender.localPort;
    this.transport = o.transport;
    this.scale = o.speed;
  }

  start(ended: () => void): void {
    void this.run()
      .then((done) => done && ended())
      .catch((err: Error) => this.o.log(`footage stopped: ${err.message}`))
      .finally(() => this.close());
  }

  stop(): void {
    this.stopped = true;
    this.close();
  }

  control(cmd: MansrtspCommand): void {
    if (cmd.method === 'PAUSE') this.paused = true;
    else if (cmd.method === 'TEARDOWN') this.stopped = true;
    else {
      if (cmd.fromS !== undefined) {
        const at = this.o.startMs + cmd.fromS * 1000;
        if (at >= this.o.endMs) throw new Error(`Range npt=${cmd.fromS} is past the end of the session`);
        this.seekMs = at;
      }
      if (cmd.scale !== undefined) this.scale = cmd.scale;
      this.paused = false;
      this.clock = null; // paced again from the next picture
    }
    this.wake?.();
  }

  private close(): void {
    this.wake?.();
    void this.stream?.return(undefined).catch(() => undefined);
    this.o.sender.close();
  }

  /** Sends window after window until the range is done (true), or it was stopped (false). */
  private async run(): Promise<boolean> {
    let at = this.o.startMs;
    while (!this.stopped && at < this.o.endMs) {
      const w = await this.o.open(at, this.o.endMs);
      if (!w || this.stopped) break;
      this.stream = w.stream;
      this.windowStarted = false;
      const sought = await this.send(w.stream);
      at = sought ?? w.windowEndMs;
    }
    if (!this.stopped) await new Promise((ok) => setTimeout(ok, END_GRACE_MS));
    return !this.stopped;
  }

  /** Sends one window's pictures at their pace; the instant to go on from when the superior sought. */
  private async send(stream: AsyncGenerator<Buffer>): Promise<number | null> {
    const pictures: VideoAccessUnit[] = [];
    const failed: { why: string | null } = { why: null };
    const tap = new PictureTap(
      (au) => pictures.push(au),
      (why) => (failed.why = why),
    );
    const reader = new FragmentReader({
      generation: 0,
      sliceCodec: null,
      onInit: (i) => tap.init(i),
      onFragment: (f) => tap.fragment({ ...f, seq: 0 }),
      onError: (e) => (failed.why = e.message),
    });
    try {
      for await (const chunk of stream) {
        reader.push(chunk);
        if (failed.why) throw new Error(failed.why);
        for (let au = pictures.shift(); au; au = pictures.shift()) {
          const pts = this.outPts(au.pts);
          await this.due(pts);
          if (this.stopped) return null;
          if (this.seekMs !== null) {
            const to = this.seekMs;
            this.seekMs = null;
            return to;
          }
          this.o.sender.send({ ...au, pts });
        }
      }
    } finally {
      await stream.return(undefined).catch(() => undefined);
    }
    return null;
  }

  /** A window's PTS on the session's one timeline: each window goes on one picture after the last. */
  private outPts(pts: number): number {
    if (!this.windowStarted) {
      this.windowStarted = true;
      this.offset = this.lastPts < 0 ? -pts : this.lastPts + 40 * TICKS_PER_MS - pts;
    }
    this.lastPts = pts + this.offset;
    return this.lastPts;
  }

  /** Waits until the picture's time has come (and while paused); returns at once when stopped or sought. */
  private async due(pts: number): Promise<void> {
    for (;;) {
      if (this.stopped || this.seekMs !== null) return;
      if (this.paused) {
        await new Promise<void>((ok) => (this.wake = ok));
        continue;
      }
      const now = Date.now();
      if (!this.clock || pts < this.clock.pts) this.clock = { wallMs: now, pts };
      const waitMs = this.clock.wallMs + (pts - this.clock.pts) / TICKS_PER_MS / this.scale - now;
      if (waitMs <= AHEAD_MS) return;
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, waitMs);
        this.wake = () => {
          clearTimeout(t);
          ok();
        };
      });
    }
  }
}
