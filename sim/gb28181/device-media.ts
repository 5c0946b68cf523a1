// A simulated GB/T 28181 device's media sessions: INVITE answered with SDP, shared live feeds, footage, ACK/INFO/BYE.
import { buildSdp, header, parseSdp, parseUri, type IncomingRequest } from '../../gateway/gb28181/index';
import { footageFeed } from './media-source';
import { openMediaSession, type MediaSession } from './media-sender';
import { FootageSession, cutFor } from './recordings';
import { EncoderFeed, RtspRelayFeed, type PictureFeed } from './picture-feed';
import type { SimGbDeviceOptions } from './device-options';

/** What the media sessions need of their device. */
export interface DeviceMediaHost {
  /** The device's SIP Contact, `<sip:id@host:port>`. */
  contact(): string;
  /** A footage session reached its end: the device tells the platform (MediaStatus 121). */
  mediaEnded(channelId: string): void;
  /** Emits one of the device's events ('invite', 'bye', 'mansrtsp'). */
  emit(event: string, arg: unknown): void;
}

export class DeviceMedia {
  private readonly sessions = new Map<string, { channelId: string; media: MediaSession; footage?: FootageSession }>();
  private readonly feeds = new Map<string, PictureFeed>();

  constructor(
    private readonly opts: SimGbDeviceOptions,
    private readonly host: DeviceMediaHost,
  ) {}

  /** Starts pulling the RTSP cameras the channels front. */
  start(): void {
    for (const c of this.opts.channels) if (c.rtspUrl) this.feeds.set(c.id, new RtspRelayFeed(c.rtspUrl));
  }

  /** INVITE for a channel: live (Play) or footage (Playback, Download); answered 100, then 200 with the SDP answer. */
  async invite(r: IncomingRequest): Promise<void> {
    const channelId = parseUri(r.req.uri).user;
    if (!this.opts.channels.some((c) => c.id === channelId)) return r.reply(404, 'Not Found');
    let offer;
    try {
      offer = parseSdp(r.req.body.toString('utf8'));
    } catch {
      return r.reply(488, 'Not Acceptable Here');
    }
    const recorded = /^(playback|download)$/i.test(offer.session);
    const cut = recorded ? cutFor(this.opts.recordings ?? [], channelId, offer) : null;
    if (recorded && !cut) return r.reply(404, 'Not Found');
    r.reply(100, 'Trying');
    const ssrc = Number(offer.ssrc ?? '0');
    const video = this.opts.video ?? {};
    const onEnd = (): void => this.host.mediaEnded(channelId);
    // live: the channel's one feed, shared by its sessions; footage: encoded for this session from the instant asked
    const feed = cut
      ? footageFeed({ ...video, startS: cut.offsetS, durationS: cut.durationS, rate: cut.speed }, onEnd)
      : this.feed(channelId);
    const media = await openMediaSession(offer.transport, offer.address, offer.port, ssrc, feed);
    const footage = cut ? new FootageSession(cut, media, video, onEnd) : undefined;
    this.sessions.set(header(r.req, 'Call-ID') ?? '', { channelId, media, ...(footage ? { footage } : {}) });
    this.host.emit('invite', { channelId, transport: offer.transport, session: offer.session, time: offer.time });
    const answer = buildSdp({
      origin: channelId,
      address: '127.0.0.1',
      port: media.localPort,
      transport: offer.transport === 'udp' ? 'udp' : offer.transport === 'tcp-passive' ? 'tcp-active' : 'tcp-passive',
      ssrc: offer.ssrc ?? '0',
      direction: 'sendonly',
    });
    const contact = {
      name: 'Contact',
      value: `<sip:${channelId}@${this.host.contact().replace(/^<sip:[^@]+@|>$/g, '')}>`,
    };
    r.reply(200, 'OK', [contact, { name: 'Content-Type', value: 'APPLICATION/SDP' }], Buffer.from(answer));
  }

  /** ACK: the session's media starts (never on a silent channel). */
  ack(r: IncomingRequest): void {
    const { req } = r;
    const session = this.sessions.get(header(req, 'Call-ID') ?? '');
    if (session && !this.opts.silentChannels?.includes(session.channelId)) (session.footage ?? session.media).start();
  }

  /** INFO: a MANSRTSP command (play, pause, scale, …) for a footage session. */
  info(r: IncomingRequest): void {
    const { req } = r;
    const footage = this.sessions.get(header(req, 'Call-ID') ?? '')?.footage;
    if (!footage) return r.reply(481, 'Call/Transaction Does Not Exist');
    try {
      const cmd = footage.control(req.body.toString('utf8'));
      this.host.emit('mansrtsp', cmd);
      return r.reply(200, 'OK');
    } catch {
      return r.reply(400, 'Bad Request');
    }
  }

  /** BYE: the session ends. */
  bye(r: IncomingRequest): void {
    const { req } = r;
    const id = header(req, 'Call-ID') ?? '';
    const s = this.sessions.get(id);
    r.reply(s ? 200 : 481, s ? 'OK' : 'Call/Transaction Does Not Exist');
    if (s) {
      s.media.stop();
      this.sessions.delete(id);
      this.host.emit('bye', s.channelId);
    }
  }

  /** The channel's pictures: the RTSP camera it fronts, or an encoder of its own run while it plays. */
  private feed(channelId: string): PictureFeed {
    let f = this.feeds.get(channelId);
    if (!f) this.feeds.set(channelId, (f = new EncoderFeed(this.opts.video ?? {})));
    return f;
  }

  /** Channels with a session running. */
  playing(): string[] {
    return [...this.sessions.values()].map((s) => s.channelId);
  }

  /** Stops every session and closes every feed. */
  close(): void {
    for (const s of this.sessions.values()) s.media.stop();
    this.sessions.clear();
    for (const f of this.feeds.values()) f.close();
    this.feeds.clear();
  }
}
