// A native RTSP client session: DESCRIBE → SETUP (TCP interleaved) → PLAY of one H.264/H.265 track, as access units.
import { EventEmitter } from 'node:events';
import { RtspError } from '../errors';
import { maskUrl } from '../stream-spec';
import { RtpDepacketizer } from './depacketizer';
import { RtcpReceiver } from './rtcp';
import { RtspConnection } from './rtsp-connection';
import { header } from './rtsp-reader';
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
  /** Verify the camera's TLS certificate (rtsps). Default false: cameras carry self-signed ones (ffmpeg does not verify either). */
  tlsVerify?: boolean;
}

export interface RtspSessionEvents {
  /** After DESCRIBE, before SETUP; a listener may call close() to decline. */
  described: [track: VideoTrack, others: OtherMedia[]];
  playing: [];
  /** Pictures from the first keyframe on (see RtpDepacketizer: after a loss, from the next keyframe). */
  accessUnit: [au: AccessUnit];
  /** Notable things, credentials masked. */
  log: [line: string];
  /** Exactly once, whatever happens; the reason names what went wrong, credentials masked. */
  closed: [reason: string];
}

const RTCP_INTERVAL_MS = 5000;
const TEARDOWN_WAIT_MS = 200;
const stripCredentials = (url: string): string => url.replace(/^(rtsps?:\/\/)[^/@]*@/i, '$1');

/** Pulls one camera's video: `start()` never throws, and every end is one 'closed' event. */
export class RtspSession extends EventEmitter<RtspSessionEvents> {
  private readonly conn: RtspConnection;
  private readonly url: string;
  /** The aggregate URL (PLAY, keepalives, TEARDOWN): Content-Base, Content-Location or the URL. */
  private playUrl: string;
  private keepaliveMs = 25000;
  private keepaliveMethod: 'GET_PARAMETER' | 'OPTIONS' = 'GET_PARAMETER';
  private depack: RtpDepacketizer | null = null;
  private readonly rtcp = new RtcpReceiver();
  private channels = { rtp: 0, rtcp: 1 };
  private timer: NodeJS.Timeout | null = null;
  private lastDataAt = 0;
  private closing: Promise<void> | null = null;
  private started = false;

  constructor(private readonly opts: RtspSessionOptions) {
    super();
    let user = '';
    let pass = '';
    try {
      const u = new URL(opts.url);
      user = decodeURIComponent(u.username);
      pass = decodeURIComponent(u.password);
    } catch {
      // an unparsable URL fails in start() with its own reason
    }
    this.url = stripCredentials(opts.url);
    this.playUrl = this.url;
    this.conn = new RtspConnection({
      url: this.url,
      username: opts.username ?? user,
      password: opts.password ?? pass,
      timeoutMs: opts.timeoutMs,
      userAgent: opts.userAgent ?? 'CloudEye',
      maxMessageBytes: opts.maxMessageBytes ?? 64 * 1024,
      tlsVerify: opts.tlsVerify ?? false,
      onFrame: (channel, payload, now) => this.onFrame(channel, payload, now),
      onFail: (reason) => this.fail(reason),
      onLog: (line) => this.emit('log', line),
    });
  }

