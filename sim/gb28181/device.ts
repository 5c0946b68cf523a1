// A simulated GB/T 28181 device (an IPC with one channel or an NVR with several): registers with digest, keeps alive, answers queries, PTZ and INVITE.
import { EventEmitter } from 'node:events';
import {
  MANSCDP,
  SipEndpoint,
  authorizationHeader,
  buildCatalogPages,
  buildDeviceInfoResponse,
  buildDeviceStatusResponse,
  buildKeepalive,
  buildMediaStatusNotify,
  buildRecordInfoPages,
  buildRequest,
  buildSdp,
  decodePtzCmd,
  header,
  newCallId,
  newTag,
  parseDigest,
  parseManscdp,
  parseSdp,
  parseUri,
  type BodyCharset,
  type CatalogItem,
  type IncomingRequest,
  type ManscdpDoc,
  type PtzCommand,
  type SipPeer,
  type SipResponse,
} from '../../gateway/gb28181/index';
import { footageFeed, type MediaSourceOptions } from './media-source';
import { openMediaSession, type MediaSession } from './media-sender';
import { FootageSession, cutFor, recordItemsFor, type SimRecording } from './recordings';
import { EncoderFeed, RtspRelayFeed, type PictureFeed } from './picture-feed';

export interface SimChannel {
  id: string;
  name: string;
  longitude?: number;
  latitude?: number;
  /** 1 dome, 3 fixed. */
  ptzType?: number;
  civilCode?: string;
  /** An RTSP camera the channel fronts (pulled all the time, as an NVR pulls its IPCs); else the device's own encoder. */
  rtspUrl?: string;
}

export interface SimGbDeviceOptions {
  id: string;
  name?: string;
  model?: string;
  channels: SimChannel[];
  server: { host: string; port: number; id: string; realm: string };
  /** Loopback address the device sends from (many devices on one machine each get their own). Default 127.0.0.1. */
  host?: string;
  password: string;
  transport?: 'udp' | 'tcp';
  /** Seconds between keepalives. Default 60. */
  keepaliveS?: number;
  expiresS?: number;
  /** Catalog items per MESSAGE. Default 4 (what many NVRs send). */
  catalogPageSize?: number;
  charset?: BodyCharset;
  video?: MediaSourceOptions;
  /** Channels that answer INVITE but never send media (a firewalled media path: the play-timeout case). */
  silentChannels?: string[];
  /** The NVR's own footage, answered to RecordInfo and sent on Playback/Download INVITEs. */
  recordings?: SimRecording[];
  /** RecordInfo items per MESSAGE. Default 10. */
  recordPageSize?: number;
  /** The device clock's UTC offset in minutes (MANSCDP times are local). Default 480 (China Standard Time). */
  utcOffsetMin?: number;
}

/** Events: 'registered', 'ptz' ({ channelId, command }), 'invite' ({ channelId, transport }), 'bye' (channelId). */
export class SimGbDevice extends EventEmitter {
  readonly endpoint: SipEndpoint;
  readonly ptzLog: Array<{ channelId: string; command: PtzCommand }> = [];
  private peer: SipPeer | null = null;
  private readonly callId: string;
  private readonly fromTag = newTag();
  private cseq = 1;
  private sn = 1;
  private keepalive: NodeJS.Timeout | null = null;
  private subscribed = false;
  private readonly sessions = new Map<string, { channelId: string; media: MediaSession; footage?: FootageSession }>();
  private readonly feeds = new Map<string, PictureFeed>();

  constructor(readonly opts: SimGbDeviceOptions) {
    super();
    const tcp = opts.transport === 'tcp';
    this.endpoint = new SipEndpoint({ host: this.host, ...(tcp ? {} : { udpPort: 0 }), udpRecvBufferBytes: 65536 });
    this.callId = newCallId(this.host);
    this.endpoint.on(
      'request',
      (r: IncomingRequest) => void this.onRequest(r).catch((e: Error) => this.emit('error-log', e.message)),
    );
  }

