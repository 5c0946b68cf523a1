// The lower platform's link to its upper platform: opened with its client certificate and token, kept open,
// opened again after any loss (either side restarting) with exponential backoff.
import { WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import { Link, type LinkHandlers } from './link';
import { MAX_TEXT_BYTES } from './protocol';

export interface UpstreamOptions {
  /** wss://host:port/cascade/v1/link */
  url: string;
  name: string;
  token: string;
  /** PEM text: client certificate, its key, CA of the upper platform's certificate. */
  cert: string;
  key: string;
  ca: string;
  retryMinMs: number;
  retryMaxMs: number;
  /** Handlers of each new link; `closed` is wrapped (the reconnection follows it). */
  handlers: () => LinkHandlers;
  /** HTTP status of an error a request handler threw (sent back with its message). */
  status?: (err: unknown) => number;
  /** A link is up. */
  linked(link: Link): void;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
}

export class UpstreamClient {
  private link: Link | null = null;
  private ws: WebSocket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private closed = false;
  /** Why the last attempt failed ('' while linked). */
  lastError = '';

  constructor(private readonly opts: UpstreamOptions) {}

  get current(): Link | null {
    return this.link?.open ? this.link : null;
  }

  start(): void {
    this.connect();
  }

  private retry(why: string): void {
    if (this.closed) return;
    const { retryMinMs, retryMaxMs } = this.opts;
    const delay = Math.min(retryMaxMs, retryMinMs * 2 ** Math.min(this.attempt, 20));
    this.attempt++;
    if (why !== this.lastError)
      this.opts.log('warn', `cascade: link to ${this.opts.url}: ${why}; retrying in ${delay} ms`);
    this.lastError = why;
    this.timer = setTimeout(() => this.connect(), delay);
    this.timer.unref();
  }

  private connect(): void {
    if (this.closed) return;
    const o = this.opts;
    const ws = new WebSocket(o.url, {
      cert: o.cert,
      key: o.key,
      ca: o.ca,
      headers: { authorization: `Bearer ${o.token}`, 'x-cascade-peer': o.name },
      maxPayload: MAX_TEXT_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    this.ws = ws;
    let failed = false;
    const fail = (why: string) => {
      if (failed) return;
      failed = true;
      ws.terminate();
      this.retry(why);
    };
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8').slice(0, 2000)));
      res.on('end', () => {
        let detail = body;
        try {
          detail = String((JSON.parse(body) as { detail?: unknown }).detail ?? body);
        } catch {
          /* not a problem document: the text as it came */
        }
        fail(`refused by the upper platform (${res.statusCode}): ${detail.slice(0, 300)}`);
      });
    });
    ws.on('error', (err: Error) => fail(err.message));
    ws.on('open', () => {
      failed = true; // from now on, the link's own close decides
      this.attempt = 0;
      if (this.lastError) this.opts.log('info', `cascade: linked to ${o.url} again`);
      else this.opts.log('info', `cascade: linked to ${o.url}`);
      this.lastError = '';
      const h = o.handlers();
      const link = new Link(
        ws,
        'upper platform',
        {
          ...h,
          closed: (code, reason) => {
            h.closed?.(code, reason);
            if (this.link === link) this.link = null;
            this.retry(`link closed (${code}${reason ? ` ${reason}` : ''})`);
          },
        },
        o.status,
      );
      this.link = link;
      o.linked(link);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.link?.close(1001, 'gateway stopping');
    this.ws?.terminate();
  }
}
