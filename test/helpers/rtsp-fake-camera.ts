// A scripted RTSP peer on 127.0.0.1 for hostile-camera tests: parses the client's requests, answers as each test says.
import net from 'node:net';
import tls from 'node:tls';

export interface FakeRequest {
  method: string;
  url: string;
  cseq: string;
  headers: Record<string, string>;
}

/** What a test does with one request: write answers (or nothing, or garbage) on the socket. */
export type Script = (req: FakeRequest, sock: net.Socket, cam: FakeCamera) => void;

export const H264_SDP =
  'v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=fake\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n' +
  'a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0LAFtoCgL/lwFqDAwNSgAAAAwCAAAAPR4sXUA==,aM48gA==\r\na=control:trackID=0\r\n';

/** An answer with CSeq and Content-Length filled in. */
export function answer(req: FakeRequest, status: string, headers: Record<string, string> = {}, body = ''): string {
  const h = Object.entries({ CSeq: req.cseq, ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  return `RTSP/1.0 ${status}\r\n${h.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}

/** The usual good answers: DESCRIBE (H.264 SDP), SETUP (TCP interleaved, session timeout `timeoutS`), PLAY, the rest 200. */
export function goodAnswer(req: FakeRequest, timeoutS = 60): string {
  if (req.method === 'DESCRIBE') return answer(req, '200 OK', { 'Content-Type': 'application/sdp' }, H264_SDP);
  if (req.method === 'SETUP')
    return answer(req, '200 OK', {
      Transport: 'RTP/AVP/TCP;unicast;interleaved=0-1',
      Session: `12345678;timeout=${timeoutS}`,
    });
  return answer(req, '200 OK');
}

/** One interleaved RTP packet on channel 0: an H.264 NAL unit of `type`, marker set. */
export function rtpFrame(seq: number, ts: number, type: number, size = 20): Buffer {
  const pkt = Buffer.alloc(12 + size, 0x11);
  pkt[0] = 0x80;
  pkt[1] = 0x80 | 96;
  pkt.writeUInt16BE(seq, 2);
  pkt.writeUInt32BE(ts, 4);
  pkt.writeUInt32BE(0xcafe, 8);
  pkt[12] = 0x60 | type;
  return Buffer.concat([Buffer.from([0x24, 0, pkt.length >> 8, pkt.length & 0xff]), pkt]);
}

export class FakeCamera {
  private readonly server: net.Server;
  readonly requests: FakeRequest[] = [];
  /** Interleaved frames the client sent (RTCP receiver reports): channel and bytes. */
  readonly frames: Array<{ channel: number; data: Buffer }> = [];
  readonly sockets: net.Socket[] = [];
  /** Resolves when a client's connection has closed (from either side). */
  readonly disconnected: Promise<void>;
  private onDisconnect: () => void = () => undefined;
  port = 0;

  constructor(
    private readonly script: Script,
    private readonly secure?: { key: string; cert: string },
  ) {
    this.disconnected = new Promise((r) => (this.onDisconnect = r));
    this.server = secure
      ? tls.createServer(secure, (sock) => this.serve(sock))
      : net.createServer((sock) => this.serve(sock));
  }

  /** Listens on 127.0.0.1 (TLS with this key and certificate when given: rtsps). */
  static async start(script: Script, secure?: { key: string; cert: string }): Promise<FakeCamera> {
    const cam = new FakeCamera(script, secure);
    await new Promise<void>((r) => cam.server.listen(0, '127.0.0.1', () => r()));
    cam.port = (cam.server.address() as net.AddressInfo).port;
    return cam;
  }

  url(path = '/stream', credentials = ''): string {
    return `${this.secure ? 'rtsps' : 'rtsp'}://${credentials}127.0.0.1:${this.port}${path}`;
  }

  methods(): string[] {
    return this.requests.map((r) => r.method);
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private serve(sock: net.Socket): void {
    this.sockets.push(sock);
    sock.on('error', () => undefined);
    sock.on('close', () => this.onDisconnect());
    let buf = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (buf[0] === 0x24) {
          if (buf.length < 4 || buf.length < 4 + buf.readUInt16BE(2)) return;
          const len = buf.readUInt16BE(2);
          this.frames.push({ channel: buf[1]!, data: buf.subarray(4, 4 + len) });
          buf = buf.subarray(4 + len);
          continue;
        }
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [line = '', ...rest] = buf.toString('latin1', 0, end).split('\r\n');
        buf = buf.subarray(end + 4);
        const headers: Record<string, string> = {};
        for (const h of rest) {
          const i = h.indexOf(':');
          headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
        }
        const [method = '', url = ''] = line.split(' ');
        const req = { method, url, cseq: headers.cseq ?? '', headers };
        this.requests.push(req);
        if (!sock.destroyed) this.script(req, sock, this);
      }
    });
  }
}