  private get host(): string {
    return this.opts.host ?? '127.0.0.1';
  }

  private get realm(): string {
    return this.opts.server.realm;
  }

  private get me(): string {
    return `<sip:${this.opts.id}@${this.realm}>`;
  }

  async start(): Promise<void> {
    for (const c of this.opts.channels) if (c.rtspUrl) this.feeds.set(c.id, new RtspRelayFeed(c.rtspUrl));
    await this.endpoint.start();
    const s = this.opts.server;
    this.peer =
      this.opts.transport === 'tcp'
        ? await this.endpoint.connect(s.host, s.port)
        : { transport: 'udp', address: s.host, port: s.port };
    await this.register(this.opts.expiresS ?? 3600);
    this.startKeepalives();
  }

  private contact(): string {
    const port = this.opts.transport === 'tcp' ? (this.peer?.socket?.localPort ?? 0) : this.endpoint.udpPort;
    return `<sip:${this.opts.id}@${this.host}:${port}>`;
  }

  /** REGISTER, answering the 401 challenge with digest. Resolves with the final response. */
  async register(expires: number, password = this.opts.password): Promise<SipResponse> {
    const s = this.opts.server;
    const req = (auth?: string): ReturnType<typeof buildRequest> =>
      buildRequest({
        method: 'REGISTER',
        uri: `sip:${s.id}@${this.realm}`,
        from: `${this.me};tag=${this.fromTag}`,
        to: this.me,
        callId: this.callId,
        cseq: this.cseq++,
        contact: this.contact(),
        userAgent: 'CloudEye SimGB',
        extra: [{ name: 'Expires', value: String(expires) }, ...(auth ? [{ name: 'Authorization', value: auth }] : [])],
      });
    let res = await this.endpoint.request(this.mustPeer(), req());
    if (res.status === 401) {
      const challenge = parseDigest(header(res, 'WWW-Authenticate') ?? '') ?? {};
      const auth = authorizationHeader(challenge, {
        username: this.opts.id,
        password,
        method: 'REGISTER',
        uri: `sip:${s.id}@${this.realm}`,
      });
      res = await this.endpoint.request(this.mustPeer(), req(auth));
    }
    if (res.status === 200 && expires > 0) this.emit('registered');
    return res;
  }

  private mustPeer(): SipPeer {
    if (!this.peer) throw new Error('sim gb28181: device not started');
    return this.peer;
  }

  startKeepalives(): void {
    this.stopKeepalives();
    this.keepalive = setInterval(
      () => void this.sendKeepalive().catch(() => undefined),
      (this.opts.keepaliveS ?? 60) * 1000,
    );
  }

  /** Stops keepalives (a device that goes silent). */
  stopKeepalives(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
  }

  sendKeepalive(): Promise<SipResponse> {
    return this.message(buildKeepalive(this.sn++, this.opts.id, this.opts.charset));
  }

  private message(body: Buffer): Promise<SipResponse> {
    const s = this.opts.server;
    const req = buildRequest({
      method: 'MESSAGE',
      uri: `sip:${s.id}@${this.realm}`,
      from: `${this.me};tag=${newTag()}`,
      to: `<sip:${s.id}@${this.realm}>`,
      callId: newCallId(this.host),
      cseq: 20,
      body,
      contentType: MANSCDP,
    });
    return this.endpoint.request(this.mustPeer(), req);
  }

