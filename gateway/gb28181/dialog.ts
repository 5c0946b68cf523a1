// An INVITE dialog (RFC 3261 §12–13) as GB/T 28181 live play uses it: INVITE with SDP, ACK of the 2xx, BYE from either side.
import { EventEmitter } from 'node:events';
import { SipStatusError } from './errors';
import { parseNameAddr } from './sip-headers';
import { header, type SipResponse } from './sip-message';
import type { SipEndpoint, SipPeer } from './sip-endpoint';
import { buildRequest, newCallId, newTag } from './sip-request';
import { buildSdp, parseSdp, type GbSdp, type MediaTransport, type RecordedRange } from './sdp';

/** Where the platform wants the media: its RTP address and port and how (UDP, or TCP with the platform passive or active). */
export interface MediaTarget {
  address: string;
  port: number;
  transport: MediaTransport;
  /** y= SSRC, 10 decimal digits. */
  ssrc: string;
}

export interface InviteParts {
  endpoint: SipEndpoint;
  peer: SipPeer;
  /** Our id and domain (From), the device id and the channel id. */
  localId: string;
  realm: string;
  channelId: string;
  media: MediaTarget;
  contactHostPort: string;
  /** Playback or Download of the channel's footage (s=, u=, t=); live Play when absent. */
  recorded?: RecordedRange;
}

/** Emits 'ended' (reason: 'bye-sent' | 'bye-received') once. */
export class GbDialog extends EventEmitter {
  ended = false;
  private cseq: number;

  constructor(
    private readonly endpoint: SipEndpoint,
    readonly peer: SipPeer,
    readonly callId: string,
    readonly from: string,
    readonly to: string,
    readonly remoteTarget: string,
    readonly offer: MediaTarget,
    readonly answer: GbSdp,
    cseq: number,
  ) {
    super();
    this.cseq = cseq;
  }

  /** The ACK of the 2xx (also sent again when the device retransmits its 2xx). */
  ack(): void {
    this.endpoint.sendRequest(
      this.peer,
      buildRequest({
        method: 'ACK',
        uri: this.remoteTarget,
        from: this.from,
        to: this.to,
        callId: this.callId,
        cseq: this.cseq,
      }),
    );
  }

  /** Ends the session with BYE; resolves once answered (or on timeout: the session is over either way). */
  async bye(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.emit('ended', 'bye-sent');
    const req = buildRequest({
      method: 'BYE',
      uri: this.remoteTarget,
      from: this.from,
      to: this.to,
      callId: this.callId,
      cseq: ++this.cseq,
    });
    await this.endpoint.request(this.peer, req).catch(() => undefined);
  }

  /**
   * Sends an in-dialog INFO with a MANSRTSP body (GB/T 28181 annex B: PLAY/PAUSE with Range or Scale during
   * Playback); resolves once the device answers 2xx, rejects with SipStatusError otherwise.
   */
  async info(mansrtsp: string): Promise<void> {
    if (this.ended) throw new SipStatusError('INFO on an ended session', 481, 'Call/Transaction Does Not Exist');
    const req = buildRequest({
      method: 'INFO',
      uri: this.remoteTarget,
      from: this.from,
      to: this.to,
      callId: this.callId,
      cseq: ++this.cseq,
      body: Buffer.from(mansrtsp),
      contentType: 'Application/MANSRTSP',
    });
    const res = await this.endpoint.request(this.peer, req);
    if (res.status >= 300) throw new SipStatusError('INFO (MANSRTSP)', res.status, res.reason);
  }

  /** The device sent BYE. */
  remoteBye(): void {
    if (this.ended) return;
    this.ended = true;
    this.emit('ended', 'bye-received');
  }
}

/** Sends the INVITE (Subject per GB/T 28181 §9.2.2.1), waits for the final answer, ACKs a 2xx and returns the dialog. */
export async function invite(p: InviteParts, onProvisional?: (r: SipResponse) => void): Promise<GbDialog> {
  const { media } = p;
  const callId = newCallId(p.contactHostPort.split(':')[0] ?? 'gb');
  const from = `<sip:${p.localId}@${p.realm}>;tag=${newTag()}`;
  const to = `<sip:${p.channelId}@${p.realm}>`;
  const uri = `sip:${p.channelId}@${p.peer.address}:${p.peer.port}`;
  const sdp = buildSdp({
    origin: p.localId,
    address: media.address,
    port: media.port,
    transport: media.transport,
    ssrc: media.ssrc,
    direction: 'recvonly',
    ...(p.recorded ? { recorded: p.recorded } : {}),
  });
  const req = buildRequest({
    method: 'INVITE',
    uri,
    from,
    to,
    callId,
    cseq: 1,
    contact: `<sip:${p.localId}@${p.contactHostPort}>`,
    extra: [{ name: 'Subject', value: `${p.channelId}:${media.ssrc},${p.localId}:0` }],
    body: Buffer.from(sdp),
    contentType: 'APPLICATION/SDP',
  });
  const res = await p.endpoint.request(p.peer, req, onProvisional);
  if (res.status >= 300) throw new SipStatusError(`INVITE ${p.channelId}`, res.status, res.reason);
  const contact = header(res, 'Contact');
  let target = uri;
  try {
    if (contact) target = `sip:${parseNameAddr(contact).uri.user}@${p.peer.address}:${p.peer.port}`;
  } catch {
    // a malformed Contact: keep the request URI as the remote target
  }
  let answer: GbSdp | null = null;
  let bad: unknown = null;
  try {
    answer = parseSdp(res.body.toString('utf8'));
  } catch (e) {
    bad = e;
  }
  const dialog = new GbDialog(
    p.endpoint,
    p.peer,
    callId,
    from,
    header(res, 'To') ?? to,
    target,
    media,
    answer as GbSdp,
    1,
  );
  dialog.ack();
  if (bad) {
    await dialog.bye(); // an answer we cannot use: the session the device opened is closed again
    throw bad;
  }
  return dialog;
}
