// One RTSP control connection (TCP or TLS): requests with CSeq, answers matched, 401 answered once, bounded waits.
import net from 'node:net';
import tls from 'node:tls';
import { RtspError } from '../errors';
import { maskUrl } from '../stream-spec';
import { Authenticator } from './rtsp-auth';
import { header, RtspReader, type RtspMessage } from './rtsp-reader';

export interface RtspConnectionOptions {
  /** rtsp:// or rtsps:// URL without credentials: where to connect. */
  url: string;
  username: string;
  password: string;
  timeoutMs: number;
  userAgent: string;
  maxMessageBytes: number;
  tlsVerify: boolean;
  /** An interleaved frame (the payload is a view of the read chunk); `now` is Date.now() of the read. */
  onFrame: (channel: number, payload: Buffer, now: number) => void;
  /** The connection is unusable (socket error or close, hostile bytes, a listener's throw): called once. */
  onFail: (reason: string) => void;
  onLog: (line: string) => void;
}

interface Pending {
  cseq: number;
  resolve: (msg: RtspMessage) => void;
  reject: (e: Error) => void;
}

/** The socket and the request/answer bookkeeping of a session; knows nothing of SDP or RTP. */
export class RtspConnection {
  private socket: net.Socket | null = null;
  private auth: Authenticator | null = null;
  private cseq = 0;
  private pending: Pending[] = [];
  private failed = false;
  /** requests the camera sent us (logged for the first few only) */
  private requestsSeen = 0;
  /** rejecters of the waits in progress: destroy() ends them */
  private readonly aborts = new Set<(e: Error) => void>();
  /** The Session header value to send (set after SETUP). */
  sessionId: string | null = null;

  constructor(private readonly opts: RtspConnectionOptions) {}

  /** Connects (≤ timeoutMs). */
  connect(): Promise<void> {
    if (!URL.canParse(this.opts.url))
      return Promise.reject(new RtspError(`transcoder: rtsp: not a URL: ${maskUrl(this.opts.url).slice(0, 200)}`));
    const u = new URL(this.opts.url);
    const secure = u.protocol === 'rtsps:';
    const host = u.hostname.replace(/^\[|\]$/g, '');
    const port = Number(u.port) || (secure ? 322 : 554);
    return this.bounded(`connection to ${u.host}`, (resolve) => {
      const sock = secure
        ? tls.connect({
            host,
            port,
            servername: net.isIP(host) ? undefined : host,
            rejectUnauthorized: this.opts.tlsVerify,
          })
        : net.connect({ host, port });
      this.socket = sock;
      sock.setNoDelay(true);
      const reader = new RtspReader(this.opts.maxMessageBytes, this.opts.maxMessageBytes, this.opts.onFrame, (m) =>
        this.onMessage(m),
      );
      sock.once(secure ? 'secureConnect' : 'connect', () => resolve());
      sock.on('data', (chunk: Buffer) => {
        if (this.failed) return;
        try {
          reader.push(chunk, Date.now());
        } catch (e) {
          sock.pause();
          this.fail(e instanceof Error ? e.message : String(e));
        }
      });
      sock.on('error', (e) => this.fail(`connection error: ${e.message}`));
      sock.on('close', () => this.fail('connection closed by the camera'));
    });
  }

  /** Sends a request and resolves with its 2xx answer; a first 401 is answered with the credentials. */
  async request(method: string, url: string, headers: Record<string, string> = {}): Promise<RtspMessage> {
    let res = await this.send(method, url, headers);
    if (res.status === 401) {
      const refused = `transcoder: rtsp: unauthorized: ${method} answered 401 ${res.reason}`.trim();
      if (this.auth) throw new RtspError(`${refused} to the ${this.auth.scheme} credentials`);
      if (!this.username) throw new RtspError(`${refused} and no credentials were given`);
      const challenges = res.headers.filter(([k]) => k === 'www-authenticate').map(([, v]) => v);
      this.auth = Authenticator.from(challenges, this.opts.username, this.opts.password);
      if (!this.auth)
        throw new RtspError(
          `${refused} with no supported scheme: ${JSON.stringify(challenges.join(' | ').slice(0, 160))}`,
        );
      res = await this.send(method, url, headers);
      if (res.status === 401) throw new RtspError(`${refused} to the ${this.auth.scheme} credentials`);
    }
    if (res.status >= 300 && res.status < 400) {
      const to = maskUrl(header(res, 'location') ?? '(no Location)').slice(0, 200);
      throw new RtspError(
        `transcoder: rtsp: ${method} redirected (${res.status} ${res.reason}) to ${to}: redirects are refused`,
      );
    }
    if (res.status < 200 || res.status >= 300)
      throw new RtspError(`transcoder: rtsp: ${method} answered ${res.status} ${res.reason}`.trim());
    return res;
  }

