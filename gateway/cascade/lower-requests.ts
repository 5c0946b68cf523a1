// The lower platform's answers to its upper platform's requests: live streams carried over the link, PTZ and footage,
// each as the upper platform's account (its shares decide) with the upper platform's operator named in the audit.
import type { LiveSocket } from '../streams/live-viewer';
import type { Link } from './link';
import type { RequestMessage } from './protocol';
import { CascadeRemoteError } from './errors';
import { LowerFootage, type LowerFootageServices } from './lower-footage';

/** PTZ commands the upper platform may forward. */
export type PtzOp = 'move' | 'stop' | 'presets' | 'goto-preset' | 'capabilities';

/** What the answers need of the lower platform's services (provided by the wiring). */
export interface LowerServices {
  /**
   * Opens camera `cameraId`'s live stream as the upper platform's account (operator named in the audit) and
   * admits `socket` as its viewer; resolves with the codec once admitted. Throws the policy's refusals.
   */
  live(cameraId: string, profile: 'main' | 'sub', operator: string, socket: LiveSocket): Promise<{ codec: string }>;
  ptz(cameraId: string, op: PtzOp, args: Record<string, unknown>, operator: string): Promise<unknown>;
  /** Recorded footage: spans, sessions and their streams. */
  footage: LowerFootageServices;
}

/** A live channel: the viewer socket the lower platform's live pipeline writes into, carried over the link. */
class ChannelSocket implements LiveSocket {
  private closeFns: Array<() => void> = [];
  private done = false;

  constructor(
    private readonly link: Link,
    readonly ch: number,
    private readonly gone: (ch: number) => void,
  ) {}

  send(data: string | Buffer): void {
    if (this.done) return;
    if (typeof data === 'string') this.link.send({ t: 'live', ch: this.ch, msg: JSON.parse(data) as unknown });
    else this.link.sendMedia(this.ch, data);
  }

  bufferedAmount(): number {
    return this.link.bufferedAmount();
  }

  close(code: number, reason: string): void {
    if (this.done) return;
    this.link.send({ t: 'live', ch: this.ch, end: { code, reason } });
    this.finish();
  }

  onMessage(): void {
    // the upper platform sends nothing on a channel: pings are the link's own
  }

  onClose(fn: () => void): void {
    this.closeFns.push(fn);
  }

  /** The channel ends (the upper platform closed it, or the link is gone). */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.gone(this.ch);
    for (const fn of this.closeFns.splice(0)) fn();
  }
}

const str = (v: unknown, what: string, re: RegExp): string => {
  if (typeof v !== 'string' || !re.test(v)) throw new CascadeRemoteError(`cascade: request ${what} is malformed`, 400);
  return v;
};
const CAMERA = /^\d{1,19}$/;
const OPERATOR = /^[^\u0000-\u001f<>]{1,200}$/;

/** The request handler of one link (its live channels end with it). */
export class LowerRequests {
  private readonly channels = new Map<number, ChannelSocket>();
  private readonly footage: LowerFootage;

  constructor(
    private readonly link: Link,
    private readonly services: LowerServices,
  ) {
    this.footage = new LowerFootage(link, services.footage);
  }

  /** Footage channels being sent now. */
  footageChannels(): number {
    return this.footage.size;
  }

  /** The upper platform passed on `bytes` more of footage channel `ch`. */
  ack(ch: number, bytes: unknown): void {
    this.footage.ack(ch, bytes);
  }

  handle = async (m: RequestMessage): Promise<unknown> => {
    const a = m.args ?? {};
    // a live pull is shared by the upper platform's viewers: it names no operator ('')
    const operator = a.operator === undefined ? '' : str(a.operator, 'operator', OPERATOR);
    switch (m.op) {
      case 'live.open': {
        const ch = a.ch;
        if (typeof ch !== 'number' || !Number.isInteger(ch) || ch < 1 || ch > 0xffffffff || this.channels.has(ch))
          throw new CascadeRemoteError('cascade: live.open needs a new channel number', 400);
        const profile = a.profile === 'sub' ? 'sub' : 'main';
        const socket = new ChannelSocket(this.link, ch, (c) => this.channels.delete(c));
        this.channels.set(ch, socket);
        try {
          return await this.services.live(str(a.camera, 'camera', CAMERA), profile, operator, socket);
        } catch (err) {
          socket.finish();
          throw err;
        }
      }
      case 'live.close': {
        this.channels.get(Number(a.ch))?.finish();
        return { closed: true };
      }
      case 'ptz': {
        const op = str(a.command, 'command', /^(move|stop|presets|goto-preset|capabilities)$/) as PtzOp;
        const args = a.args && typeof a.args === 'object' ? (a.args as Record<string, unknown>) : {};
        return (await this.services.ptz(str(a.camera, 'camera', CAMERA), op, args, operator)) ?? null;
      }
      case 'rec.spans':
      case 'rec.open':
      case 'rec.map':
      case 'rec.stream':
      case 'rec.close':
        return this.footage.handle(m, operator);
      default:
        throw new CascadeRemoteError(`cascade: unknown request ${JSON.stringify(String(m.op).slice(0, 40))}`, 400);
    }
  };

  /** The link is gone: every channel's viewer leaves (the lower platform's sessions close and are audited). */
  close(): void {
    for (const s of [...this.channels.values()]) s.finish();
    this.footage.close();
  }
}
