// Sends the simulated device's pictures as PS over RTP to a platform: UDP, TCP with the device connecting (active) or listening (passive).
import dgram from 'node:dgram';
import net from 'node:net';
import {
  RtpPacketizer,
  frame4571,
  muxPicture,
  type MediaTransport,
  type VideoAccessUnit,
} from '../../gateway/gb28181/index';
import type { PictureFeed } from './picture-feed';

export interface MediaSession {
  /** Port the device sends from (UDP) or listens on (TCP, platform active). */
  localPort: number;
  /** Starts sending the feed's pictures, from its next keyframe (after the platform's ACK). */
  start(): void;
  /** Stops sending, keeping the connection and RTP sequence (MANSRTSP PAUSE). */
  pause(): void;
  /** Sends another feed's pictures on the same connection (MANSRTSP PLAY with Range or Scale: footage anew). */
  restart(feed: PictureFeed): void;
  stop(): void;
  /** RTP packets sent so far. */
  sent(): number;
}

/**
 * `transport` is the platform's role from its offer: 'udp'; 'tcp-passive' (the platform listens, the
 * device connects to address:port); 'tcp-active' (the platform connects to the device's localPort).
 */
export async function openMediaSession(
  transport: MediaTransport,
  address: string,
  port: number,
  ssrc: number,
  feed: PictureFeed,
): Promise<MediaSession> {
  const rtp = new RtpPacketizer(ssrc, 96, 1400);
  let sent = 0;
  let write: ((pkts: Buffer[]) => void) | null = null;
  const closers: Array<() => void> = [];
  const onPicture = (au: VideoAccessUnit): void => {
    if (!write) return;
    const pkts = rtp.packetize(muxPicture(au.codec, au.nals, au.pts, au.keyframe), au.pts);
    sent += pkts.length;
    write(pkts);
  };
  let unsubscribe: (() => void) | null = null;
  let localPort = 0;
  if (transport === 'udp') {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
    localPort = sock.address().port;
    write = (pkts) => pkts.forEach((p) => sock.send(p, port, address));
    closers.push(() => sock.close());
  } else if (transport === 'tcp-passive') {
    const sock = net.connect({ host: address, port });
    await new Promise<void>((res, rej) => sock.once('connect', res).once('error', rej));
    sock.on('error', () => sock.destroy());
    localPort = sock.localPort ?? 0;
    write = (pkts) => !sock.destroyed && sock.write(Buffer.concat(pkts.map(frame4571)));
    closers.push(() => sock.destroy());
  } else {
    let conn: net.Socket | null = null;
    const server = net.createServer((s) => {
      if (conn) return void s.destroy();
      conn = s;
      s.on('error', () => s.destroy());
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    localPort = (server.address() as net.AddressInfo).port;
    write = (pkts) => conn && !conn.destroyed && void conn.write(Buffer.concat(pkts.map(frame4571)));
    closers.push(() => {
      conn?.destroy();
      server.close();
    });
  }
  return {
    localPort,
    start: () => {
      unsubscribe ??= feed.subscribe(onPicture);
    },
    pause: () => {
      unsubscribe?.();
      unsubscribe = null;
    },
    restart: (next) => {
      unsubscribe?.();
      unsubscribe = null;
      feed = next;
      unsubscribe = feed.subscribe(onPicture);
    },
    stop: () => {
      unsubscribe?.();
      unsubscribe = null;
      write = null;
      for (const c of closers) c();
    },
    sent: () => sent,
  };
}
