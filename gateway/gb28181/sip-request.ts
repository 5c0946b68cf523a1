// Building outgoing SIP requests (REGISTER, MESSAGE, INVITE, ACK, BYE) with the headers GB/T 28181 peers expect.
import type { SipHeader, SipRequest } from './sip-message';

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
