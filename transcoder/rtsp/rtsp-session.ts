// A native RTSP client session: DESCRIBE → SETUP (TCP interleaved) → PLAY of one H.264/H.265 track, as access units.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls from 'node:tls';
import { RtspError } from '../errors';
import { maskUrl } from '../stream-spec';
import { RtpDepacketizer } from './depacketizer';
import { RtcpReceiver } from './rtcp';
import { Authenticator } from './rtsp-auth';
import { header, RtspReader, type RtspMessage } from './rtsp-reader';
import { parseSdp } from './sdp';
import type { AccessUnit, OtherMedia, VideoTrack } from './types';

export interface RtspSessionOptions {
  /** rtsp:// or rtsps:// (validated by validateSourceUrl); credentials may be embedded (percent-encoded). */
  url: string;
  /** Given separately: they take precedence over embedded ones. */
  username?: string;
  password?: string;
  /** TCP/TLS connect, each request's answer, and the longest silence while playing (ms). */
  timeoutMs: number;
  /** Default 'CloudEye'. */
  userAgent?: string;
  /** One RTSP answer (head + body), and one interleaved frame, bytes. Default 64 KiB. */
  maxMessageBytes?: number;
  /** One assembled picture, bytes. Default 8 MiB. */
  maxAccessUnitBytes?: number;
  /** Verify the camera's TLS certificate (rtsps). Default false: cameras carry self-signed ones, as ffmpeg assumes. */
  tlsVerify?: boolean;
}

export interface RtspSessionEvents {
  /** After DESCRIBE, before SETUP; a listener may call close() to decline. */
  described: [track: VideoTrack, others: OtherMedia[]];
  playing: [];
  accessUnit: [au: AccessUnit];
  /** Notable things, credentials masked. */
  log: [line: string];
  /** Exactly once, whatever happens; the reason names what went wrong, credentials masked. */
  closed: [reason: string];
}

const RTCP_INTERVAL_MS = 5000;
const TEARDOWN_WAIT_MS = 200;

interface Pending {
  cseq: number;
  resolve: (msg: RtspMessage) => void;
}

/**
 * Pulls one camera's video. `start()` never throws: every failure ends in one 'closed' event.
 * Pictures are handed on from the first keyframe (see RtpDepacketizer).
 */
export class RtspSession extends EventEmitter<RtspSessionEvents> {
  private socket: net.Socket | null = null;
  private readonly url: string;
  private playUrl: string;
  private readonly username: string;
  private readonly password: string;
  private readonly maxMessageBytes: number;
  private auth: Authenticator | null = null;
  private cseq = 0;
  private pending: Pending[] = [];
  private sessionId: string | null = null;
  private keepaliveMs = 25000;
  private keepaliveMethod: 'GET_PARAMETER' | 'OPTIONS' = 'GET_PARAMETER';
  private depack: RtpDepacketizer | null = null;
  private readonly rtcp = new RtcpReceiver();
  private channels = { rtp: 0, rtcp: 1 };
  private timer: NodeJS.Timeout | null = null;
  private lastDataAt = 0;
  private closing: Promise<void> | null = null;
  private ended = false;
  private playing = false;

  constructor(private readonly opts: RtspSessionOptions) {
    super();
    this.maxMessageBytes = opts.maxMessageBytes ?? 64 * 1024;
    let url = opts.url;
    let user = '';
    let pass = '';
    try {
      const u = new URL(opts.url);
      user = decodeURIComponent(u.username);
      pass = decodeURIComponent(u.password);
      url = stripCredentials(opts.url);
    } catch {
      // an unparsable URL fails at connect time with its own reason
    }
    this.url = url;
    this.playUrl = url;
    this.username = opts.username ?? user;
    this.password = opts.password ?? pass;
  }

  /** Connects and plays; the outcome is reported by events only. */
  start(): void {
    this.run().catch((e: unknown) => this.fail(e instanceof Error ? e.message : String(e)));
  }

  /** Ends the session: TEARDOWN (best effort, ≤ ~200 ms), socket destroyed. Resolves after 'closed'. Idempotent. */
  close(reason: string): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  private fail(reason: string): void {
    void this.close(reason.replace(/^transcoder: rtsp: /, ''));
  }

