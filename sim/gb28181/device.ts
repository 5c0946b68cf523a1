// A simulated GB/T 28181 device (an IPC with one channel or an NVR with several): registers with digest, keeps alive, answers queries, PTZ and INVITE.
import { EventEmitter } from 'node:events';
import {
  MANSCDP,
  SipEndpoint,
  authorizationHeader,
  buildCatalogPages,
  buildKeepalive,
  buildMediaStatusNotify,
  buildRequest,
  decodePtzCmd,
  header,
  newCallId,
  newTag,
  parseDigest,
  parseManscdp,
  type CatalogItem,
  type IncomingRequest,
  type ManscdpDoc,
  type PtzCommand,
  type SipPeer,
  type SipResponse,
} from '../../gateway/gb28181/index';
import { DeviceMedia } from './device-media';
import type { SimGbDeviceOptions } from './device-options';
import { catalogOf, queryAnswers } from './device-queries';

export type { SimChannel, SimGbDeviceOptions } from './device-options';

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
  private readonly media: DeviceMedia;

  constructor(readonly opts: SimGbDeviceOptions) {
    super();
    const tcp = opts.transport === 'tcp';
    this.endpoint = new SipEndpoint({ host: this.host, ...(tcp ? {} : { udpPort: 0 }), udpRecvBufferBytes: 65536 });
    this.callId = newCallId(this.host);
    this.endpoint.on(
      'request',
      (r: IncomingRequest) => void this.onRequest(r).catch((e: Error) => this.emit('error-log', e.message)),
    );
    this.media = new DeviceMedia(opts, {
      contact: () => this.contact(),
      mediaEnded: (channelId) =>
        void this.message(buildMediaStatusNotify(this.sn++, channelId, 121, this.opts.charset)).catch(() => undefined),
      emit: (event, arg) => this.emit(event, arg),
    });
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
    this.media.start();
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
    return catalogOf(this.opts);
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
    if (req.method === 'INVITE') return this.media.invite(r);
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
    if (req.method === 'ACK') return this.media.ack(r);
    if (req.method === 'INFO') return this.media.info(r);
    if (req.method === 'BYE') return this.media.bye(r);
    r.reply(405, 'Method Not Allowed');
  }

  private async onManscdp(doc: ManscdpDoc): Promise<void> {
    if (doc.root === 'Control' && typeof doc.node.PTZCmd === 'string') {
      const { command } = decodePtzCmd(doc.node.PTZCmd);
      this.ptzLog.push({ channelId: doc.deviceId, command });
      this.emit('ptz', { channelId: doc.deviceId, command });
      return;
    }
    for (const body of queryAnswers(this.opts, doc)) await this.message(body);
  }

  /** Channels with a session running. */
  playing(): string[] {
    return this.media.playing();
  }

  async close(): Promise<void> {
    this.stopKeepalives();
    this.media.close();
    await this.endpoint.close();
  }
}
