// The upper platform's side of recorded footage over a link: requests to the lower platform (spans, sessions, maps)
// and footage channels, each read at the pace of its reader (acknowledged as read, so the lower side sends ahead by
// at most REC_WINDOW_BYTES).
import type { Link } from './link';
import { CascadeRemoteError, CascadeUnavailable } from './errors';
import { REC_CHANNEL_BASE, type RecEndMessage } from './protocol';

/** What footage needs: the current link of a peer and how long to wait for it. */
export interface FootageLinks {
  link(peer: string): Link | null;
  requestTimeoutMs: number;
}

/** One footage channel being read: its chunks as they come, then its end. */
class Channel {
  private readonly queue: Buffer[] = [];
  private end: { ok: boolean; reason: string } | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly peer: string,
    readonly link: Link,
    readonly ch: number,
  ) {}

  push(b: Buffer): void {
    this.queue.push(b);
    this.wake?.();
  }

  finish(ok: boolean, reason: string): void {
    this.end ??= { ok, reason };
    this.wake?.();
  }

  get ended(): boolean {
    return this.end !== null;
  }

  /** The chunks in order; each acknowledged once the reader asks for the next. Throws when the footage broke off. */
  async *chunks(idleMs: number): AsyncGenerator<Buffer> {
    for (;;) {
      const b = this.queue.shift();
      if (b) {
        yield b;
        this.link.send({ t: 'ack', ch: this.ch, bytes: b.length });
        continue;
      }
      if (this.end) {
        if (this.end.ok) return;
        throw new CascadeRemoteError(`cascade: ${this.peer}: ${this.end.reason.slice(0, 300)}`, 502);
      }
      const got = await new Promise<boolean>((ok) => {
        const t = setTimeout(() => ok(false), idleMs);
        this.wake = () => {
          clearTimeout(t);
          ok(true);
        };
      });
      this.wake = null;
      if (!got && !this.queue.length && !this.end)
        throw new CascadeUnavailable(`cascade: ${this.peer} sent no footage for ${idleMs} ms`);
    }
  }
}

export class PeerFootage {
  private nextCh = REC_CHANNEL_BASE;
  private readonly channels = new Map<number, Channel>();

  constructor(private readonly links: FootageLinks) {}

  private linkOf(peer: string): Link {
    const link = this.links.link(peer);
    if (!link?.open) throw new CascadeUnavailable(`cascade: lower platform ${peer} is not linked`);
    return link;
  }

  /** A request of the footage protocol (rec.spans, rec.open, rec.map) to a peer. */
  request(peer: string, op: 'rec.spans' | 'rec.open' | 'rec.map', args: Record<string, unknown>): Promise<unknown> {
    return this.linkOf(peer).request(op, args, this.links.requestTimeoutMs);
  }

  /** A session's fMP4 from the peer on a channel of its own; the channel is closed when the reader stops early. */
  async *stream(peer: string, session: string): AsyncGenerator<Buffer> {
    const link = this.linkOf(peer);
    const ch = this.nextCh;
    this.nextCh = this.nextCh >= 0xffff_fff0 ? REC_CHANNEL_BASE : this.nextCh + 1;
    const c = new Channel(peer, link, ch);
    this.channels.set(ch, c);
    try {
      await link.request('rec.stream', { ch, session }, this.links.requestTimeoutMs);
      yield* c.chunks(this.links.requestTimeoutMs);
    } finally {
      this.channels.delete(ch);
      if (!c.ended && link.open) void link.request('rec.close', { ch }, 2000).catch(() => undefined);
    }
  }

  /** A media frame of a footage channel (REC_CHANNEL_BASE and up). */
  media(peer: string, ch: number, payload: Buffer): void {
    const c = this.channels.get(ch);
    if (c && c.peer === peer) c.push(payload);
  }

  rec(peer: string, m: RecEndMessage): void {
    const c = this.channels.get(m.ch);
    if (c && c.peer === peer) c.finish(m.end?.ok === true, String(m.end?.reason ?? ''));
  }

  /** The peer's link went away: its footage channels break off. */
  unlinked(peer: string): void {
    for (const c of this.channels.values()) if (c.peer === peer) c.finish(false, 'link lost');
  }
}
