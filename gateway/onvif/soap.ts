// SOAP 1.2 envelopes for ONVIF: namespaces, WS-UsernameToken PasswordDigest, fault decoding.
import { createHash, randomBytes } from 'node:crypto';
import { OnvifFaultError } from './errors';
import { kid, kids, soapBody, text, type XNode } from './xml';

/** Namespace prefixes used in every request we send. */
export const NS = {
  s: 'http://www.w3.org/2003/05/soap-envelope',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
} as const;

/** Escapes text for an XML element or attribute value. */
export function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** ISO-8601 UTC without milliseconds (some devices reject fractional seconds in Created). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * WS-Security UsernameToken with PasswordDigest = Base64(SHA-1(nonce + created + password)).
 * `nowMs` must already be corrected for the device's clock (device time = our time + skew).
 */
export function usernameToken(
  username: string,
  password: string,
  nowMs: number,
  nonce: Buffer = randomBytes(16),
): string {
  const created = isoSeconds(nowMs);
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(password)]))
    .digest('base64');
  return (
    `<wsse:Security s:mustUnderstand="1"><wsse:UsernameToken>` +
    `<wsse:Username>${esc(username)}</wsse:Username>` +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0` +
    `#Base64Binary">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

/** A full SOAP 1.2 envelope around `body` (already XML), with optional header XML. */
export function envelope(body: string, header = ''): string {
  const xmlns = Object.entries(NS)
    .map(([p, u]) => ` xmlns:${p}="${u}"`)
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope${xmlns}>${header ? `<s:Header>${header}</s:Header>` : ''}<s:Body>${body}</s:Body></s:Envelope>`;
}

const local = (v: string | undefined): string => (v ?? '').replace(/^[^:]*:/, '').trim();

/** Decoded SOAP 1.2 (or 1.1) Fault: code, subcodes outermost first, reason text. */
export interface SoapFault {
  code: string;
  subcodes: string[];
  reason: string;
}

/** Returns the Fault in a parsed envelope, or undefined when the Body holds none. */
export function readFault(doc: XNode): SoapFault | undefined {
  const f = kid(soapBody(doc), 'Fault');
  if (f === undefined) return undefined;
  const code = kid(f, 'Code');
  if (code !== undefined) {
    const subcodes: string[] = [];
    let sc = kid(code, 'Subcode');
    for (let i = 0; sc !== undefined && i < 8; i++, sc = kid(sc, 'Subcode')) subcodes.push(local(text(sc, 'Value')));
    const texts = kids(kid(f, 'Reason'), 'Text').map((t) => text(t) ?? '');
    const reason = texts.find((t) => t) ?? text(f, 'Detail', 'Text') ?? '';
    return { code: local(text(code, 'Value')), subcodes: subcodes.filter(Boolean), reason };
  }
  // SOAP 1.1: faultcode / faultstring
  return { code: local(text(f, 'faultcode')), subcodes: [], reason: text(f, 'faultstring') ?? '' };
}

/** True for faults that mean "wrong or missing credentials". */
export function isAuthFault(f: SoapFault): boolean {
  return [f.code, ...f.subcodes].some((c) =>
    /^(NotAuthorized|FailedAuthentication|InvalidSecurity|SenderNotAuthorized)$/i.test(c),
  );
}

/** Turns a decoded fault into the OnvifFaultError to throw. */
export function faultError(f: SoapFault, status?: number): OnvifFaultError {
  return new OnvifFaultError(f.code, f.subcodes[0], f.reason, status);
}
