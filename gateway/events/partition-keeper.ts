// Keeps the events table's daily partitions: created days ahead, dropped after the retention; old idempotency keys pruned.

/** The part of EventsRepo the keeper uses. */
export interface PartitionStore {
  ensurePartitions(from: Date, to: Date): Promise<string[]>;
  dropPartitionsBefore(before: Date): Promise<string[]>;
  pruneKeys(before: Date): Promise<number>;
}

export interface PartitionKeeperOptions {
  retentionDays: number;
  aheadDays: number;
  keysRetentionDays: number;
  /** How often the maintenance runs, seconds. */
  intervalS: number;
}

const DAY = 86_400_000;

export class PartitionKeeper {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly store: PartitionStore,
    private readonly opts: PartitionKeeperOptions,
    private readonly log: (level: 'info' | 'warn' | 'error', msg: string) => void,
  ) {}

  /** One pass at `now`: partitions from the retention's start to aheadDays ahead exist, older ones are gone. */
  async maintain(now = new Date()): Promise<{ created: string[]; dropped: string[] }> {
    const oldest = new Date(now.getTime() - this.opts.retentionDays * DAY);
    const created = await this.store.ensurePartitions(
      new Date(now.getTime() - DAY),
      new Date(now.getTime() + (this.opts.aheadDays + 1) * DAY),
    );
    const dropped = await this.store.dropPartitionsBefore(oldest);
    await this.store.pruneKeys(new Date(now.getTime() - this.opts.keysRetentionDays * DAY));
    if (dropped.length) this.log('info', `events: retention dropped ${dropped.join(', ')}`);
    return { created, dropped };
  }

  /** Runs a pass now (the start waits for it) and then every intervalS. */
  async start(): Promise<void> {
    await this.maintain();
    this.timer = setInterval(() => {
      this.running = this.maintain().catch((err: unknown) =>
        this.log('error', `events: partition maintenance failed: ${String(err)}`),
      );
    }, this.opts.intervalS * 1000);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
