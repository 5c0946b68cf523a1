// Building SIP messages GB/T 28181 peers expect: requests (REGISTER, MESSAGE, INVITE, ACK, BYE), responses to requests, ids and tags.
import { randomBytes } from 'node:crypto';
import { parseCSeq } from './sip-headers';
import { header, type SipHeader, type SipRequest, type SipResponse } from './sip-message';
import type { SipPeer } from './sip-endpoint';

export interface RequestParts {
  method: string;
  uri: string;
  /** From value (name-addr with ;tag). */
  from: string;
  /** To value (name-addr, ;tag inside a dialog). */
  to: string;
  callId: string;
  cseq: number;
  contact?: string;
  extra?: SipHeader[];
  body?: Buffer;
  /** Content-Type of the body, e.g. Application/MANSCDP+xml or APPLICATION/SDP. */
  contentType?: string;
  userAgent?: string;
}

/** A request without Via (the endpoint adds it with a fresh branch when it sends). */
export function buildRequest(p: RequestParts): SipRequest {
  const headers: SipHeader[] = [
    { name: 'From', value: p.from },
    { name: 'To', value: p.to },
    { name: 'Call-ID', value: p.callId },
    { name: 'CSeq', value: `${p.cseq} ${p.method}` },
    { name: 'Max-Forwards', value: '70' },
  ];
  if (p.contact) headers.push({ name: 'Contact', value: p.contact });
  if (p.userAgent) headers.push({ name: 'User-Agent', value: p.userAgent });
  headers.push(...(p.extra ?? []));
  if (p.body?.length) headers.push({ name: 'Content-Type', value: p.contentType ?? 'Application/MANSCDP+xml' });
  return { kind: 'request', method: p.method, uri: p.uri, headers, body: p.body ?? Buffer.alloc(0) };
}

export const MANSCDP = 'Application/MANSCDP+xml';

export const newBranch = (): string => `z9hG4bK${randomBytes(10).toString('hex')}`;
export const newTag = (): string => randomBytes(6).toString('hex');
export const newCallId = (host: string): string => `${randomBytes(12).toString('hex')}@${host}`;

/** A response to `req`: Vias (top one with received/rport for UDP), From, To (tagged, or `extra`'s), Call-ID, CSeq copied. */
export function responseTo(
  req: SipRequest,
  status: number,
  reason: string,
  extra: SipHeader[],
  body: Buffer,
  peer?: SipPeer,
): SipResponse {
  const headers: SipHeader[] = [];
  let first = true;
  for (const h of req.headers) {
    if (h.name === 'Via') {
      let value = h.value;
      if (first && peer?.transport === 'udp')
        value = value.replace(/;rport(?=;|$)/, `;rport=${peer.port}`) + `;received=${peer.address}`;
      first = false;
      headers.push({ name: 'Via', value });
    }
  }
  // a To in `extra` is the dialog's (a tag the caller keeps), in place of the request's with a fresh tag
  const to = extra.find((h) => h.name === 'To');
  for (const name of ['From', 'To', 'Call-ID', 'CSeq']) {
    let value = header(req, name) ?? '';
    if (name === 'To' && to) value = to.value;
    else if (name === 'To' && status > 100 && !/;\s*tag=/i.test(value)) value += `;tag=${newTag()}`;
    headers.push({ name, value });
  }
  return { kind: 'response', status, reason, headers: [...headers, ...extra.filter((h) => h !== to)], body };
}

/** The ACK of a non-2xx final response: same branch and Call-ID, the response's To (RFC 3261 §17.1.1.3). */
export function ackFor(req: SipRequest, res: SipResponse): SipRequest {
  const cseq = parseCSeq(header(req, 'CSeq') ?? '1 INVITE');
  const headers: SipHeader[] = [
    { name: 'Via', value: header(req, 'Via') ?? '' },
    { name: 'From', value: header(req, 'From') ?? '' },
    { name: 'To', value: header(res, 'To') ?? '' },
    { name: 'Call-ID', value: header(req, 'Call-ID') ?? '' },
    { name: 'CSeq', value: `${cseq.seq} ACK` },
    { name: 'Max-Forwards', value: '70' },
  ];
  return { kind: 'request', method: 'ACK', uri: req.uri, headers, body: Buffer.alloc(0) };
}
