// The upper platform's transcoder source of cascaded cameras: `cascade://<peer>/<camera>/<profile>` pulls the lower
// platform's live stream over its link (one channel per pull, whatever the number of viewers) into this pipeline.
import type { ExternalFeed, ExternalSession, ExternalSource } from '../../transcoder/index';
import type { Link } from './link';
import { Fmp4Units } from '../../transcoder/fmp4/units';

const URL_RE = /^cascade:\/\/([a-z0-9][a-z0-9-]{0,62})\/([A-Za-z0-9_-]{1,64})\/(main|sub)$/;

/** `cascade://<peer>/<camera id there>/<profile>`. */
export const cascadeStreamUrl = (peer: string, cameraId: string, profile: 'main' | 'sub'): string =>
  `cascade://${peer}/${cameraId}/${profile}`;

/** What the source needs: the current link of a peer, and the first viewer's name for the lower platform's audit. */
export interface CascadeLinks {
  link(peer: string): Link | null;
  requestTimeoutMs: number;
}

export class CascadeMediaSource implements ExternalSource {
  readonly scheme = 'cascade';
  private nextCh = 1;
  /** Channels open now, by number. */
  readonly sessions = new Map<number, CascadeSession>();

  constructor(private readonly links: CascadeLinks) {}

  validate(url: string): void {
    if (!URL_RE.test(url)) throw new Error('not cascade://<peer>/<camera id>/<main|sub>');
  }

  open(url: string, feed: ExternalFeed, timeoutMs: number): ExternalSession {
    const [, peer, camera, profile] = URL_RE.exec(url) ?? [];
    const ch = this.nextCh++;
    const s = new CascadeSession(
      this,
      ch,
      peer ?? '',
      camera ?? '',
      profile === 'sub' ? 'sub' : 'main',
      feed,
      timeoutMs,
    );
    this.sessions.set(ch, s);
    void s.start();
    return s;
  }

  /** A live message of channel `ch` (init announcement, state, end). */
  live(peer: string, ch: number, msg: unknown, end?: { code: number; reason: string }): void {
    const s = this.sessions.get(ch);
    if (!s || s.peer !== peer) return;
    if (end) s.ended(`cascade: ${peer} ended the stream (${end.code} ${end.reason})`);
    else s.message(msg);
  }

  media(peer: string, ch: number, payload: Buffer): void {
    const s = this.sessions.get(ch);
    if (s && s.peer === peer) s.data(payload);
  }

  /** The peer's link went away: its streams end (the pulls restart with backoff and find the next link). */
  unlinked(peer: string): void {
    for (const s of [...this.sessions.values()]) if (s.peer === peer) s.ended(`cascade: link to ${peer} lost`);
  }

  link(peer: string): Link | null {
    return this.links.link(peer);
  }

  get requestTimeoutMs(): number {
    return this.links.requestTimeoutMs;
  }

  drop(ch: number): void {
    this.sessions.delete(ch);
  }
}

export class CascadeSession implements ExternalSession {
  private readonly units = new Fmp4Units();
  private expectInit = false;
  private closed = false;
  private timer: NodeJS.Timeout | null = null;
  private link: Link | null = null;

  constructor(
    private readonly source: CascadeMediaSource,
    readonly ch: number,
    readonly peer: string,
    readonly camera: string,
    readonly profile: 'main' | 'sub',
    private readonly feed: ExternalFeed,
    private readonly timeoutMs: number,
  ) {}

  async start(): Promise<void> {
    const link = this.source.link(this.peer);
    if (!link) return this.ended(`cascade: ${this.peer} is not linked`);
    this.link = link;
    this.timer = setTimeout(
      () => this.ended(`cascade: no video from ${this.peer} within ${this.timeoutMs} ms`),
      this.timeoutMs,
    );
    try {
      await link.request(
        'live.open',
        { ch: this.ch, camera: this.camera, profile: this.profile },
        this.source.requestTimeoutMs,
      );
      this.feed.log(`cascade: ${this.peer} serves camera ${this.camera} (${this.profile}) on channel ${this.ch}`);
    } catch (err) {
      this.ended(`cascade: play of ${this.camera} at ${this.peer} failed: ${(err as Error).message}`);
    }
  }

  message(msg: unknown): void {
    if ((msg as { type?: unknown } | null)?.type === 'init') this.expectInit = true;
  }

  data(payload: Buffer): void {
    if (this.closed) return;
    try {
      if (this.expectInit) {
        this.expectInit = false;
        this.units.init(payload);
        return;
      }
      const aus = this.units.fragment(payload);
      if (aus.length && this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
      for (const au of aus) this.feed.accessUnit(au);
    } catch (err) {
      this.ended(`cascade: stream of ${this.camera} from ${this.peer}: ${(err as Error).message}`);
    }
  }

  ended(why: string): void {
    if (this.closed) return;
    this.feed.end(why);
    void this.close();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.source.drop(this.ch);
    if (this.link?.open) await this.link.request('live.close', { ch: this.ch }, 2000).catch(() => undefined);
  }
}
