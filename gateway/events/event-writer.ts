// The bounded write queue of accepted events: batched inserts, 429 when full, each caller answered once its rows are stored.
import { RateLimitError } from '../errors';
import type { EventRow, InsertOutcome } from '../db/events-repo';
import type { StoredEvent } from './event-model';

/** The part of EventsRepo the writer uses. */
export interface EventStore {
  insertBatch(rows: EventRow[]): Promise<InsertOutcome[]>;
  ensurePartitions(from: Date, to: Date): Promise<string[]>;
}

export interface WriterOptions {
  /** Rows waiting or being written at most; beyond, submit() throws RateLimitError (HTTP 429). */
  maxQueue: number;
  /** Rows per INSERT. */
  batchSize: number;
  /** Retry-After of a refusal, in seconds. */
  retryAfterS: number;
  /**
   * Batches written at once, each a transaction on a connection of its own (default 1). While one commit
   * waits for the disk, the next batch is written: the rate is no longer one batch per commit round trip.
   */
  writers?: number;
}

interface Job {
  rows: EventRow[];
  resolve: (o: InsertOutcome[]) => void;
  reject: (err: unknown) => void;
}

const NO_PARTITION = '23514'; // check_violation: "no partition of relation "events" found for row"

/**
 * Accepted means stored: submit() resolves only after the transaction holding the rows committed, so a
 * 2xx (or an MQTT PUBACK) is never sent for an event a crash could lose. The queue bounds memory.
 */
export class EventWriter {
  private readonly jobs: Job[] = [];
  private queued = 0;
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private readonly listeners = new Set<(e: StoredEvent) => void>();
  readonly stats = { stored: 0, duplicates: 0, refused: 0, batches: 0 };

  constructor(
    private readonly store: EventStore,
    private readonly opts: WriterOptions,
    private readonly log: (level: 'warn' | 'error', msg: string) => void,
  ) {}

  /** Rows waiting or being written. */
  get pending(): number {
    return this.queued;
  }

  /**
   * Every stored event, after its commit (rules and realtime subscribe here), in order within a batch;
   * with several writers, batches committed at once may be heard in either order. Returns unsubscribe.
   */
  onAccepted(fn: (e: StoredEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Queues rows; resolves with their outcomes once committed. RateLimitError when the queue is full. */
  submit(rows: EventRow[]): Promise<InsertOutcome[]> {
    if (this.closed)
      return Promise.reject(new RateLimitError('events: the gateway is stopping', this.opts.retryAfterS));
    if (this.queued + rows.length > this.opts.maxQueue) {
      this.stats.refused += rows.length;
      throw new RateLimitError(
        `events: ingest queue full (${this.queued} of ${this.opts.maxQueue} events waiting); retry after ${this.opts.retryAfterS} s`,
        this.opts.retryAfterS,
      );
    }
    this.queued += rows.length;
    const p = new Promise<InsertOutcome[]>((resolve, reject) => this.jobs.push({ rows, resolve, reject }));
    this.kick();
    return p;
  }

  /** Starts writers while jobs wait and fewer than `writers` run. */
  private kick(): void {
    while (this.jobs.length && this.running.size < (this.opts.writers ?? 1)) {
      const w: Promise<void> = this.drain().finally(() => {
        this.running.delete(w);
        this.kick();
      });
      this.running.add(w);
    }
  }

  private async drain(): Promise<void> {
    while (this.jobs.length) {
      const batch: Job[] = [];
      let n = 0;
      while (this.jobs.length && (n === 0 || n + this.jobs[0]!.rows.length <= this.opts.batchSize)) {
        const j = this.jobs.shift()!;
        batch.push(j);
        n += j.rows.length;
      }
      const rows = batch.flatMap((j) => j.rows);
      try {
        const out = await this.write(rows);
        this.stats.batches++;
        let i = 0;
        for (const j of batch) {
          const mine = out.slice(i, i + j.rows.length);
          i += j.rows.length;
          j.resolve(mine);
        }
        for (const o of out)
          if ('stored' in o) {
            this.stats.stored++;
            for (const fn of this.listeners) {
              try {
                fn(o.stored);
              } catch (err) {
                this.log('error', `events: an accepted-event listener failed: ${String(err)}`);
              }
            }
          } else this.stats.duplicates++;
      } catch (err) {
        for (const j of batch) j.reject(err);
      } finally {
        this.queued -= n;
      }
    }
  }

  private async write(rows: EventRow[]): Promise<InsertOutcome[]> {
    try {
      return await this.store.insertBatch(rows);
    } catch (err) {
      if ((err as { code?: string }).code !== NO_PARTITION) throw err;
      // a day the maintenance has not reached yet (a clock jump, a long downtime): create it and retry once
      const times = rows.map((r) => r.at.getTime());
      await this.store.ensurePartitions(new Date(Math.min(...times)), new Date(Math.max(...times) + 1));
      return this.store.insertBatch(rows);
    }
  }

  /** Refuses new rows and waits for the queued ones to be written. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.running.size) await Promise.all([...this.running]);
  }
}