  private async run(): Promise<void> {
    if (this.closing) return;
    const u = new URL(this.url);
    await this.connect(u);
    const desc = await this.request('DESCRIBE', this.url, { Accept: 'application/sdp' });
    // the aggregate URL (PLAY, keepalives) and the base of a=control; never one with credentials
    const base = [header(desc, 'content-base'), header(desc, 'content-location')].find(
      (b) => b && /^rtsps?:\/\//i.test(b),
    );
    this.playUrl = base ? stripCredentials(base) : this.url;
    const { track, others } = parseSdp(desc.body.toString('utf8'), this.playUrl);
    if (this.closing) return;
    this.emit('described', track, others);
    if (this.closing) return;
    this.depack = new RtpDepacketizer({
      codec: track.codec,
      payloadType: track.payloadType,
      maxAccessUnitBytes: this.opts.maxAccessUnitBytes,
      onAccessUnit: (au) => this.emit('accessUnit', au),
      onLog: (line) => this.emit('log', line),
    });
    const setup = await this.request('SETUP', track.controlUrl, { Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1' });
    const transport = header(setup, 'transport') ?? '';
    const inter = /interleaved=(\d{1,3})(?:-(\d{1,3}))?/.exec(transport);
    if (!inter || !/RTP\/AVP\/TCP/i.test(transport))
      throw new RtspError(
        `transcoder: rtsp: SETUP answered a transport other than TCP interleaved: ${JSON.stringify(transport.slice(0, 120))}`,
      );
    this.channels = { rtp: Number(inter[1]), rtcp: inter[2] === undefined ? Number(inter[1]) + 1 : Number(inter[2]) };
    const session = header(setup, 'session');
    if (!session) throw new RtspError('transcoder: rtsp: SETUP answer without a Session header');
    const [id = '', ...params] = session.split(';');
    this.sessionId = id.trim();
    const timeoutS = Number(/^\s*timeout=(\d+)/i.exec(params.find((p) => /timeout=/i.test(p)) ?? '')?.[1] ?? 60);
    this.keepaliveMs = Math.max(1000, Math.min((timeoutS > 0 ? timeoutS : 60) / 2, 25) * 1000);
    await this.request('PLAY', this.playUrl, { Range: 'npt=0.000-' });
    if (this.closing) return;
    this.playing = true;
    this.lastDataAt = Date.now();
    this.emit('playing');
    this.tick(Date.now(), Date.now());
  }

  private connect(u: URL): Promise<void> {
    const secure = u.protocol === 'rtsps:';
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = Number(u.port) || (secure ? 322 : 554);
    return this.bounded(`connect to ${u.host}`, (resolve, reject) => {
      const sock = secure
        ? tls.connect({
            host,
            port,
            servername: net.isIP(host) ? undefined : host,
            rejectUnauthorized: this.opts.tlsVerify ?? false,
          })
        : net.connect({ host, port });
      this.socket = sock;
      sock.setNoDelay(true);
      const reader = new RtspReader(
        this.maxMessageBytes,
        this.maxMessageBytes,
        (ch, payload) => this.onFrame(ch, payload),
        (msg) => this.onMessage(msg),
      );
      sock.once(secure ? 'secureConnect' : 'connect', () => resolve());
      sock.on('data', (chunk: Buffer) => {
        if (this.ended) return;
        this.lastDataAt = Date.now();
        try {
          reader.push(chunk);
        } catch (e) {
          sock.pause();
          this.fail(e instanceof Error ? e.message : String(e));
        }
      });
      sock.on('error', (e) => {
        reject(e);
        this.fail(`connection error: ${e.message}`);
      });
      sock.on('close', () => this.fail('connection closed by the camera'));
    });
  }

  private onFrame(channel: number, payload: Buffer): void {
    if (this.closing) return;
    if (channel === this.channels.rtp) this.depack?.push(payload, this.lastDataAt);
    else if (channel === this.channels.rtcp) this.rtcp.onPacket(payload, this.lastDataAt);
  }

  private onMessage(msg: RtspMessage): void {
    if (msg.status === 0) {
      this.emit('log', `ignored a request from the camera: ${msg.reason.slice(0, 80)}`);
      return;
    }
    const cseq = Number(header(msg, 'cseq'));
    const i = this.pending.findIndex((p) => p.cseq === cseq);
    const p = this.pending.splice(i >= 0 ? i : 0, 1)[0];
    p?.resolve(msg);
  }

  /** Sends a request and waits (≤ timeoutMs) for its 2xx answer; answers a first 401 with credentials. */
  private async request(method: string, url: string, headers: Record<string, string> = {}): Promise<RtspMessage> {
    let res = await this.send(method, url, headers);
    if (res.status === 401) {
      if (this.auth)
        throw new RtspError(`transcoder: rtsp: unauthorized: ${method} refused the credentials (401 ${res.reason})`);
      if (!this.username)
        throw new RtspError(`transcoder: rtsp: unauthorized: the camera asks for credentials and none were given`);
      const challenges = res.headers.filter(([k]) => k === 'www-authenticate').map(([, v]) => v);
      this.auth = Authenticator.from(challenges, this.username, this.password);
      if (!this.auth)
        throw new RtspError(
          `transcoder: rtsp: unauthorized: no supported scheme in ${JSON.stringify(challenges.join(' | ').slice(0, 160))}`,
        );
      res = await this.send(method, url, headers);
      if (res.status === 401)
        throw new RtspError(`transcoder: rtsp: unauthorized: the camera refused the credentials (${this.auth.scheme})`);
    }
    if (res.status >= 300 && res.status < 400) {
      const to = header(res, 'location');
      throw new RtspError(
        `transcoder: rtsp: ${method} redirected (${res.status} ${res.reason}) to ${maskUrl(to ?? '?')}: redirects are refused`,
      );
    }
    if (res.status < 200 || res.status >= 300)
      throw new RtspError(`transcoder: rtsp: ${method} answered ${res.status} ${res.reason}`.trim());
    return res;
  }

  private send(method: string, url: string, headers: Record<string, string>): Promise<RtspMessage> {
    return this.bounded(`answer to ${method}`, (resolve) => {
      const cseq = ++this.cseq;
      this.pending.push({ cseq, resolve });
      this.write(method, url, headers, cseq);
    });
  }

  private write(method: string, url: string, headers: Record<string, string>, cseq: number): void {
    let head = `${method} ${url} RTSP/1.0\r\nCSeq: ${cseq}\r\nUser-Agent: ${this.opts.userAgent ?? 'CloudEye'}\r\n`;
    if (this.auth) head += `Authorization: ${this.auth.authorization(method, url)}\r\n`;
    if (this.sessionId) head += `Session: ${this.sessionId}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    this.socket?.write(`${head}\r\n`);
  }

  /** A promise that rejects with RtspError "timeout ..." after timeoutMs, or when the session closes. */
  private bounded<T>(what: string, body: (resolve: (v: T) => void, reject: (e: Error) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onClosed = (): void => reject(new Error('closed'));
      const t = setTimeout(() => {
        this.off('closed', onClosed);
        reject(new RtspError(`transcoder: rtsp: timeout: no ${what} within ${this.opts.timeoutMs} ms`));
      }, this.opts.timeoutMs);
      this.once('closed', onClosed);
      body(
        (v) => {
          clearTimeout(t);
          this.off('closed', onClosed);
          resolve(v);
        },
        (e) => {
          clearTimeout(t);
          this.off('closed', onClosed);
          reject(e);
        },
      );
    });
  }

  /** One timer for the whole session: the silence limit, RTCP receiver reports and keepalives. */
  private tick(lastRtcp: number, lastKeepalive: number): void {
    const step = Math.max(50, Math.min(1000, Math.floor(this.opts.timeoutMs / 4)));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.ended) return;
      const now = Date.now();
      if (now - this.lastDataAt > this.opts.timeoutMs)
        return this.fail(`timeout: nothing received for ${now - this.lastDataAt} ms while playing`);
      if (now - lastRtcp >= RTCP_INTERVAL_MS) {
        lastRtcp = now;
        const rr = this.depack && this.rtcp.report(this.depack.stats, now);
        if (rr)
          this.socket?.write(
            Buffer.concat([Buffer.from([0x24, this.channels.rtcp, rr.length >> 8, rr.length & 0xff]), rr]),
          );
      }
      if (now - lastKeepalive >= this.keepaliveMs) {
        lastKeepalive = now;
        this.keepalive();
      }
      this.tick(lastRtcp, lastKeepalive);
    }, step);
  }

  private keepalive(): void {
    const method = this.keepaliveMethod;
    const cseq = ++this.cseq;
    this.pending.push({
      cseq,
      resolve: (res) => {
        if (res.status === 405 || res.status === 501) {
          if (method === 'GET_PARAMETER') this.keepaliveMethod = 'OPTIONS';
          this.emit('log', `keepalive: ${method} answered ${res.status}; using ${this.keepaliveMethod}`);
        } else if (res.status === 454) this.fail(`keepalive: the camera lost the session (454 ${res.reason})`);
      },
    });
    this.write(method, this.playUrl, {}, cseq);
  }

  private async shutdown(reason: string): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const sock = this.socket;
    if (sock && this.sessionId && !sock.destroyed && sock.writable) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, TEARDOWN_WAIT_MS);
        const cseq = ++this.cseq;
        this.pending.push({ cseq, resolve: () => (clearTimeout(t), resolve()) });
        sock.once('close', () => (clearTimeout(t), resolve()));
        this.write('TEARDOWN', this.playUrl, {}, cseq);
      });
    }
    this.ended = true;
    this.pending = [];
    sock?.destroy();
    this.emit('log', `closed: ${maskUrl(reason)}`);
    this.emit('closed', maskUrl(reason));
  }
}

function stripCredentials(url: string): string {
  return url.replace(/^(rtsps?:\/\/)[^/@]*@/i, '$1');
}
