// A run that is the gateway's own RTSP pull: an RtspSession's access units through an Fmp4Muxer into a RunSink.
import { Fmp4Muxer } from '../fmp4/muxer';
import { RtspSession } from '../rtsp/rtsp-session';
import type { OtherMedia, VideoTrack } from '../rtsp/types';
import type { OutputRun, RunSink } from './run';

/** What a native run needs: the source, its timeout, and the pull's decisions on what the camera described. */
export interface NativeRunOptions {
  url: string;
  username?: string;
  password?: string;
  /** Connect, each RTSP answer, and the longest silence while playing, milliseconds. */
  timeoutMs: number;
  generation: number;
  /**
   * Called with the DESCRIBE answer before SETUP: true to go on; false when the pull has ended this
   * run itself (handed the camera to ffmpeg, or redone it for another codec).
   */
  described(track: VideoTrack, others: OtherMedia[]): boolean;
  /** The muxer cannot carry what the camera sends (reordered timestamps: B-frames): the pull hands the camera to ffmpeg. */
  unsupported(reason: string): void;
  /** The camera changed its parameter sets (a new picture size, say): the pull starts a new run, not a failure. */
  changed(reason: string): void;
}

/** Muxer errors that are no fault of the run: the same camera on another path (or a new run) plays. */
const UNSUPPORTED = /backwards|reorder/i;
const CHANGED = /parameter sets changed/i;

/**
 * The native pull of one run: one RTSP/TCP session, video only, each access unit muxed into one
 * fragment at once (no process, no pipe, no probing). Ends when its session closes, for whatever reason.
 */
export class NativeRun implements OutputRun {
  readonly pid = null;
  readonly exited: Promise<string>;
  private readonly session: RtspSession;
  private muxer: Fmp4Muxer | null = null;

  constructor(o: NativeRunOptions, sink: RunSink) {
    const session = new RtspSession({ url: o.url, username: o.username, password: o.password, timeoutMs: o.timeoutMs });
    this.session = session;
    this.exited = new Promise<string>((resolve) => session.once('closed', resolve));
    session.on('log', (line) => sink.log(line));
    session.on('described', (track, others) => {
      if (o.described(track, others)) this.muxer = new Fmp4Muxer(track, o.generation);
    });
    session.on('accessUnit', (au) => {
      const muxer = this.muxer;
      if (!muxer) return;
      let out: ReturnType<Fmp4Muxer['push']>;
      try {
        out = muxer.push(au);
      } catch (err) {
        this.muxer = null;
        const why = (err as Error).message;
        if (UNSUPPORTED.test(why)) o.unsupported(why);
        else if (CHANGED.test(why)) o.changed(why);
        else sink.fail(why);
        return;
      }
      if (out.init) sink.init(out.init);
      if (out.fragment) sink.fragment(out.fragment, false);
    });
    session.start();
  }

  async kill(): Promise<void> {
    this.muxer = null;
    await this.session.close('killed');
  }

  async stop(_graceMs: number): Promise<void> {
    this.muxer = null;
    await this.session.close('stopped');
  }
}
