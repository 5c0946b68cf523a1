// Readiness of a node for a load balancer: the database answers, every migration is applied, the node is not draining.

/** What readiness asks of the database (gateway/db/db-probe.ts): the migrations it lacks; rejects when unreachable. */
export type DatabaseCheck = () => Promise<{ pending: string[] }>;

export interface ReadinessReport {
  ready: boolean;
  checks: {
    database: { ok: boolean; detail?: string };
    migrations: { ok: boolean; pending?: string[] };
    draining: boolean;
  };
}

/**
 * Answers "may this node take new requests?". Concurrent checks share one database probe (load balancers
 * asking together cost one connection). `drain()` makes every later answer not ready, for good: the node is
 * stopping and its load balancer should send new requests elsewhere while the open ones finish.
 */
export class Readiness {
  private draining = false;
  private inflight: Promise<ReadinessReport> | null = null;
  private lastReady: boolean | null = null;

  /**
   * `onChange` hears each change between ready and not ready with the full reason (the log gets it; the answer,
   * which anyone reaching the port may read, says only which check failed and how).
   */
  constructor(
    private readonly database: DatabaseCheck,
    private readonly onChange: (ready: boolean, why: string) => void = () => undefined,
  ) {}

  drain(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  check(): Promise<ReadinessReport> {
    this.inflight ??= this.run().finally(() => (this.inflight = null));
    return this.inflight;
  }

  private async run(): Promise<ReadinessReport> {
    let database: ReadinessReport['checks']['database'];
    let migrations: ReadinessReport['checks']['migrations'];
    let why: string | undefined;
    try {
      const { pending } = await this.database();
      database = { ok: true };
      migrations = pending.length ? { ok: false, pending } : { ok: true };
    } catch (err) {
      const timeout = (err as { timeout?: unknown }).timeout === true;
      database = { ok: false, detail: timeout ? 'no answer in time' : 'unreachable or refused' };
      migrations = { ok: false };
      why = err instanceof Error ? err.message : String(err);
    }
    const draining = this.draining;
    const ready = database.ok && migrations.ok && !draining;
    if (ready !== this.lastReady) {
      this.lastReady = ready;
      if (ready) this.onChange(true, 'ready');
      else
        this.onChange(false, why ?? (draining ? 'draining' : `migrations pending: ${migrations.pending?.join(', ')}`));
    }
    return { ready, checks: { database, migrations, draining } };
  }
}
