// The platform's end of a GB/T 28181 media session: RTP over UDP or TCP (RFC 4571; listening or connecting), SSRC-checked, PS demuxed to pictures.
import dgram from 'node:dgram';
import net from 'node:net';
import { PsDemuxer, type PsDemuxStats } from './ps-demux';
import { Rfc4571Framer, RtpReceiver, type RtpReceiverStats } from './rtp';
import type { VideoAccessUnit } from './nal';
import type { MediaTransport } from './sdp';

export interface MediaReceiverOptions {
  /** The platform's role: 'udp'; 'tcp-passive' (listen for the device); 'tcp-active' (connect to the device's port). */
  transport: MediaTransport;
  /** Address to bind/listen on. */
  host: string;
  /** Local port to bind (udp) or listen on (tcp-passive); default any free one. A port in use rejects (EADDRINUSE). */
  port?: number;
  /** Expected SSRC (the y= value as a number); packets of another SSRC are dropped. */
  ssrc?: number;
  onAccessUnit: (au: VideoAccessUnit) => void;
  /** Called once for a TCP stream that ends or fails (the session is then over). */
  onClose?: (why: string) => void;
  maxAccessUnitBytes?: number;
  /** No picture for this long (from the start, or since the last one): onClose('no media …') and the receiver closes itself. */
  noMediaTimeoutMs?: number;
}

export interface MediaReceiver {
  /** The local port to put in the SDP offer (0 for tcp-active). */
  readonly port: number;
  /** tcp-active only: connects to the device's media port from its answer. */
  connect(address: string, port: number): Promise<void>;
  stats(): { rtp: RtpReceiverStats; ps: PsDemuxStats; bytes: number };
  close(): Promise<void>;
}

/**
 * Opens the receiving side. The RTP marker bit hands a picture on at once (no wait for the next one);
 * a sequence gap drops the picture it damaged. A TCP listener accepts one connection and refuses the rest.
 */
export async function openMediaReceiver(o: MediaReceiverOptions): Promise<MediaReceiver> {
  let watchdog: NodeJS.Timeout | null = null;
  let self: MediaReceiver | null = null;
  const arm = (): void => {
    if (!o.noMediaTimeoutMs) return;
    if (watchdog) clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      ended(`no media for ${o.noMediaTimeoutMs} ms`);
      void self?.close();
    }, o.noMediaTimeoutMs);
  };
  const demux = new PsDemuxer({
    onAccessUnit: (au) => {
      arm();
      o.onAccessUnit(au);
    },
    ...(o.maxAccessUnitBytes ? { maxAccessUnitBytes: o.maxAccessUnitBytes } : {}),
  });
  const rtp = new RtpReceiver((p, gap) => {
    if (gap) demux.discard();
    demux.push(p.payload);
    if (p.marker) demux.flush();
  }, o.ssrc);
  let bytes = 0;
  let closed = false;
  const closers: Array<() => Promise<void> | void> = [];
  let reported = false;
  const ended = (why: string): void => {
    if (closed || reported) return;
    reported = true;
    o.onClose?.(why);
  };
  const feedTcp = (s: net.Socket): void => {
    const framer = new Rfc4571Framer();
    s.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      for (const pkt of framer.push(chunk)) rtp.push(pkt);
    });
    s.on('error', () => s.destroy());
    s.on('close', () => ended('tcp stream closed'));
    closers.push(() => void s.destroy());
  };
  let port = 0;
  if (o.transport === 'udp') {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((res, rej) =>
      sock
        .once('error', (e) => {
          sock.close();
          rej(e);
        })
        .bind(o.port ?? 0, o.host, () => res()),
    );
    sock.on('message', (m) => {
      bytes += m.length;
      rtp.push(m);
    });
    port = sock.address().port;
    closers.push(() => new Promise<void>((res) => sock.close(() => res())));
  } else if (o.transport === 'tcp-passive') {
    let taken = false;
    const server = net.createServer((s) => {
      if (taken) return void s.destroy();
      taken = true;
      feedTcp(s);
    });
    await new Promise<void>((res, rej) => server.once('error', rej).listen(o.port ?? 0, o.host, () => res()));
    port = (server.address() as net.AddressInfo).port;
    closers.push(() => new Promise<void>((res) => server.close(() => res())));
  }
  arm();
  self = {
    port,
    async connect(address, devicePort) {
      if (o.transport !== 'tcp-active') return;
      const s = net.connect({ host: address, port: devicePort });
      await new Promise<void>((res, rej) => s.once('connect', res).once('error', rej));
      feedTcp(s);
    },
    stats: () => ({ rtp: { ...rtp.stats }, ps: { ...demux.stats }, bytes }),
    async close() {
      if (closed) return;
      closed = true;
      if (watchdog) clearTimeout(watchdog);
      for (const c of closers.reverse()) await c();
    },
  };
  return self;
}
