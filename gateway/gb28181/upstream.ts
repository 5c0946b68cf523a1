// The lower-platform side of a GB/T 28181 cascade (§9.1, §9.2, §9.5, §9.6): registers with a superior platform
// (digest), keeps the registration (refresh, keepalive; again at once when the superior forgets us, with backoff while
// it refuses or is unreachable), answers its Catalog, DeviceInfo, DeviceStatus and RecordInfo queries and its Catalog
// subscription, passes its PTZ on, and answers its INVITEs with media sessions (upstream-sessions.ts). What is shared, what is recorded and how
// media is sent is the caller's (options).
import { EventEmitter } from 'node:events';
import { authorizationHeader, parseDigest } from './digest';
import { SipStatusError, SipTimeoutError } from './errors';
import { buildKeepalive, type BodyCharset } from './manscdp-build';
import type { CatalogItem } from './manscdp-catalog';
import { buildMediaStatusNotify } from './manscdp-record';
import { parseManscdp, type ManscdpDoc } from './manscdp';
import type { PtzCommand } from './ptz';
import type { GbSdp } from './sdp';
import { header, type SipResponse } from './sip-message';
import { SipEndpoint, type IncomingRequest, type SipPeer } from './sip-endpoint';
import { MANSCDP, buildRequest, newCallId, newTag } from './sip-request';
import { UpstreamSessions, type UpstreamMedia } from './upstream-sessions';
import { answerManscdp, type UpstreamRecord } from './upstream-queries';
import { CatalogSubscription } from './upstream-subscription';
import { SuperiorGate } from './upstream-gate';

export { UpstreamRefusal, type UpstreamMedia } from './upstream-sessions';
export type { UpstreamRecord } from './upstream-queries';

export type UpstreamState = 'registering' | 'registered' | 'auth-failed' | 'refused' | 'unreachable' | 'stopped';

export interface UpstreamOptions {
  /** Our platform's 20-digit id (the superior knows us by it) and the address we bind and name in Contact. */
  localId: string;
  host: string;
  superior: { id: string; domain: string; address: string; port: number; transport: 'udp' | 'tcp' };
  password: string;
  /** Expires asked in REGISTER, seconds; refreshed at 2/3 of what is granted. */
  registerExpiresS: number;
  keepaliveS: number;
  /** Keepalives unanswered in a row before the superior is taken as gone (then registered again). Default 3. */
  keepaliveMisses?: number;
  /** Backoff between failed registrations, ms. Default 1000 doubling to 60000. */
  backoff?: { initialMs: number; maxMs: number };
  /** SIP T1 (Timer F = 64·T1 is how long a request waits over UDP), ms. Default 500. */
  t1Ms?: number;
  charset?: BodyCharset;
  name?: string;
  /** The channels shared upward, now (with their ParentID, CivilCode, positions, status). */
  catalog(): Promise<CatalogItem[]>;
  /** A PTZCmd of the superior for a shared channel. */
  ptz?(channelId: string, command: PtzCommand): Promise<void>;
  /**
   * The superior's INVITE of a channel: a session sending to its offer (offer.session Play, or Playback/Download of
   * offer.time); throw UpstreamRefusal for a clear no.
   */
  play(channelId: string, offer: GbSdp, ssrc: number): Promise<UpstreamMedia>;
  /** The recordings of a shared channel overlapping [fromMs, toMs) of `type` (all, time, alarm …); none when absent. */
  records?(channelId: string, fromMs: number, toMs: number, type: string): Promise<UpstreamRecord[]>;
  /** Offset from UTC of the superior's MANSCDP times (local, without offset), minutes. Default 480 (UTC+8). */
  utcOffsetMin?: number;
}

/**
 * Events: 'state' (UpstreamState, detail), 'ptz' ({ channelId, command }), 'invite' ({ channelId, session, time }),
 * 'mansrtsp' ({ channelId, command }), 'bye' (channelId), 'error-log' (text).
 */
export class GbUpstream extends EventEmitter {
  readonly endpoint: SipEndpoint;
  state: UpstreamState = 'registering';
  detail = '';
  private peer: SipPeer | null = null;
  private readonly callId: string;
  private readonly fromTag = newTag();
  private cseq = 1;
  private sn = 1;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private keepalive: NodeJS.Timeout | null = null;
  private misses = 0;
  private failures = 0;
  private readonly sessions: UpstreamSessions;
  /** Only the superior's requests are taken. */
  private readonly gate = new SuperiorGate((m) => this.emit('error-log', m));
  /** The superior's Catalog subscription (§9.11). */
  readonly subscription: CatalogSubscription;

