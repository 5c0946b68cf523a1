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

  constructor(private readonly database: DatabaseCheck) {}

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
    try {
      const { pending } = await this.database();
      database = { ok: true };
      migrations = pending.length ? { ok: false, pending } : { ok: true };
    } catch (err) {
      database = { ok: false, detail: err instanceof Error ? err.message : String(err) };
      migrations = { ok: false };
    }
    const draining = this.draining;
    return { ready: database.ok && migrations.ok && !draining, checks: { database, migrations, draining } };
  }
}
