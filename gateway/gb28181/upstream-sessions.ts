// The media sessions a superior platform opens on a lower one (§9.2, §9.8, annex B): its INVITE answered with a
// session of the caller's (live Play, or recorded Playback/Download with t= and u=), started at ACK, steered by
// MANSRTSP in INFO (pause, resume, seek, speed), ended by BYE; a recorded session that has sent all its footage says
// so with MediaStatus 121.
import { GbError } from './errors';
import { parseMansrtsp, type MansrtspCommand } from './mansrtsp';
import { buildSdp, parseSdp, type GbSdp, type MediaTransport } from './sdp';
import { parseUri } from './sip-headers';
import { header } from './sip-message';
import type { IncomingRequest } from './sip-endpoint';

/** A media session answering the superior's INVITE: its local port for the answer, started at ACK, stopped at BYE. */
export interface UpstreamMedia {
  localPort: number;
  /** The transport of the answer (ours, the sender's role). */
  transport: MediaTransport;
  /** At the superior's ACK; a recorded session calls `ended` once it has sent the whole range. */
  start(ended: () => void): void;
  stop(): void;
  /** The superior's MANSRTSP (recorded sessions only); throw to refuse the command. */
  control?(cmd: MansrtspCommand): void;
}

/** A refusal of an INVITE with its SIP status (404 unknown channel or no footage, 486 busy …). */
export class UpstreamRefusal extends GbError {
  override name = 'UpstreamRefusal';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const REASONS: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  486: 'Busy Here',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
};

export interface UpstreamSessionHooks {
  /** Our address for the answer's c= and the Contact's host:port. */
  host: string;
  contactHostPort(): string;
  play(channelId: string, offer: GbSdp, ssrc: number): Promise<UpstreamMedia>;
  /** A recorded session of `channelId` has sent all its footage: MediaStatus 121 to the superior. */
  mediaEnded(channelId: string): void;
  emit(event: 'invite' | 'bye' | 'mansrtsp' | 'error-log', arg: unknown): void;
}

interface Session {
  channelId: string;
  media: UpstreamMedia;
  started: boolean;
}

/** The superior's sessions by Call-ID. */
export class UpstreamSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly h: UpstreamSessionHooks) {}

  /** INVITE, ACK, INFO and BYE; false for any other method. */
  handle(r: IncomingRequest): boolean {
    const { req } = r;
    const id = header(req, 'Call-ID') ?? '';
    if (req.method === 'INVITE') return (void this.invite(r).catch((e: Error) => this.fail(e)), true);
    if (req.method === 'ACK') {
      const s = this.sessions.get(id);
      if (s && !s.started) {
        s.started = true;
        let told = false;
        s.media.start(() => {
          if (told || this.sessions.get(id) !== s) return;
          told = true;
          this.h.mediaEnded(s.channelId);
        });
      }
      return true;
    }
    if (req.method === 'INFO') {
      this.info(r, this.sessions.get(id));
      return true;
    }
    if (req.method === 'BYE') {
      const s = this.sessions.get(id);
      r.reply(s ? 200 : 481, s ? 'OK' : 'Call/Transaction Does Not Exist');
      if (s) {
        s.media.stop();
        this.sessions.delete(id);
        this.h.emit('bye', s.channelId);
      }
      return true;
    }
    return false;
  }

  private fail(e: Error): void {
    this.h.emit('error-log', `gb28181 upstream: ${e.message}`);
  }

  private info(r: IncomingRequest, s: Session | undefined): void {
    if (!s) return r.reply(481, 'Call/Transaction Does Not Exist');
    if (!s.media.control) return r.reply(405, 'Method Not Allowed');
    let cmd: MansrtspCommand;
    try {
      cmd = parseMansrtsp(r.req.body.toString('utf8'));
      s.media.control(cmd);
    } catch (err) {
      this.fail(new Error(`MANSRTSP for ${s.channelId} refused: ${(err as Error).message}`));
      return r.reply(400, 'Bad Request');
    }
    r.reply(200, 'OK');
    this.h.emit('mansrtsp', { channelId: s.channelId, command: cmd });
  }

  private async invite(r: IncomingRequest): Promise<void> {
    const id = header(r.req, 'Call-ID') ?? '';
    let channelId: string;
    let offer: GbSdp;
    try {
      channelId = parseUri(r.req.uri).user;
      offer = parseSdp(r.req.body.toString('utf8'));
    } catch {
      return r.reply(488, 'Not Acceptable Here');
    }
    r.reply(100, 'Trying');
    const ssrc = Number(offer.ssrc ?? '0');
    let media: UpstreamMedia;
    try {
      media = await this.h.play(channelId, offer, ssrc);
    } catch (err) {
      const status = err instanceof UpstreamRefusal ? err.status : 500;
      this.fail(new Error(`INVITE (${offer.session}) of ${channelId} refused: ${(err as Error).message}`));
      return r.reply(status, REASONS[status] ?? 'Refused');
    }
    this.sessions.set(id, { channelId, media, started: false });
    this.h.emit('invite', { channelId, transport: offer.transport, session: offer.session, time: offer.time });
    const answer = buildSdp({
      origin: channelId,
      address: this.h.host,
      port: media.localPort,
      transport: media.transport,
      ssrc: offer.ssrc ?? '0',
      direction: 'sendonly',
    });
    const contact = { name: 'Contact', value: `<sip:${channelId}@${this.h.contactHostPort()}>` };
    r.reply(200, 'OK', [contact, { name: 'Content-Type', value: 'APPLICATION/SDP' }], Buffer.from(answer));
  }

  /** Channels the superior plays now. */
  playing(): string[] {
    return [...this.sessions.values()].map((s) => s.channelId);
  }

  stopAll(): void {
    for (const s of this.sessions.values()) s.media.stop();
    this.sessions.clear();
  }
}
