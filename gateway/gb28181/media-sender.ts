// The sending end of a GB/T 28181 media session (a device's, or a lower platform's towards its superior): pictures
// muxed into PS, packetized into RTP with the session's SSRC, sent over UDP or RFC 4571 TCP (connecting or listening).
import dgram from 'node:dgram';
import net from 'node:net';
import { muxPicture } from './ps-mux';
import { RtpPacketizer, frame4571 } from './rtp';
import type { VideoAccessUnit } from './nal';
import type { MediaTransport } from './sdp';

export interface MediaSender {
  /** Port we send from (UDP) or listen on (TCP, the receiver connecting): the answer's m= port. */
  readonly localPort: number;
  /** Sends one picture (PTS 90 kHz); dropped until the receiver is connected (TCP) or after close. */
  send(au: VideoAccessUnit): void;
  /** RTP packets sent so far. */
  sent(): number;
  close(): void;
}

export interface MediaSenderOptions {
  /** The receiver's role from its offer: 'udp'; 'tcp-passive' (it listens: we connect); 'tcp-active' (it connects). */
  transport: MediaTransport;
  /** The offer's c= address and m= port. */
  address: string;
  port: number;
  /** y= as a number. */
  ssrc: number;
  /** Local address to bind or listen on. */
  host: string;
  /** RTP payload bytes at most. Default 1400. */
  mtu?: number;
  /** Called once when a TCP connection ends or fails. */
  onClose?: (why: string) => void;
}

/** Opens the socket (connects for 'tcp-passive': rejects when the receiver does not accept). */
export async function openMediaSender(o: MediaSenderOptions): Promise<MediaSender> {
  const rtp = new RtpPacketizer(o.ssrc, 96, o.mtu ?? 1400);
  let sent = 0;
  let closed = false;
  let write: ((pkts: Buffer[]) => void) | null = null;
  let closer: () => void = () => undefined;
  let localPort = 0;
  const ended = (why: string): void => {
    if (closed) return;
    o.onClose?.(why);
  };
  if (o.transport === 'udp') {
    const sock = dgram.createSocket('udp4');
    await new Promise<void>((ok, fail) => sock.once('error', fail).bind(0, o.host, () => ok()));
    sock.on('error', () => undefined);
    localPort = sock.address().port;
    write = (pkts) => pkts.forEach((p) => sock.send(p, o.port, o.address));
    closer = () => sock.close();
  } else if (o.transport === 'tcp-passive') {
    const sock = net.connect({ host: o.address, port: o.port, localAddress: o.host });
    await new Promise<void>((ok, fail) => sock.once('connect', ok).once('error', fail));
    sock.on('error', (e) => ended(`media connection failed: ${e.message}`));
    sock.on('close', () => ended('media connection closed'));
    localPort = sock.localPort ?? 0;
    write = (pkts) => void (!sock.destroyed && sock.write(Buffer.concat(pkts.map(frame4571))));
    closer = () => sock.destroy();
  } else {
    let conn: net.Socket | null = null;
    const server = net.createServer((s) => {
      if (conn) return void s.destroy();
      conn = s;
      s.on('error', (e) => ended(`media connection failed: ${e.message}`));
      s.on('close', () => ended('media connection closed'));
    });
    await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, o.host, () => ok()));
    localPort = (server.address() as net.AddressInfo).port;
    write = (pkts) => void (conn && !conn.destroyed && conn.write(Buffer.concat(pkts.map(frame4571))));
    closer = () => {
      conn?.destroy();
      server.close();
    };
  }
  return {
    localPort,
    send(au) {
      if (closed || !write) return;
      const pkts = rtp.packetize(muxPicture(au.codec, au.nals, au.pts, au.keyframe), au.pts);
      sent += pkts.length;
      write(pkts);
    },
    sent: () => sent,
    close() {
      if (closed) return;
      closed = true;
      write = null;
      closer();
    },
  };
}
