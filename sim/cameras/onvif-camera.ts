// One simulated ONVIF camera: a node:http SOAP server (Device, Media, Media2, PTZ, Events) with checked auth.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyDigestAuthorization } from '../../gateway/onvif/http-digest';
import { fault, VENDORS, wrap, type Vendor } from './vendors';
import { LiveSnapshot } from './live-snapshot';
import { hostileAnswer, type HostileMode } from './hostile';
import { SimPullPoints } from './sim-pull-points';
import { PTZ_NO_TOKEN, SimPtzHead } from './sim-ptz';
import { deviceAnswer } from './onvif-answers';

/** Options of one simulated camera. */
export interface SimCameraOptions {
  index: number;
  /** Address to listen on (loopback or a namespace address). */
  host: string;
  /** TCP port; 0 picks a free one. */
  port: number;
  vendor?: Vendor['id'];
  codec: 'h264' | 'h265';
  /** RTSP URIs returned by GetStreamUri for the main and sub profiles. */
  rtspMain: string;
  rtspSub: string;
  username: string;
  password: string;
  /** Its RTSP server wants username/password too (the snapshot grab then sends them). Default false. */
  rtspAuth?: boolean;
  /** The device clock runs this many seconds ahead of ours (negative: behind). Default 0. */
  clockOffsetS?: number;
  /** 'wsse' (default): WS-UsernameToken checked; 'digest': HTTP Digest required (401 challenge). */
  auth?: 'wsse' | 'digest';
  /** Host written into GetServices XAddrs (simulates NAT / misconfigured devices). Default: host. */
  reportHost?: string;
  /** Has PTZ. Default true for hikvision/axis, false for dahua. */
  ptz?: boolean;
  /** Its PTZ node lists relative translation spaces and answers RelativeMove (read per request). Default true. */
  relativeMove?: boolean;
  /** Motion event toggle period in ms for PullMessages. Default 1000. */
  motionPeriodMs?: number;
  /** Misbehave on purpose (tests of the client's defences). */
  hostile?: HostileMode;
}

const op = (body: string): string =>
  /<(?:[A-Za-z0-9_]+:)?Body[^>]*>\s*<(?:[A-Za-z0-9_]+:)?([A-Za-z0-9_]+)/.exec(body)?.[1] ?? '';
const tag = (body: string, name: string): string | undefined =>
  new RegExp(`<(?:[A-Za-z0-9_]+:)?${name}\\b[^>]*>([^<]*)<`).exec(body)?.[1];

/** A running simulated camera; `close()` is idempotent and waits for the server to stop. */
export class SimOnvifCamera {
  readonly vendor: Vendor;
  readonly ptz: boolean;
  private server?: http.Server;
  private readonly nonce = randomBytes(12).toString('hex');
  private closing?: Promise<void>;
  private snapshot: LiveSnapshot;
  port = 0;
  /** Requests served (tests use it to prove a call reached the camera). */
  requests = 0;
  /** The PTZ head (position, moves, presets) its PTZ service drives. */
  private readonly head: SimPtzHead;
  /** PTZ operations received (ContinuousMove, Stop, GotoPreset, …), oldest first; the last 100 are kept. */
  get ptzLog(): string[] {
    return this.head.log;
  }
  /** The same with the time each request reached the camera (Date.now(), ms), for benchmarks. */
  get ptzReceived(): ReadonlyArray<{ operation: string; at: number }> {
    return this.head.received;
  }
  /** The Events service (PullPoint subscriptions). */
  readonly events: SimPullPoints;

  constructor(readonly opts: SimCameraOptions) {
    this.vendor = VENDORS[opts.vendor ?? 'hikvision'];
    this.ptz = opts.ptz ?? this.vendor.id !== 'dahua';
    this.head = new SimPtzHead({ now: () => this.now(), relativeMove: () => this.opts.relativeMove !== false });
    // the snapshot is what the camera's main stream shows; credentials only when its RTSP server wants
    // them (a URL with a password would show in the process list)
    const rtsp = new URL(opts.rtspMain);
    if (opts.rtspAuth) {
      rtsp.username = encodeURIComponent(opts.username);
      rtsp.password = encodeURIComponent(opts.password);
    }
    this.snapshot = new LiveSnapshot({ rtspUrl: rtsp.toString() });
    this.events = new SimPullPoints({
      vendor: this.vendor,
      svc: (p) => this.svc(p),
      now: () => this.now(),
      motionPeriodMs: opts.motionPeriodMs ?? 1000,
      closed: () => this.closing !== undefined,
    });
  }

  get xaddr(): string {
    return `http://${this.opts.host}:${this.port}/onvif/device_service`;
  }