  /**
   * A 401 to a request sent without waiting (a keepalive): the camera's nonce expired. The new
   * challenge is answered from the next request on; false when it offers nothing usable.
   */
  renewAuth(res: RtspMessage): boolean {
    const challenges = res.headers.filter(([k]) => k === 'www-authenticate').map(([, v]) => v);
    const auth = this.username ? Authenticator.from(challenges, this.opts.username, this.opts.password) : null;
    if (auth) this.auth = auth;
    return auth !== null;
  }

  /** Sends a request whose answer (if any) goes to `onAnswer`, with no time limit (keepalives, TEARDOWN). */
  sendOnly(method: string, url: string, onAnswer: (msg: RtspMessage) => void): void {
    const cseq = ++this.cseq;
    this.pending.push({ cseq, resolve: onAnswer, reject: () => undefined });
    this.write(method, url, {}, cseq);
  }

  /** Raw bytes (an interleaved RTCP frame). */
  writeRaw(buf: Buffer): void {
    if (this.socket?.writable) this.socket.write(buf);
  }

  /** The socket can still take a request (even after hostile input: TEARDOWN is still worth sending). */
  get writable(): boolean {
    return !!this.socket?.writable;
  }

  /** Destroys the socket; pending requests reject. Idempotent. */
  destroy(): void {
    this.failed = true;
    this.socket?.destroy();
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) p.reject(new Error('connection closed'));
    for (const abort of [...this.aborts]) abort(new Error('connection closed'));
  }

  /** Resolves when the socket has closed (at once if it never opened). */
  closed(): Promise<void> {
    const s = this.socket;
    return !s || s.closed ? Promise.resolve() : new Promise((r) => s.once('close', () => r()));
  }

  private get username(): string {
    return this.opts.username;
  }

  private fail(reason: string): void {
    if (this.failed) return;
    this.failed = true;
    this.opts.onFail(reason);
  }

  private onMessage(msg: RtspMessage): void {
    if (msg.status === 0) return this.onRequest(msg);
    const cseq = Number(header(msg, 'cseq'));
    const i = this.pending.findIndex((p) => p.cseq === cseq);
    // an answer without a CSeq (some cameras) is the oldest request's
    const p = i >= 0 || !header(msg, 'cseq') ? this.pending.splice(Math.max(i, 0), 1)[0] : undefined;
    p?.resolve(msg);
  }

  /** A request from the camera (a keepalive of its own, rarely): OPTIONS and GET_PARAMETER get 200, the rest 501. */
  private onRequest(msg: RtspMessage): void {
    const method = msg.reason.split(' ')[0] ?? '';
    const ok = method === 'OPTIONS' || method === 'GET_PARAMETER';
    if (this.requestsSeen++ < 3) this.opts.onLog(`the camera sent ${method}: answered ${ok ? 200 : 501}`);
    const cseq = (header(msg, 'cseq') ?? '0').replace(/[^0-9]/g, '').slice(0, 10) || '0';
    if (this.socket?.writable)
      this.socket.write(`RTSP/1.0 ${ok ? '200 OK' : '501 Not Implemented'}\r\nCSeq: ${cseq}\r\n\r\n`);
  }

  private send(method: string, url: string, headers: Record<string, string>): Promise<RtspMessage> {
    return this.bounded(`answer to ${method}`, (resolve, reject) => {
      const cseq = ++this.cseq;
      this.pending.push({ cseq, resolve, reject });
      this.write(method, url, headers, cseq);
    });
  }

  private write(method: string, url: string, headers: Record<string, string>, cseq: number): void {
    let head = `${method} ${url} RTSP/1.0\r\nCSeq: ${cseq}\r\nUser-Agent: ${this.opts.userAgent}\r\n`;
    if (this.auth) head += `Authorization: ${this.auth.authorization(method, url)}\r\n`;
    if (this.sessionId) head += `Session: ${this.sessionId}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (this.socket?.writable) this.socket.write(`${head}\r\n`);
  }

  /** A promise that rejects with RtspError "timeout: …" after timeoutMs, or when the connection is destroyed. */
  private bounded<T>(what: string, body: (resolve: (v: T) => void, reject: (e: Error) => void) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.failed) return reject(new Error('connection closed'));
      const t = setTimeout(
        () => (
          this.aborts.delete(abort),
          reject(new RtspError(`transcoder: rtsp: timeout: no ${what} within ${this.opts.timeoutMs} ms`))
        ),
        this.opts.timeoutMs,
      );
      const abort = (e: Error): void => (done(), reject(e));
      const done = (): void => {
        clearTimeout(t);
        this.aborts.delete(abort);
      };
      // a connect that fails settles through onFail → destroy()
      this.aborts.add(abort);
      body(
        (v) => (done(), resolve(v)),
        (e) => (done(), reject(e)),
      );
    });
  }
}
