// One cascade link over a WebSocket, either side: JSON messages, requests answered by id, live media frames by channel.
import { WebSocket, type RawData } from 'ws';
import { CascadeRemoteError, CascadeUnavailable } from './errors';
import {
  mediaFrame,
  parseMessage,
  readMediaFrame,
  type CatalogMessage,
  type LinkMessage,
  type AckMessage,
  type LiveMessage,
  type RecEndMessage,
  type RequestMessage,
} from './protocol';

/** What a side does with what the other sends (each handler optional). */
export interface LinkHandlers {
  catalog?(m: CatalogMessage): void;
  /** A request of the other side: its result, or a thrown error (its status and message go back). */
  request?(m: RequestMessage): Promise<unknown>;
  live?(m: LiveMessage): void;
  /** The end of a footage channel (upper side). */
  rec?(m: RecEndMessage): void;
  /** Bytes of a footage channel passed on (lower side). */
  ack?(m: AckMessage): void;
  media?(ch: number, payload: Buffer): void;
  /** A message that is not the protocol's (logged by the owner; the link stays). */
  refused?(why: string): void;
  /** The link is gone (closed by either side or broken), once. */
  closed?(code: number, reason: string): void;
}

/** The HTTP status of an error thrown by a request handler (its `status`, or 500). */
function statusOf(err: unknown): number {
  const s = (err as { status?: unknown }).status;
  return typeof s === 'number' ? s : 500;
}

export class Link {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }
  >();
  private ended = false;

  constructor(
    private readonly ws: WebSocket,
    /** Who is at the other end, for messages ("peer town-a", "upper platform"). */
    readonly who: string,
    private readonly handlers: LinkHandlers,
    /** Error mapping of request handlers' errors to a status (default: their `status` field, else 500). */
    private readonly status: (err: unknown) => number = statusOf,
  ) {
    ws.on('error', () => undefined);
    ws.on('message', (data: RawData, binary: boolean) => {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as Buffer);
      if (binary) {
        const f = readMediaFrame(buf);
        if (f) handlers.media?.(f.ch, f.payload);
        else handlers.refused?.(`binary message of ${buf.length} bytes is not a media frame`);
        return;
      }
      const parsed = parseMessage(buf.toString('utf8'));
      if ('refused' in parsed) return handlers.refused?.(parsed.refused);
      this.dispatch(parsed.msg);
    });
    ws.once('close', (code: number, reason: Buffer) => this.end(code, reason.toString('utf8')));
  }

  get open(): boolean {
    return !this.ended && this.ws.readyState === WebSocket.OPEN;
  }

  /** Bytes queued on the socket and not yet sent. */
  bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(m: LinkMessage): void {
    if (this.open) this.ws.send(JSON.stringify(m));
  }

  sendMedia(ch: number, payload: Buffer): void {
    if (this.open) this.ws.send(mediaFrame(ch, payload), { binary: true });
  }

  /** Sends a request and waits for its answer; CascadeUnavailable when the link is down or silent past timeoutMs. */
  request(op: RequestMessage['op'], args: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
    if (!this.open) return Promise.reject(new CascadeUnavailable(`cascade: ${this.who} is not linked`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CascadeUnavailable(`cascade: ${this.who} did not answer ${op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.send({ t: 'req', id, op, args });
    });
  }

  /** Closes the link (the pending requests fail at once). */
  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING)
      this.ws.close(code, reason);
    const t = setTimeout(() => this.ws.terminate(), 1000);
    t.unref();
    this.end(code, reason);
  }

  private end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new CascadeUnavailable(`cascade: link to ${this.who} closed (${code} ${reason})`));
      this.pending.delete(id);
    }
    this.handlers.closed?.(code, reason);
  }

  private dispatch(m: LinkMessage): void {
    if (m.t === 'catalog') return this.handlers.catalog?.(m);
    if (m.t === 'live') return this.handlers.live?.(m);
    if (m.t === 'rec') return this.handlers.rec?.(m);
    if (m.t === 'ack') return this.handlers.ack?.(m);
    if (m.t === 'res') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.ok) p.resolve(m.result);
      else
        p.reject(
          new CascadeRemoteError(
            `cascade: ${this.who}: ${String(m.error?.message ?? 'refused').slice(0, 500)}`,
            Number(m.error?.status ?? 502),
          ),
        );
      return;
    }
    const handler = this.handlers.request;
    if (!handler || typeof m.id !== 'number')
      return this.send({ t: 'res', id: Number(m.id), ok: false, error: { status: 400, message: 'no requests here' } });
    void handler(m).then(
      (result) => this.send({ t: 'res', id: m.id, ok: true, result }),
      (err: unknown) =>
        this.send({
          t: 'res',
          id: m.id,
          ok: false,
          error: { status: this.status(err), message: err instanceof Error ? err.message : String(err) },
        }),
    );
  }
}