  /** Sends catalog changes to a subscribed platform as NOTIFY (no-op without a subscription). */
  async notifyCatalog(items: CatalogItem[]): Promise<void> {
    if (!this.subscribed) return;
    const s = this.opts.server;
    const pages = buildCatalogPages(
      this.sn++,
      this.opts.id,
      items,
      this.opts.catalogPageSize ?? 4,
      this.opts.charset,
      'Notify',
    );
    for (const body of pages) {
      const req = buildRequest({
        method: 'NOTIFY',
        uri: `sip:${s.id}@${this.realm}`,
        from: `${this.me};tag=${newTag()}`,
        to: `<sip:${s.id}@${this.realm}>`,
        callId: newCallId(this.host),
        cseq: 1,
        extra: [
          { name: 'Event', value: 'Catalog' },
          { name: 'Subscription-State', value: 'active' },
        ],
        body,
        contentType: MANSCDP,
      });
      await this.endpoint.request(this.mustPeer(), req);
    }
  }

  /** A channel going off or on line, told to a subscribed platform. */
  setChannelStatus(channelId: string, on: boolean): Promise<void> {
    const item = this.catalog().find((i) => i.deviceId === channelId);
    if (!item) return Promise.resolve();
    return this.notifyCatalog([{ ...item, status: on ? 'ON' : 'OFF', event: on ? 'ON' : 'OFF' }]);
  }

  private catalog(): CatalogItem[] {
    return this.opts.channels.map((c) => ({
      deviceId: c.id,
      name: c.name,
      manufacturer: 'CloudEye',
      model: this.opts.model ?? 'SIM-GB',
      owner: 'Owner',
      civilCode: c.civilCode ?? this.realm.slice(0, 6),
      address: c.name,
      parental: 0,
      parentId: this.opts.id,
      registerWay: 1,
      secrecy: 0,
      status: 'ON',
      ...(c.longitude !== undefined ? { longitude: c.longitude } : {}),
      ...(c.latitude !== undefined ? { latitude: c.latitude } : {}),
      ...(c.ptzType !== undefined ? { ptzType: c.ptzType } : {}),
    }));
  }

  private async onRequest(r: IncomingRequest): Promise<void> {
    const { req } = r;
    if (req.method === 'MESSAGE') {
      let doc: ManscdpDoc;
      try {
        doc = parseManscdp(req.body);
      } catch {
        return r.reply(400, 'Bad Request');
      }
      r.reply(200, 'OK');
      return this.onManscdp(doc);
    }
    if (req.method === 'INVITE') return this.onInvite(r);
    if (req.method === 'SUBSCRIBE') {
      let doc: ManscdpDoc;
      try {
        doc = parseManscdp(req.body);
      } catch {
        return r.reply(400, 'Bad Request');
      }
      this.subscribed = doc.cmdType === 'Catalog';
      r.reply(this.subscribed ? 200 : 489, this.subscribed ? 'OK' : 'Bad Event', [
        { name: 'Expires', value: header(req, 'Expires') ?? '3600' },
      ]);
      if (this.subscribed) await this.notifyCatalog(this.catalog().map((i) => ({ ...i, event: 'ADD' })));
      return;
    }
    if (req.method === 'ACK') {
      const session = this.sessions.get(header(req, 'Call-ID') ?? '');
      if (session && !this.opts.silentChannels?.includes(session.channelId)) (session.footage ?? session.media).start();
      return;
    }
    if (req.method === 'INFO') {
      const footage = this.sessions.get(header(req, 'Call-ID') ?? '')?.footage;
      if (!footage) return r.reply(481, 'Call/Transaction Does Not Exist');
      try {
        const cmd = footage.control(req.body.toString('utf8'));
        this.emit('mansrtsp', cmd);
        return r.reply(200, 'OK');
      } catch {
        return r.reply(400, 'Bad Request');
      }
    }
    if (req.method === 'BYE') {
      const id = header(req, 'Call-ID') ?? '';
      const s = this.sessions.get(id);
      r.reply(s ? 200 : 481, s ? 'OK' : 'Call/Transaction Does Not Exist');
      if (s) {
        s.media.stop();
        this.sessions.delete(id);
        this.emit('bye', s.channelId);
      }
      return;
    }
    r.reply(405, 'Method Not Allowed');
  }

