// RTSP liveness probe over node:net: OPTIONS, then DESCRIBE with Digest or Basic auth (RFC 2326 / 7826).
import net from 'node:net';
import tls from 'node:tls';
import { digestAuthorization, offersBasic, parseDigestChallenge } from '../onvif/http-digest';

/** Outcome of probeRtsp. `status` is the last RTSP status code when one arrived. */
export interface RtspProbeResult {
  outcome: 'ok' | 'unauthorized' | 'not-found' | 'unreachable' | 'timeout' | 'protocol-error';
  status?: number;
  /** Wall time of the whole probe, ms. */
  ms: number;
  detail: string;
}

/** Options of probeRtsp. */
export interface RtspProbeOptions {
  /** Credentials; default: the URL's userinfo. */
  username?: string;
  password?: string;
  /** Whole-probe limit in ms. Default 3000. */
  timeoutMs?: number;
  /** Largest response head + body accepted, bytes. Default 64 kB. */
  maxResponseBytes?: number;
}

interface Resp {
  status: number;
  headers: Map<string, string[]>;
}

/**
 * Probes an rtsp:// or rtsps:// URL on one connection: OPTIONS, then DESCRIBE (retried once with
 * Digest or Basic credentials after a 401). Never throws; the outcome says what happened.
 */
export async function probeRtsp(url: string, opts: RtspProbeOptions = {}): Promise<RtspProbeResult> {
  const t0 = Date.now();
  const done = (outcome: RtspProbeResult['outcome'], detail: string, status?: number): RtspProbeResult => ({
    outcome,
    ms: Date.now() - t0,
    detail,
    ...(status !== undefined ? { status } : {}),
  });
  let u: URL;
  try {
    u = new URL(url);
    if (u.protocol !== 'rtsp:' && u.protocol !== 'rtsps:') throw new Error('scheme');
  } catch {
    return done('protocol-error', `rtsp-probe: not an rtsp URL: ${JSON.stringify(url)}`);
  }
  const username = opts.username ?? decodeURIComponent(u.username);
  const password = opts.password ?? decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  const target = u.href;
  const port = Number(u.port || (u.protocol === 'rtsps:' ? 322 : 554));
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  const max = opts.maxResponseBytes ?? 64 * 1024;
  const sock: net.Socket =
    u.protocol === 'rtsps:' ? tls.connect({ host, port, rejectUnauthorized: false }) : net.connect({ host, port });
  let buf = Buffer.alloc(0);
  let waiter: ((r: Resp | Error) => void) | undefined;
  let cseq = 0;
  const timer = setTimeout(() => sock.destroy(new Error('timeout')), opts.timeoutMs ?? 3000);
  const fail = (e: Error): void => {
    const w = waiter;
    waiter = undefined;
    w?.(e);
  };
  sock.on('error', fail);
  sock.on('close', () => fail(new Error('connection closed')));
  sock.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    if (buf.length > max) return sock.destroy(new Error('response too large'));
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0 || !waiter) return;
    const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
    const headers = new Map<string, string[]>();
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i > 0)
        headers.set(l.slice(0, i).trim().toLowerCase(), [
          ...(headers.get(l.slice(0, i).trim().toLowerCase()) ?? []),
          l.slice(i + 1).trim(),
        ]);
    }
    const len = Number(headers.get('content-length')?.[0] ?? 0);
    if (buf.length < end + 4 + len) return;
    buf = buf.subarray(end + 4 + len);
    const m = /^RTSP\/\d\.\d (\d{3})/.exec(lines[0] ?? '');
    const w = waiter;
    waiter = undefined;
    w(m ? { status: Number(m[1]), headers } : new Error(`not RTSP: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`));
  });
  const send = (method: string, auth?: string): Promise<Resp> =>
    new Promise((resolve, reject) => {
      waiter = (r) => (r instanceof Error ? reject(r) : resolve(r));
      sock.write(
        `${method} ${target} RTSP/1.0\r\nCSeq: ${++cseq}\r\nUser-Agent: cloudeye-health\r\n` +
          `${method === 'DESCRIBE' ? 'Accept: application/sdp\r\n' : ''}${auth ? `Authorization: ${auth}\r\n` : ''}\r\n`,
      );
    });
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once(u.protocol === 'rtsps:' ? 'secureConnect' : 'connect', () => resolve());
      sock.once('error', reject);
    });
    const o = await send('OPTIONS');
    if (o.status >= 500) return done('protocol-error', `OPTIONS answered ${o.status}`, o.status);
    let d = await send('DESCRIBE');
    if (d.status === 401 && username) {
      const wa = d.headers.get('www-authenticate');
      const ch = parseDigestChallenge(wa);
      const auth = ch
        ? digestAuthorization(ch, { method: 'DESCRIBE', uri: target, username, password, nc: 1 })
        : offersBasic(wa)
          ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
          : undefined;
      if (auth) d = await send('DESCRIBE', auth);
    }
    if (d.status === 200) return done('ok', 'DESCRIBE 200', 200);
    if (d.status === 401 || d.status === 403)
      return done(
        'unauthorized',
        `DESCRIBE ${d.status}${username ? ' with credentials' : ' without credentials'}`,
        d.status,
      );
    if (d.status === 404) return done('not-found', 'DESCRIBE 404: no such stream', 404);
    return done('protocol-error', `DESCRIBE answered ${d.status}`, d.status);
  } catch (e) {
    const msg = (e as Error).message;
    if (msg === 'timeout')
      return done('timeout', `rtsp-probe: no answer from ${host}:${port} within ${opts.timeoutMs ?? 3000} ms`);
    if (/^not RTSP|too large/.test(msg)) return done('protocol-error', `rtsp-probe: ${msg}`);
    return done('unreachable', `rtsp-probe: ${host}:${port}: ${msg}`);
  } finally {
    clearTimeout(timer);
    sock.destroy();
  }
}
