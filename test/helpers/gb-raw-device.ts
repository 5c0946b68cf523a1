// A bare UDP "device" for the GB/T 28181 server tests: sends hand-built SIP datagrams and sees every datagram it gets, retransmissions included.
import dgram from 'node:dgram';
import {
  authorizationHeader,
  buildRequest,
  header,
  newBranch,
  newCallId,
  parseDigest,
  parseSip,
  responseTo,
  serializeSip,
  type SipHeader,
  type SipMessage,
  type SipRequest,
  type SipResponse,
} from '../../gateway/gb28181/index';
import { waitFor } from './wait-for';

export class RawGbDevice {
  readonly got: SipMessage[] = [];
  /** Date.now() at which each message of `got` arrived. */
  readonly gotAt: number[] = [];
  private readonly sock = dgram.createSocket('udp4');

  constructor(
    readonly id: string,
    private readonly server: { port: number; id: string; realm: string },
    private readonly bindAddress = '127.0.0.1',
  ) {
    this.sock.on('message', (m) => {
      try {
        this.got.push(parseSip(m));
        this.gotAt.push(Date.now());
      } catch {
        // not SIP: ignored
      }
    });
  }

  async bind(): Promise<void> {
    await new Promise<void>((res) => this.sock.bind(0, this.bindAddress, () => res()));
  }

  get port(): number {
    return this.sock.address().port;
  }

  /** Sends bytes as they are (hostile input). */
  sendRaw(b: Buffer): void {
    this.sock.send(b, this.server.port, '127.0.0.1');
  }

  /** Sends a request with a Via of this socket; returns the bytes sent (to resend them as a retransmission). */
  send(req: SipRequest, branch = newBranch()): Buffer {
    const via = { name: 'Via', value: `SIP/2.0/UDP ${this.bindAddress}:${this.port};rport;branch=${branch}` };
    const bytes = serializeSip({ ...req, headers: [via, ...req.headers] });
    this.sendRaw(bytes);
    return bytes;
  }

  reply(req: SipRequest, status: number, reason: string, extra: SipHeader[] = [], body = Buffer.alloc(0)): void {
    this.sendRaw(serializeSip(responseTo(req, status, reason, extra, body)));
  }

  /** Waits for a response whose CSeq is `cseq` (e.g. "2 REGISTER"). */
  response(cseq: string, timeoutMs = 3000): Promise<SipResponse> {
    return waitFor(() => this.got.find((m): m is SipResponse => m.kind === 'response' && header(m, 'CSeq') === cseq), {
      timeoutMs,
      what: cseq,
    });
  }

  registerRequest(cseq: number, callId: string, expires: number, auth?: string): SipRequest {
    const me = `<sip:${this.id}@${this.server.realm}>`;
    return buildRequest({
      method: 'REGISTER',
      uri: `sip:${this.server.id}@${this.server.realm}`,
      from: `${me};tag=raw${cseq}`,
      to: me,
      callId,
      cseq,
      contact: `<sip:${this.id}@${this.bindAddress}:${this.port}>`,
      extra: [{ name: 'Expires', value: String(expires) }, ...(auth ? [{ name: 'Authorization', value: auth }] : [])],
    });
  }

  /** REGISTER → 401 → REGISTER with digest; resolves with the final response. */
  async register(password: string, expires = 3600): Promise<SipResponse> {
    const callId = newCallId(this.bindAddress);
    this.got.length = 0;
    this.gotAt.length = 0;
    this.send(this.registerRequest(1, callId, expires));
    const challenge = await this.response('1 REGISTER');
    if (challenge.status !== 401) return challenge;
    const uri = `sip:${this.server.id}@${this.server.realm}`;
    const auth = authorizationHeader(parseDigest(header(challenge, 'WWW-Authenticate') ?? '') ?? {}, {
      username: this.id,
      password,
      method: 'REGISTER',
      uri,
    });
    this.send(this.registerRequest(2, callId, expires, auth));
    return this.response('2 REGISTER');
  }

  close(): void {
    this.sock.close();
  }
}
