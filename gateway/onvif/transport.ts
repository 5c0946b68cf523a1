// One SOAP-over-HTTP exchange: timeout, response size cap, HTTP Digest fallback, fault/auth classification.
import http from 'node:http';
import https from 'node:https';
import { OnvifAuthError, OnvifHttpError, OnvifTimeoutError, OnvifTooLargeError } from './errors';
import { digestAuthorization, parseDigestChallenge, type DigestChallenge } from './http-digest';
import { faultError, isAuthFault, readFault } from './soap';
import { parseXml, type XNode } from './xml';

/** Options of one exchange. */
export interface SoapRequest {
  url: string;
  /** The SOAP action URI (sent in the Content-Type action parameter). */
  action: string;
  body: string;
  /** Abort everything (connect, headers, body) after this many ms. */
  timeoutMs: number;
  /** Abort the read once more bytes than this arrive. */
  maxResponseBytes: number;
  /** For HTTP Digest when the device answers 401 with a Digest challenge. */
  username?: string;
  password?: string;
  /** Per-device state so one 401 round trip is not repeated on every call. */
  digest?: DigestState;
  signal?: AbortSignal;
}

/** Remembered Digest challenge of a device and its nonce count. */
export interface DigestState {
  challenge?: DigestChallenge;
  nc: number;
}

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function once(req: SoapRequest, authorization: string | undefined, signal: AbortSignal): Promise<RawResponse> {
  const u = new URL(req.url);
  const mod = u.protocol === 'https:' ? https : http;
  const payload = Buffer.from(req.body, 'utf8');
  return new Promise((resolve, reject) => {
    const r = mod.request(
      u,
      {
        method: 'POST',
        signal,
        agent: false,
        headers: {
          'content-type': `application/soap+xml; charset=utf-8; action="${req.action}"`,
          'content-length': payload.length,
          connection: 'close',
          ...(authorization ? { authorization } : {}),
        },
        ...(u.protocol === 'https:' ? { rejectUnauthorized: false } : {}), // cameras ship self-signed certificates
      },
      (res) => {
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > req.maxResponseBytes) {
          reject(new OnvifTooLargeError(req.url, req.maxResponseBytes));
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > req.maxResponseBytes) {
            reject(new OnvifTooLargeError(req.url, req.maxResponseBytes)); // before destroy(): it emits 'aborted'
            res.destroy();
            r.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
        res.on('aborted', () => reject(new OnvifHttpError(req.url, res.statusCode, 'response aborted')));
      },
    );
    r.on('error', reject);
    r.end(payload);
  });
}

/**
 * Posts one SOAP request and returns the parsed envelope of a 2xx answer.
 * Throws OnvifTimeoutError, OnvifTooLargeError, OnvifXmlError, OnvifAuthError (401 after the Digest
 * retry, or a NotAuthorized fault), OnvifFaultError (any other fault) or OnvifHttpError.
 */
export async function soapExchange(req: SoapRequest): Promise<SoapResponse> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), req.timeoutMs);
  const onOuter = (): void => ac.abort();
  req.signal?.addEventListener('abort', onOuter, { once: true });
  const state = req.digest ?? { nc: 0 };
  const path = (() => {
    const u = new URL(req.url);
    return u.pathname + u.search;
  })();
  const authFor = (): string | undefined =>
    state.challenge && req.username !== undefined
      ? digestAuthorization(state.challenge, {
          method: 'POST',
          uri: path,
          username: req.username,
          password: req.password ?? '',
          nc: ++state.nc,
        })
      : undefined;
  try {
    let res = await once(req, authFor(), ac.signal);
    if (res.status === 401 && req.username !== undefined) {
      const ch = parseDigestChallenge(res.headers['www-authenticate']);
      const stale =
        state.challenge === undefined || /stale\s*=\s*"?true/i.test(String(res.headers['www-authenticate']));
      if (ch && (stale || ch.nonce !== state.challenge?.nonce)) {
        state.challenge = ch;
        state.nc = 0;
        res = await once(req, authFor(), ac.signal);
      }
    }
    return classify(req.url, res);
  } catch (e) {
    if (ac.signal.aborted && !(e instanceof OnvifTooLargeError)) {
      if (req.signal?.aborted) throw req.signal.reason ?? e;
      throw new OnvifTimeoutError(req.url, req.timeoutMs);
    }
    if (e instanceof Error && !e.name.startsWith('Onvif')) throw new OnvifHttpError(req.url, undefined, e.message);
    throw e;
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onOuter);
  }
}

/** A parsed 2xx SOAP answer and its text (some callers need raw fragments, e.g. ReferenceParameters). */
export interface SoapResponse {
  doc: XNode;
  raw: string;
}

function classify(url: string, res: RawResponse): SoapResponse {
  const looksXml =
    /^\s*(<\?xml|<[A-Za-z])/.test(res.body) && /xml|soap/i.test(String(res.headers['content-type'] ?? 'xml'));
  if (res.status >= 200 && res.status < 300) {
    const doc = parseXml(res.body);
    const f = readFault(doc); // some devices send faults with HTTP 200
    if (f)
      throw isAuthFault(f)
        ? new OnvifAuthError(url, `${f.code}/${f.subcodes.join('/')}: ${f.reason}`)
        : faultError(f, res.status);
    return { doc, raw: res.body };
  }
  if (looksXml) {
    let f;
    try {
      f = readFault(parseXml(res.body));
    } catch (e) {
      if (res.status !== 401) throw e; // a 401 stays an auth error even with a junk body
    }
    if (f)
      throw isAuthFault(f) || res.status === 401
        ? new OnvifAuthError(url, `HTTP ${res.status} ${f.code}/${f.subcodes.join('/')}: ${f.reason}`)
        : faultError(f, res.status);
  }
  if (res.status === 401 || res.status === 403) throw new OnvifAuthError(url, `HTTP ${res.status}`);
  throw new OnvifHttpError(url, res.status, res.body.slice(0, 80));
}