  constructor(readonly o: UpstreamOptions) {
    super();
    const tcp = o.superior.transport === 'tcp';
    this.endpoint = new SipEndpoint({ host: o.host, ...(tcp ? {} : { udpPort: 0 }), t1Ms: o.t1Ms ?? 500 });
    this.callId = newCallId(o.host);
    this.subscription = new CatalogSubscription({
      localId: o.localId,
      contact: () => this.contact(),
      catalog: () => this.o.catalog(),
      send: async (req) => this.endpoint.request(await this.connect(), req),
      ...(o.charset ? { charset: o.charset } : {}),
      log: (m) => this.emit('error-log', `gb28181 upstream: ${m}`),
    });
    this.sessions = new UpstreamSessions({
      host: o.host,
      contactHostPort: () => this.contact().replace(/^<sip:[^@]+@|>$/g, ''),
      play: (channelId, offer, ssrc) => this.o.play(channelId, offer, ssrc),
      mediaEnded: (channelId) =>
        void this.message(buildMediaStatusNotify(this.sn++, channelId, 121, this.o.charset)).catch((e: Error) =>
          this.emit('error-log', `gb28181 upstream: MediaStatus of ${channelId}: ${e.message}`),
        ),
      emit: (event, arg) => this.emit(event, arg),
    });
    this.endpoint.on(
      'request',
      (r: IncomingRequest) =>
        void this.onRequest(r).catch((e: Error) => this.emit('error-log', `gb28181 upstream: ${e.message}`)),
    );
    this.endpoint.on('tcp-closed', () => {
      this.peer = null;
      if (!this.stopped && this.state === 'registered')
        this.retry('unreachable', 'the connection to the superior closed');
    });
  }

  async start(): Promise<void> {
    await this.gate.resolve(this.o.superior.address);
    await this.endpoint.start();
    void this.register();
  }

  private set(state: UpstreamState, detail: string): void {
    const changed = state !== this.state || detail !== this.detail;
    this.state = state;
    this.detail = detail;
    if (changed) this.emit('state', state, detail);
  }

  private get me(): string {
    return `<sip:${this.o.localId}@${this.o.localId.slice(0, 10)}>`;
  }

  private async connect(): Promise<SipPeer> {
    const s = this.o.superior;
    if (this.peer) return this.peer;
    this.peer =
      s.transport === 'tcp'
        ? await this.endpoint.connect(s.address, s.port)
        : { transport: 'udp', address: s.address, port: s.port };
    return this.peer;
  }

  private contact(): string {
    const port = this.o.superior.transport === 'tcp' ? (this.peer?.socket?.localPort ?? 0) : this.endpoint.udpPort;
    return `<sip:${this.o.localId}@${this.o.host}:${port}>`;
  }

  /** One REGISTER (answering a 401 with digest): the granted expiry in seconds, or a SipStatusError. */
  private async registerOnce(expires: number): Promise<number> {
    const s = this.o.superior;
    const uri = `sip:${s.id}@${s.domain}`;
    const peer = await this.connect();
    const req = (auth?: string) =>
      buildRequest({
        method: 'REGISTER',
        uri,
        from: `${this.me};tag=${this.fromTag}`,
        to: this.me,
        callId: this.callId,
        cseq: this.cseq++,
        contact: this.contact(),
        userAgent: 'CloudEye',
        extra: [{ name: 'Expires', value: String(expires) }, ...(auth ? [{ name: 'Authorization', value: auth }] : [])],
      });
    let res: SipResponse = await this.endpoint.request(peer, req());
    if (res.status === 401) {
      const challenge = parseDigest(header(res, 'WWW-Authenticate') ?? '') ?? {};
      const auth = authorizationHeader(challenge, {
        username: this.o.localId,
        password: this.o.password,
        method: 'REGISTER',
        uri,
      });
      res = await this.endpoint.request(peer, req(auth));
    }
    if (res.status !== 200) throw new SipStatusError('REGISTER with the superior', res.status, res.reason);
    return Number(header(res, 'Expires') ?? expires) || expires;
  }

