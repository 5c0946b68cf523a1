// The transcoder's external source for GB/T 28181 channels: INVITE, RTP/PS received and demuxed, pictures fed to the pull; BYE when it stops.
import type { ExternalFeed, ExternalSession, ExternalSource } from '../../transcoder/index';
import { openMediaReceiver, type Gb28181Server, type GbDialog, type MediaReceiver } from '../gb28181/index';

const URL_RE = /^gb28181:\/\/(\d{20})\/(\d{20})$/;
const WRAP = 2 ** 33;
/** How often a session logs what its receiver refused (only when something new was). */
const DROP_REPORT_MS = 2000;

export interface GbMediaOptions {
  /** Address the RTP sockets bind to and the SDP offer names. */
  host: string;
  /** udp; tcp-passive (the device connects to our port); tcp-active (we connect to the port of the device's answer). */
  transport: 'udp' | 'tcp-passive' | 'tcp-active';
  /** First and last local RTP port. */
  ports: [number, number];
  /** The gateway's log: refused media is a warning there too (the pull's own log lines go with its stream). */
  log?: (level: 'warn', msg: string) => void;
}

/** Serves `gb28181://<device>/<channel>` pulls: one INVITE per pull, whatever the number of viewers of it. */
export class GbMediaSource implements ExternalSource {
  readonly scheme = 'gb28181';
  /** Sessions running now (one per camera pull). */
  readonly sessions = new Set<GbMediaSession>();
  private nextPort: number;

  constructor(
    readonly server: Gb28181Server,
    readonly opts: GbMediaOptions,
  ) {
    this.nextPort = opts.ports[0];
  }

  validate(url: string): void {
    if (!URL_RE.test(url)) throw new Error('not gb28181://<20-digit device id>/<20-digit channel id>');
  }

  open(url: string, feed: ExternalFeed, timeoutMs: number): ExternalSession {
    const [, deviceId, channelId] = URL_RE.exec(url) ?? [];
    const s = new GbMediaSession(this, deviceId ?? '', channelId ?? '', feed, timeoutMs);
    this.sessions.add(s);
    void s.start().finally(() => undefined);
    return s;
  }

  /**
   * Ends every session of a device at once (it went off line, unregistered, or registered from another address),
   * with `why`: each pull reports it and, while it is wanted, INVITEs again with its backoff (to the new address).
   */
  endDevice(deviceId: string, why: string): number {
    let n = 0;
    for (const s of [...this.sessions])
      if (s.deviceId === deviceId) {
        s.endWith(why);
        n++;
      }
    return n;
  }

  /** A receiver on the next free port of the range (ports in use are skipped). */
  async receiver(
    o: Omit<Parameters<typeof openMediaReceiver>[0], 'transport' | 'host' | 'port'>,
  ): Promise<MediaReceiver> {
    // tcp-active listens on nothing: its one connection is made to the device after the answer
    if (this.opts.transport === 'tcp-active')
      return openMediaReceiver({ ...o, transport: 'tcp-active', host: this.opts.host });
    const [first, last] = this.opts.ports;
    let lastErr: unknown = null;
    for (let i = 0; i <= last - first; i++) {
      const port = this.nextPort;
      this.nextPort = port >= last ? first : port + 1;
      try {
        return await openMediaReceiver({ ...o, transport: this.opts.transport, host: this.opts.host, port });
      } catch (err) {
        lastErr = err;
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') break;
      }
    }
    throw new Error(`gb28181: no media port free in ${first}–${last}: ${String(lastErr)}`);
  }
}

/** One pull's media session: the receiver is opened first (its port goes in the offer), then the INVITE. */
export class GbMediaSession implements ExternalSession {
  private receiver: MediaReceiver | null = null;
  private dialog: GbDialog | null = null;
  private closed = false;
  private base = 0;
  private last = -1;
  private watch: NodeJS.Timeout | null = null;
  private reported = 0;

  constructor(
    private readonly source: GbMediaSource,
    readonly deviceId: string,
    readonly channelId: string,
    private readonly feed: ExternalFeed,
    private readonly timeoutMs: number,
  ) {}

  /** PS timestamps are 33 bits: extended across wraps so the pull sees them increase. */
  private unwrap(pts: number): number {
    if (this.last >= 0 && pts + this.base < this.last - 2 ** 32) this.base += WRAP;
    this.last = pts + this.base;
    return this.last;
  }

  /** Logs what the receiver refused since the last report (garbage, other SSRCs, hostile PS), if anything. */
  private reportDrops(): void {
    if (!this.receiver) return;
    const { rtp, ps } = this.receiver.stats();
    const total = rtp.malformed + rtp.wrongSsrc + ps.malformed + ps.droppedUnits + ps.skippedBytes;
    if (total === this.reported) return;
    this.reported = total;
    const msg =
      `gb28181: channel ${this.channelId} media refused so far: ${rtp.malformed} malformed RTP packets, ${rtp.wrongSsrc} of ` +
      `another SSRC, ${ps.malformed} bad PS headers, ${ps.skippedBytes} bytes skipped, ${ps.droppedUnits} pictures dropped`;
    this.feed.log(msg);
    this.source.opts.log?.('warn', msg);
  }

  /** Ends the session from outside (the device went away or moved), BYE sent, the pull told why. */
  endWith(why: string): void {
    this.end(why);
  }

  private end(why: string): void {
    if (this.closed) return;
    this.feed.end(why);
    void this.close();
  }

  async start(): Promise<void> {
    const { server } = this.source;
    const dev = server.device(this.deviceId);
    if (!dev?.online) return this.end(`gb28181: device ${this.deviceId} is not registered and on line`);
    const ssrc = server.newSsrc();
    try {
      const receiver = await this.source.receiver({
        ssrc: Number(ssrc),
        noMediaTimeoutMs: this.timeoutMs,
        onAccessUnit: (au) =>
          this.feed.accessUnit({
            codec: au.codec,
            nals: au.nals,
            keyframe: au.keyframe,
            timestamp: this.unwrap(au.pts),
            receivedAt: Date.now(),
          }),
        onClose: (why) => this.end(`gb28181: channel ${this.channelId}: ${why}`),
      });
      this.receiver = receiver;
      this.watch = setInterval(() => this.reportDrops(), DROP_REPORT_MS);
      this.watch.unref();
      if (this.closed) return void (await receiver.close());
      const { transport, host } = this.source.opts;
      // tcp-active offers the discard port (RFC 4145 §4.1): the connection goes from us to the device
      const port = transport === 'tcp-active' ? 9 : receiver.port;
      const dialog = await server.invite(this.deviceId, this.channelId, { address: host, port, transport, ssrc });
      this.dialog = dialog;
      if (this.closed) return void (await dialog.bye().catch(() => undefined));
      if (transport === 'tcp-active') await receiver.connect(dialog.answer.address, dialog.answer.port);
      dialog.once('ended', (how: string) => {
        if (how === 'bye-received') this.end(`gb28181: channel ${this.channelId}: the device ended the session (BYE)`);
      });
      this.feed.log(`gb28181: INVITE of ${this.channelId} answered, media ${host}:${port} (${transport})`);
    } catch (err) {
      this.end(`gb28181: play of ${this.channelId} failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.source.sessions.delete(this);
    const d = this.dialog;
    // the BYE's answer is waited for 2 s at most: a device that went away does not hold the pull's stop
    if (d && !d.ended)
      await Promise.race([d.bye().catch(() => undefined), new Promise((r) => setTimeout(r, 2000).unref())]);
    if (this.watch) clearInterval(this.watch);
    this.reportDrops();
    await this.receiver?.close();
  }
}