  private async onManscdp(doc: ManscdpDoc): Promise<void> {
    const cs = this.opts.charset;
    if (doc.root === 'Control' && typeof doc.node.PTZCmd === 'string') {
      const { command } = decodePtzCmd(doc.node.PTZCmd);
      this.ptzLog.push({ channelId: doc.deviceId, command });
      this.emit('ptz', { channelId: doc.deviceId, command });
      return;
    }
    if (doc.root !== 'Query') return;
    if (doc.cmdType === 'Catalog') {
      for (const page of buildCatalogPages(doc.sn, this.opts.id, this.catalog(), this.opts.catalogPageSize ?? 4, cs))
        await this.message(page);
    } else if (doc.cmdType === 'DeviceInfo') {
      const info = {
        deviceId: this.opts.id,
        deviceName: this.opts.name ?? 'SimGB',
        manufacturer: 'CloudEye',
        model: this.opts.model ?? 'SIM-GB',
      };
      await this.message(
        buildDeviceInfoResponse(doc.sn, { ...info, firmware: '1.0', channels: this.opts.channels.length }, cs),
      );
    } else if (doc.cmdType === 'DeviceStatus') {
      await this.message(
        buildDeviceStatusResponse(doc.sn, { deviceId: this.opts.id, recording: 'OFF', alarms: [] }, cs),
      );
    } else if (doc.cmdType === 'RecordInfo') {
      const q = (k: string): string => (typeof doc.node[k] === 'string' ? (doc.node[k] as string) : '');
      const items = recordItemsFor(
        this.opts.recordings ?? [],
        doc.deviceId,
        q('StartTime'),
        q('EndTime'),
        this.opts.utcOffsetMin ?? 480,
      );
      const name = this.opts.channels.find((c) => c.id === doc.deviceId)?.name ?? this.opts.name ?? 'SimGB';
      for (const page of buildRecordInfoPages(doc.sn, doc.deviceId, name, items, this.opts.recordPageSize ?? 10, cs))
        await this.message(page);
    }
  }

  private async onInvite(r: IncomingRequest): Promise<void> {
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
    const onEnd = (): void =>
      void this.message(buildMediaStatusNotify(this.sn++, channelId, 121, this.opts.charset)).catch(() => undefined);
    // live: the channel's one feed, shared by its sessions; footage: encoded for this session from the instant asked
    const feed = cut
      ? footageFeed({ ...video, startS: cut.offsetS, durationS: cut.durationS, rate: cut.speed }, onEnd)
      : this.feed(channelId);
    const media = await openMediaSession(offer.transport, offer.address, offer.port, ssrc, feed);
    const footage = cut ? new FootageSession(cut, media, video, onEnd) : undefined;
    this.sessions.set(header(r.req, 'Call-ID') ?? '', { channelId, media, ...(footage ? { footage } : {}) });
    this.emit('invite', { channelId, transport: offer.transport, session: offer.session, time: offer.time });
    const answer = buildSdp({
      origin: channelId,
      address: '127.0.0.1',
      port: media.localPort,
      transport: offer.transport === 'udp' ? 'udp' : offer.transport === 'tcp-passive' ? 'tcp-active' : 'tcp-passive',
      ssrc: offer.ssrc ?? '0',
      direction: 'sendonly',
    });
    const contact = { name: 'Contact', value: `<sip:${channelId}@${this.contact().replace(/^<sip:[^@]+@|>$/g, '')}>` };
    r.reply(200, 'OK', [contact, { name: 'Content-Type', value: 'APPLICATION/SDP' }], Buffer.from(answer));
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

  async close(): Promise<void> {
    this.stopKeepalives();
    for (const s of this.sessions.values()) s.media.stop();
    this.sessions.clear();
    for (const f of this.feeds.values()) f.close();
    this.feeds.clear();
    await this.endpoint.close();
  }
}