  private clearTimers(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.keepalive) clearInterval(this.keepalive);
    this.timer = null;
    this.keepalive = null;
  }

  /** Registers; on success refreshes at 2/3 of the expiry and keeps alive, on failure retries with backoff. */
  private async register(): Promise<void> {
    if (this.stopped) return;
    this.clearTimers();
    if (this.state !== 'registered') this.set('registering', `registering with ${this.o.superior.id}`);
    try {
      const granted = await this.registerOnce(this.o.registerExpiresS);
      if (this.stopped) return;
      this.failures = 0;
      this.misses = 0;
      this.set('registered', `registered with ${this.o.superior.id} for ${granted} s`);
      this.timer = setTimeout(() => void this.register(), Math.max(1000, (granted * 1000 * 2) / 3));
      this.keepalive = setInterval(() => void this.sendKeepalive(), this.o.keepaliveS * 1000);
    } catch (err) {
      if (this.stopped) return;
      const e = err as Error;
      if (e instanceof SipStatusError && (e.status === 401 || e.status === 403))
        this.retry('auth-failed', `the superior refused our credentials (${e.status} ${e.reason})`);
      else if (e instanceof SipStatusError) this.retry('refused', `the superior answered ${e.status} ${e.reason}`);
      else this.retry('unreachable', `the superior does not answer: ${e.message}`);
    }
  }

  private retry(state: UpstreamState, detail: string): void {
    this.clearTimers();
    this.peer = this.o.superior.transport === 'tcp' ? null : this.peer;
    const b = this.o.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    const delay = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(this.failures++, 20));
    this.set(state, `${detail}; again in ${Math.round(delay / 100) / 10} s`);
    this.timer = setTimeout(() => void this.register(), delay);
  }

  /** Keepalive; a superior that forgot us (restarted: 403/404) is registered with again at once. */
  private async sendKeepalive(): Promise<void> {
    try {
      const res = await this.message(buildKeepalive(this.sn++, this.o.localId, this.o.charset));
      if (res.status === 200) return void (this.misses = 0);
      this.set('registering', `the superior answered the keepalive ${res.status}: registering again`);
      void this.register();
    } catch (err) {
      if (err instanceof SipTimeoutError && ++this.misses < (this.o.keepaliveMisses ?? 3)) return;
      this.retry('unreachable', `keepalives unanswered: ${(err as Error).message}`);
    }
  }

  private async message(body: Buffer): Promise<SipResponse> {
    const s = this.o.superior;
    const req = buildRequest({
      method: 'MESSAGE',
      uri: `sip:${s.id}@${s.domain}`,
      from: `${this.me};tag=${newTag()}`,
      to: `<sip:${s.id}@${s.domain}>`,
      callId: newCallId(this.o.host),
      cseq: 1,
      body,
      contentType: MANSCDP,
    });
    return this.endpoint.request(await this.connect(), req);
  }

  private async onRequest(r: IncomingRequest): Promise<void> {
    const { req } = r;
    if (!this.gate.allows(r, this.peer)) return;
    if (req.method === 'MESSAGE') {
      let doc: ManscdpDoc;
      try {
        doc = parseManscdp(req.body);
      } catch {
        return r.reply(400, 'Bad Request');
      }
      r.reply(200, 'OK');
      return answerManscdp(doc, {
        o: this.o,
        send: (b) => this.message(b).then(() => undefined),
        emit: (event, arg) => this.emit(event, arg),
      });
    }
    if (this.sessions.handle(r)) return;
    if (req.method === 'SUBSCRIBE') return this.subscription.accept(r);
    if (req.method === 'OPTIONS') return r.reply(200, 'OK');
    r.reply(405, 'Method Not Allowed');
  }

  /** The shared catalog may have changed: a subscribed superior is told what did. */
  catalogChanged(): void {
    this.subscription.changed();
  }

  /** Channels the superior plays now. */
  playing(): string[] {
    return this.sessions.playing();
  }

  /** Unregisters (Expires: 0, best effort), stops every session and closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    const wasRegistered = this.state === 'registered';
    this.stopped = true;
    this.clearTimers();
    this.sessions.stopAll();
    this.subscription.close();
    if (wasRegistered) await this.registerOnce(0).catch(() => undefined);
    this.set('stopped', 'stopped');
    await this.endpoint.close();
  }
}