  /** Connects and plays; the outcome is reported by events only. A second call does nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
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
    await this.conn.connect();
    const desc = await this.conn.request('DESCRIBE', this.url, { Accept: 'application/sdp' });
    const base = [header(desc, 'content-base'), header(desc, 'content-location')].find(
      (b) => b && /^rtsps?:\/\//i.test(b),
    );
    if (base) this.playUrl = stripCredentials(base);
    const { track, others } = parseSdp(desc.body.toString('utf8'), this.playUrl);
    // an absolute a=control could carry credentials: requests never do
    track.controlUrl = stripCredentials(track.controlUrl);
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
    const setup = await this.conn.request('SETUP', track.controlUrl, {
      Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1',
    });
    const transport = header(setup, 'transport') ?? '';
    // an answer without Transport, or TCP without channels, means what was asked (some cameras)
    if (transport && !/RTP\/AVP\/TCP/i.test(transport))
      throw new RtspError(
        `transcoder: rtsp: SETUP answered a transport other than TCP interleaved: ${JSON.stringify(transport.slice(0, 120))}`,
      );
    const inter = /interleaved=(\d{1,3})(?:-(\d{1,3}))?/.exec(transport);
    if (inter)
      this.channels = { rtp: Number(inter[1]), rtcp: inter[2] === undefined ? Number(inter[1]) + 1 : Number(inter[2]) };
    else
      this.emit('log', `SETUP answered ${JSON.stringify(transport.slice(0, 120))}: interleaved channels 0-1 assumed`);
    const session = header(setup, 'session');
    if (!session) throw new RtspError('transcoder: rtsp: SETUP answer without a Session header');
    const [id = '', ...params] = session.split(';');
    this.conn.sessionId = id.trim();
    const timeoutS = Number(/timeout\s*=\s*(\d{1,6})/i.exec(params.join(';'))?.[1] ?? 60) || 60;
    this.keepaliveMs = Math.max(1, Math.min(timeoutS / 2, 25)) * 1000;
    await this.conn.request('PLAY', this.playUrl, { Range: 'npt=0.000-' });
    if (this.closing) return;
    this.lastDataAt = Date.now();
    this.emit('log', `playing ${track.codec} (payload type ${track.payloadType}) from ${maskUrl(track.controlUrl)}`);
    this.emit('playing');
    this.tick(this.lastDataAt, this.lastDataAt);
  }

  private onFrame(channel: number, payload: Buffer, now: number): void {
    this.lastDataAt = now;
    if (this.closing) return;
    if (channel === this.channels.rtp) this.depack?.push(payload, now);
    else if (channel === this.channels.rtcp) this.rtcp.onPacket(payload, now);
  }

  /** One timer for the whole session (none per packet): the silence limit, RTCP receiver reports, keepalives. */
  private tick(lastRtcp: number, lastKeepalive: number): void {
    const step = Math.max(50, Math.min(1000, Math.floor(this.opts.timeoutMs / 4)));
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.closing) return;
      const now = Date.now();
      if (now - this.lastDataAt > this.opts.timeoutMs)
        return this.fail(`timeout: no RTP or RTCP received for ${now - this.lastDataAt} ms while playing`);
      if (now - lastRtcp >= RTCP_INTERVAL_MS) {
        lastRtcp = now;
        const rr = this.depack && this.rtcp.report(this.depack.stats, now);
        if (rr)
          this.conn.writeRaw(
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
    this.conn.sendOnly(method, this.playUrl, (res) => {
      if (res.status === 405 || res.status === 501) {
        this.keepaliveMethod = 'OPTIONS';
        if (method === 'GET_PARAMETER')
          this.emit('log', `keepalive: GET_PARAMETER answered ${res.status}; OPTIONS from now on`);
      } else if (res.status === 401) {
        // Digest nonces expire on some cameras: answer the fresh challenge from the next request on
        if (!this.conn.renewAuth(res)) this.fail(`unauthorized: keepalive ${method} answered 401 ${res.reason}`);
        else this.emit('log', `keepalive: ${method} answered 401; credentials renewed for the next one`);
      } else if (res.status === 454) this.fail(`keepalive: the camera lost the session (454 ${res.reason})`);
    });
  }

  private async shutdown(reason: string): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.conn.sessionId && this.conn.writable) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, TEARDOWN_WAIT_MS);
        const done = (): void => (clearTimeout(t), resolve());
        this.conn.sendOnly('TEARDOWN', this.playUrl, done);
        void this.conn.closed().then(done);
      });
    }
    this.conn.destroy();
    // any URL in the reason (a camera's own Location, a Node error) loses its password
    const masked = maskUrl(reason).replace(/(rtsps?:\/\/[^/@:\s]*):[^/@\s]*@/gi, '$1:***@');
    this.emit('log', `closed: ${masked}`);
    this.emit('closed', masked);
  }
}
