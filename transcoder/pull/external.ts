// A source fed from outside the transcoder (a GB/T 28181 channel: INVITE, RTP/PS): its pictures muxed to fMP4 like the native RTSP pull's.
import { Fmp4Muxer } from '../fmp4/muxer';
import type { AccessUnit } from '../rtsp/types';
import type { OutputRun, RunSink } from './run';

/** One picture from an external source: NAL units without start codes, a 90 kHz timestamp increasing across the session. */
export interface ExternalAccessUnit extends AccessUnit {
  codec: 'h264' | 'h265';
}

/** Where an external session delivers. */
export interface ExternalFeed {
  accessUnit(au: ExternalAccessUnit): void;
  /** A notable event for the output's log. */
  log(line: string): void;
  /** The session is over (no media in time, the device hung up, a refusal): called once, with why. */
  end(reason: string): void;
}

/** A running session of an external source. */
export interface ExternalSession {
  /** Ends it (the source hangs up: a GB/T 28181 BYE); resolves once nothing of it is left. */
  close(): Promise<void>;
}

/**
 * A source of camera pictures that the gateway feeds (the transcoder imports nothing to reach it).
 * Camera pulls whose URL has its scheme (`<scheme>://…`) are its: one session per pull, shared by
 * every output of the pull (live, HLS, recording), ended when the pull stops.
 */
export interface ExternalSource {
  /** URL scheme, lower case (e.g. "gb28181"). */
  readonly scheme: string;
  /** Throws an Error whose message says why when `url` is not one of its addresses. */
  validate(url: string): void;
  /** Starts a session; a stream that does not arrive within `timeoutMs` ends it with feed.end(reason). */
  open(url: string, feed: ExternalFeed, timeoutMs: number): ExternalSession;
}

/** The external source serving `url`, if any. */
export function externalFor(url: string, sources: readonly ExternalSource[]): ExternalSource | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(url)?.[1];
  return scheme ? sources.find((s) => s.scheme === scheme) : undefined;
}

export interface ExternalRunOptions {
  source: ExternalSource;
  url: string;
  timeoutMs: number;
  generation: number;
  /** The codec of the first picture (the pull's codec rules): false when the pull has ended this run itself. */
  described(codec: 'h264' | 'h265'): boolean;
  /** The source changed its parameter sets or codec: the pull starts a new run, not a failure. */
  changed(reason: string): void;
}

const CHANGED = /parameter sets changed|differs|another sample entry/i;

/** One run of an external source: its access units through an Fmp4Muxer into the output's sink. */
export class ExternalRun implements OutputRun {
  readonly pid = null;
  readonly exited: Promise<string>;
  private readonly session: ExternalSession;
  private muxer: Fmp4Muxer | null = null;
  private codec: 'h264' | 'h265' | null = null;
  private done = false;
  private finish: (why: string) => void = () => undefined;

  constructor(o: ExternalRunOptions, sink: RunSink) {
    this.exited = new Promise<string>((resolve) => (this.finish = resolve));
    const end = (why: string): void => this.ended(why);
    const feed: ExternalFeed = {
      log: (line) => sink.log(line),
      end,
      accessUnit: (au) => {
        if (this.done) return;
        if (this.codec === null) {
          this.codec = au.codec;
          if (!o.described(au.codec)) return;
          this.muxer = new Fmp4Muxer({ codec: au.codec, clockRate: 90_000, vps: [], sps: [], pps: [] }, o.generation);
        } else if (au.codec !== this.codec) {
          this.muxer = null;
          return o.changed(`the source switched from ${this.codec} to ${au.codec}`);
        }
        const muxer = this.muxer;
        if (!muxer) return;
        let out: ReturnType<Fmp4Muxer['push']>;
        try {
          out = muxer.push(au);
        } catch (err) {
          this.muxer = null;
          const why = (err as Error).message;
          if (CHANGED.test(why)) o.changed(why);
          else sink.fail(why);
          return;
        }
        if (out.init) sink.init(out.init);
        if (out.fragment) sink.fragment(out.fragment, false);
      },
    };
    this.session = o.source.open(o.url, feed, o.timeoutMs);
  }

  private ended(why: string): void {
    if (this.done) return;
    this.done = true;
    this.muxer = null;
    this.finish(why);
  }

  private async end(why: string): Promise<void> {
    this.muxer = null;
    await this.session.close().catch(() => undefined);
    // a session closed by the pull is over once closed, whether or not it told its feed
    this.ended(why);
    await this.exited;
  }

  async kill(): Promise<void> {
    await this.end('killed');
  }

  async stop(_graceMs: number): Promise<void> {
    await this.end('stopped');
  }
}