  /** Listens; resolves once bound (port filled in). */
  async start(): Promise<void> {
    const s = http.createServer((req, res) => this.handle(req, res));
    s.keepAliveTimeout = 1000;
    this.server = s;
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(this.opts.port, this.opts.host, () => resolve());
    });
    this.port = (s.address() as AddressInfo).port;
  }

  /** Stops listening, drops open connections and any snapshot grab in flight (the camera "vanishes"). */
  close(): Promise<void> {
    this.closing ??= Promise.all([
      new Promise<void>((resolve) => {
        if (!this.server) return resolve();
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      }),
      this.snapshot.close(),
    ]).then(() => undefined);
    return this.closing;
  }

  /** Subscriptions alive now. */
  get subscriptions(): number {
    return this.events.size;
  }

  /** Subscriptions created, renewals, unsubscribes. */
  get eventStats(): SimPullPoints['stats'] {
    return this.events.stats;
  }

  /** When set, PullMessages answers with this document instead (hostile event XML). */
  get hostileEvents(): string | undefined {
    return this.events.hostile;
  }
  set hostileEvents(doc: string | undefined) {
    this.events.hostile = doc;
  }

  /**
   * Queues a notification for every live subscription (next PullMessages), e.g.
   * emitEvent('tns1:RuleEngine/LineDetector/Crossed', { ObjectId: '7' }).
   */
  emitEvent(topic: string, data: Record<string, string>, source?: Record<string, string>): void {
    this.events.emit(topic, data, source);
  }

  /** Every subscription ends now, as if the device dropped them (PullMessages then faults). */
  dropSubscriptions(): void {
    this.events.clear();
  }

  /** Starts again on the same port after close() (a camera coming back, its subscriptions forgotten). */
  async restart(): Promise<void> {
    this.events.clear();
    await this.close();
    this.closing = undefined;
    this.snapshot = this.snapshot.reopened();
    this.opts.port = this.port;
    await this.start();
  }

  private now(): number {
    return Date.now() + (this.opts.clockOffsetS ?? 0) * 1000;
  }

  /** Where the PTZ head points now (pan, tilt -1..1; zoom 0..1) and whether it is moving. */
  ptzStatus(): { x: number; y: number; z: number; moving: boolean } {
    return this.head.status();
  }

  /** The presets stored in the camera, by token. */
  ptzPresets(): Array<{ token: string; name: string; x: number; y: number; z: number }> {
    return this.head.presetList();
  }

  private wsseOk(body: string): boolean {
    const user = tag(body, 'Username');
    const digest = tag(body, 'Password');
    const nonce = tag(body, 'Nonce');
    const created = tag(body, 'Created');
    if (user !== this.opts.username || !digest || !nonce || !created) return false;
    if (Math.abs(Date.parse(created) - this.now()) > 300_000) return false; // real devices allow a few minutes
    const want = createHash('sha1')
      .update(Buffer.concat([Buffer.from(nonce, 'base64'), Buffer.from(created), Buffer.from(this.opts.password)]))
      .digest('base64');
    return want === digest;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests++;
    const receivedAt = Date.now();
    if (req.method === 'GET' && req.url === '/snapshot.jpg') {
      this.snapshot.jpeg().then(
        (jpeg) => res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': jpeg.length }).end(jpeg),
        (err: Error) => res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end(err.message),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const operation = op(body);
      if (this.opts.hostile && hostileAnswer(this.opts.hostile, operation, res, (b) => wrap(this.vendor, b))) return;
      const send = (status: number, xml: string, headers: http.OutgoingHttpHeaders = {}): void => {
        res.writeHead(status, { 'content-type': 'application/soap+xml; charset=utf-8', ...headers }).end(xml);
      };
      if (this.opts.auth === 'digest' && operation !== 'GetSystemDateAndTime') {
        const a = req.headers.authorization;
        if (
          !a ||
          !verifyDigestAuthorization(a, 'POST', {
            username: this.opts.username,
            password: this.opts.password,
            realm: 'simcam',
            nonce: this.nonce,
          })
        ) {
          send(401, '', {
            'www-authenticate': `Digest realm="simcam", qop="auth", nonce="${this.nonce}", algorithm=MD5`,
          });
          return;
        }
      } else if (operation !== 'GetSystemDateAndTime' && !this.wsseOk(body)) {
        send(this.vendor.authFaultStatus, fault(this.vendor, 'Sender', 'NotAuthorized', 'Sender not authorized'));
        return;
      }
      if (operation === 'PullMessages' && this.hostileEvents !== undefined) {
        send(200, this.hostileEvents);
        return;
      }
      if (this.events.hold(body, req.url ?? '/', (xml) => send(200, xml))) return;
      const out = this.answer(operation, body, req.url ?? '/', receivedAt);
      if (out === PTZ_NO_TOKEN)
        send(400, fault(this.vendor, 'Sender', 'NoToken', `The requested token does not exist (${operation})`));
      else if (out === undefined)
        send(
          400,
          fault(this.vendor, 'Receiver', 'ActionNotSupported', `Action ${operation} is not supported by this device`),
        );
      else send(200, wrap(this.vendor, out));
    });
  }

  private svc(path: string): string {
    return `http://${this.opts.reportHost ?? this.opts.host}:${this.port}${path}`;
  }

  private answer(operation: string, body: string, url: string, receivedAt: number): string | undefined {
    const profileToken = tag(body, 'ProfileToken');
    const device = deviceAnswer(operation, body, {
      vendor: this.vendor,
      ptz: this.ptz,
      codec: this.opts.codec,
      index: this.opts.index,
      now: new Date(this.now()),
      svc: (path) => this.svc(path),
      streamUri: profileToken === this.vendor.profiles[1]?.[0] ? this.opts.rtspSub : this.opts.rtspMain,
      snapshotUri: `http://${this.opts.host}:${this.port}/snapshot.jpg`,
    });
    if (device !== undefined) return device;
    return this.ptz && /Move|Stop|GetStatus|Preset|GetNodes/.test(operation)
      ? this.head.answer(operation, body, receivedAt)
      : this.events.answer(operation, body, url);
  }
}
