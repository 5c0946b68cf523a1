// LISTEN on PostgreSQL channels over a connection of its own, re-connecting and re-LISTENing after it is lost.
import pg from 'pg';

export interface NotifyListenerOptions {
  url: string;
  /** Channels to LISTEN on (exact names; quoted, so case and punctuation are kept). */
  channels: readonly string[];
  /** Each notification received: its channel and payload. */
  onNotify: (channel: string, payload: string) => void;
  /**
   * After a lost connection is back and LISTENs again: notifications sent in between were not received,
   * so what they would have told must be read again.
   */
  onReconnect: () => void;
  /** A lost connection or a failed attempt, for the log. */
  onError?: (msg: string) => void;
  /** Milliseconds between a loss and the first attempt, doubled up to `reconnectMaxMs`. Default 100 / 2000. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** A query at this interval proves a quiet connection alive; no answer within it drops the connection. Default 2000. */
  keepaliveMs?: number;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** One LISTEN connection; `start()` connects (rejects if it cannot), `close()` ends it and every retry. */
export class NotifyListener {
  private client: pg.Client | null = null;
  private closed = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private keepTimer: NodeJS.Timeout | null = null;
  private delayMs: number;

  constructor(private readonly o: NotifyListenerOptions) {
    this.delayMs = o.reconnectMinMs ?? 100;
  }

  /** True while a connection LISTENs. */
  get connected(): boolean {
    return this.client !== null;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const keepaliveMs = this.o.keepaliveMs ?? 2000;
    const client = new pg.Client({
      connectionString: this.o.url,
      connectionTimeoutMillis: keepaliveMs * 2,
      keepAlive: true,
    });
    let lost = false;
    // failures while connecting reject connect() instead
    let up = false;
    const onLost = (why: string): void => {
      if (lost || !up) return;
      lost = true;
      if (this.client === client) this.client = null;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      if (!this.closed) {
        this.o.onError?.(`listen: connection lost (${why}); reconnecting`);
        this.scheduleRetry();
      }
    };
    client.on('error', (err) => onLost(err.message));
    client.on('end', () => onLost('ended'));
    client.on('notification', (m) => this.o.onNotify(m.channel, m.payload ?? ''));
    try {
      await client.connect();
      for (const ch of this.o.channels) await client.query(`LISTEN ${quote(ch)}`);
    } catch (err) {
      lost = true;
      client.removeAllListeners('notification');
      void client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    up = true;
    this.client = client;
    this.delayMs = this.o.reconnectMinMs ?? 100;
    this.keepalive(client, keepaliveMs, onLost);
  }

  /** Pings at `ms`; a ping not answered in time counts as a lost connection (a hung server sends no error). */
  private keepalive(client: pg.Client, ms: number, onLost: (why: string) => void): void {
    const tick = (): void => {
      if (this.client !== client) return;
      let answered = false;
      const timer = setTimeout(() => {
        if (answered) return;
        // the socket may hang without closing: drop it so the client fails at once
        (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        onLost(`no answer within ${ms} ms`);
      }, ms);
      client.query('SELECT 1').then(
        () => {
          answered = true;
          clearTimeout(timer);
          this.keepTimer = setTimeout(tick, ms);
        },
        (err: Error) => {
          answered = true;
          clearTimeout(timer);
          onLost(err.message);
        },
      );
    };
    this.keepTimer = setTimeout(tick, ms);
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer) return;
    if (this.keepTimer) clearTimeout(this.keepTimer);
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.o.reconnectMaxMs ?? 2000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().then(
        () => {
          if (!this.closed) this.o.onReconnect();
        },
        (err: unknown) => {
          this.o.onError?.(`listen: reconnect failed (${err instanceof Error ? err.message : String(err)})`);
          this.scheduleRetry();
        },
      );
    }, delay);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.keepTimer) clearTimeout(this.keepTimer);
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
    }
  }
}
