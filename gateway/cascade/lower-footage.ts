// The lower platform's side of recorded footage over a link: spans, sessions and maps asked by the upper platform, and
// footage channels sent ahead of the upper platform's acknowledgements by at most REC_WINDOW_BYTES.
import type { Link } from './link';
import { CascadeRemoteError } from './errors';
import { REC_CHANNEL_BASE, REC_WINDOW_BYTES, type RequestMessage } from './protocol';

/** What footage needs of the lower platform's playback (provided by the wiring), as the upper platform's account. */
export interface LowerFootageServices {
  spans(cameraId: string, q: { from: string; to: string; profile: 'main' | 'sub' }, operator: string): Promise<unknown>;
  /** Opens a session (audited, naming the operator): `session` is what rec.map and rec.stream name it by. */
  open(
    cameraId: string,
    req: { start: string; end?: string; profile: 'main' | 'sub'; speed: number; reason?: string },
    operator: string,
  ): Promise<{ session: string } & Record<string, unknown>>;
  map(session: string): Promise<unknown>;
  /** The session's fMP4, its access checked again as it goes. */
  stream(session: string): Promise<AsyncGenerator<Buffer>>;
}

const fail = (what: string): never => {
  throw new CascadeRemoteError(`cascade: request ${what} is malformed`, 400);
};
const str = (v: unknown, what: string, re: RegExp): string => (typeof v === 'string' && re.test(v) ? v : fail(what));
const CAMERA = /^\d{1,19}$/;
const INSTANT = /^[\d:.TZ+-]{10,40}$/;
const SESSION = /^[\w.-]{1,3000}$/;
const SPEEDS = new Set([1, 2, 4, 8, 16, 32]);

/** One footage channel being sent. */
class Pump {
  unacked = 0;
  stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    readonly ch: number,
    private readonly gen: AsyncGenerator<Buffer>,
  ) {}

  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Sends every chunk (waiting while the window is full), then the end, or where it broke off. */
  async run(link: Link, first: Buffer): Promise<void> {
    try {
      for (let b: Buffer | undefined = first; b;) {
        while (this.unacked >= REC_WINDOW_BYTES && !this.stopped && link.open)
          await new Promise<void>((ok) => (this.wake = ok));
        if (this.stopped || !link.open) return;
        link.sendMedia(this.ch, b);
        this.unacked += b.length;
        const n = await this.gen.next();
        b = n.done ? undefined : n.value;
      }
      link.send({ t: 'rec', ch: this.ch, end: { ok: true, reason: 'end of the session' } });
    } catch (err) {
      link.send({ t: 'rec', ch: this.ch, end: { ok: false, reason: (err as Error).message } });
    } finally {
      await this.gen.return(undefined).catch(() => undefined);
    }
  }
}

/** The footage requests of one link (its channels stop with it). */
export class LowerFootage {
  private readonly pumps = new Map<number, Pump>();

  constructor(
    private readonly link: Link,
    private readonly services: LowerFootageServices,
  ) {}

  handle = async (m: RequestMessage, operator: string): Promise<unknown> => {
    const a = m.args ?? {};
    const profile = a.profile === 'sub' ? 'sub' : 'main';
    switch (m.op) {
      case 'rec.spans':
        return this.services.spans(
          str(a.camera, 'camera', CAMERA),
          { from: str(a.from, 'from', INSTANT), to: str(a.to, 'to', INSTANT), profile },
          operator,
        );
      case 'rec.open': {
        const speed = typeof a.speed === 'number' && SPEEDS.has(a.speed) ? a.speed : fail('speed');
        const reason = a.reason === undefined ? {} : { reason: str(a.reason, 'reason', /^[^\u0000-\u001f]{1,400}$/) };
        const end = a.end === undefined ? {} : { end: str(a.end, 'end', INSTANT) };
        const req = { start: str(a.start, 'start', INSTANT), ...end, profile, speed, ...reason } as const;
        return this.services.open(str(a.camera, 'camera', CAMERA), req, operator);
      }
      case 'rec.map':
        return this.services.map(str(a.session, 'session', SESSION));
      case 'rec.stream':
        return this.start(a.ch, str(a.session, 'session', SESSION));
      case 'rec.close':
        this.pumps.get(Number(a.ch))?.stop();
        return { closed: true };
      default:
        return fail('op');
    }
  };

  ack(ch: number, bytes: unknown): void {
    if (typeof bytes === 'number' && Number.isFinite(bytes)) this.pumps.get(ch)?.ack(bytes);
  }

  /** Starts a channel once its first chunk (the init) is there: a session that cannot be played is the answer. */
  private async start(ch: unknown, session: string): Promise<unknown> {
    if (typeof ch !== 'number' || !Number.isInteger(ch) || ch < REC_CHANNEL_BASE || ch > 0xffff_ffff)
      return fail('channel');
    if (this.pumps.has(ch)) throw new CascadeRemoteError(`cascade: footage channel ${ch} is in use`, 409);
    const gen = await this.services.stream(session);
    const first = await gen.next();
    if (first.done) throw new CascadeRemoteError('cascade: the session has no footage', 404);
    const pump = new Pump(ch, gen);
    this.pumps.set(ch, pump);
    void pump.run(this.link, first.value).finally(() => this.pumps.delete(ch));
    return { started: true };
  }

  /** Footage channels being sent now. */
  get size(): number {
    return this.pumps.size;
  }

  /** The link is gone: every channel stops. */
  close(): void {
    for (const p of this.pumps.values()) p.stop();
  }
}
