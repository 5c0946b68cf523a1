// Health monitoring wired to the registry: targets from the database, states persisted and pushed on change.
import { HealthChecker, type HealthChange, type HealthTarget } from './health-checker';
import type { CameraRecord } from '../db/cameras-repo';
import type { CameraChange } from '../cameras/camera-service';

export interface HealthSink {
  /** Persists the new states (one statement per batch). */
  persist(changes: Array<{ id: string; status: string; reason: string; lastSeen: Date | null }>): Promise<void>;
  /** In-memory status (index, clusters) and realtime push. */
  publish(changes: HealthChange[]): void;
}

export interface HealthServiceOptions {
  intervalS: number;
  jitter: number;
  concurrency: number;
  timeoutMs: number;
}

/** Keeps the checker's target list in step with camera changes and forwards its reports. */
export class HealthService {
  private readonly targets = new Map<string, HealthTarget>();
  private readonly checker: HealthChecker;
  private started = false;
  /** The reports being stored and published, in order. */
  private reports: Promise<void> = Promise.resolve();

  constructor(
    private readonly load: () => Promise<CameraRecord[]>,
    private readonly credentials: (c: CameraRecord) => { username: string; password: string } | null,
    private readonly sink: HealthSink,
    opts: HealthServiceOptions,
    private readonly log: (msg: string) => void,
    /** Why the gateway may not contact a camera now (null: it may); asked before every check. */
    private readonly reach: (c: CameraRecord) => Promise<string | null> = async () => null,
  ) {
    this.checker = new HealthChecker(
      {
        list: () => this.targets.values(),
        report: (changes) => {
          // Stored first, then published, one report after the other. A directory reload reads the
          // database: a status published before it was stored could be read back stale and lost.
          // In order, so an older report never lands after a newer one.
          const rows = changes.map((c) => ({ id: c.id, status: c.state, reason: c.reason, lastSeen: c.lastSeen }));
          this.reports = this.reports
            .then(() => this.sink.persist(rows))
            .catch((err: unknown) => this.log(`health: persist failed: ${String(err)}`))
            .then(() => this.sink.publish(changes))
            .catch((err: unknown) => this.log(`health: publish failed: ${String(err)}`));
        },
      },
      {
        intervalMs: opts.intervalS * 1000,
        jitter: opts.jitter,
        concurrency: opts.concurrency,
        timeoutMs: opts.timeoutMs,
      },
    );
  }

  private target(c: CameraRecord): HealthTarget {
    const creds = this.credentials(c);
    return {
      id: c.id,
      kind: c.source === 'onvif' && c.xaddr ? 'onvif' : 'rtsp',
      ...(c.xaddr ? { xaddr: c.xaddr } : {}),
      ...(c.mainUri ? { rtspUrl: c.mainUri } : {}),
      ...(creds ? { username: creds.username, password: creds.password } : {}),
      guard: () => this.reach(c),
    };
  }

  async start(): Promise<void> {
    await this.reload();
    this.started = true;
    await this.checker.start();
  }

  /** Re-reads every target (after cameras were written behind the gateway's back, e.g. a seed). */
  async reload(): Promise<void> {
    const fresh = new Map<string, HealthTarget>();
    // a GB/T 28181 channel's status follows its device's registration and keepalives (gateway/gb-platform)
    for (const c of await this.load())
      if (c.source !== 'gb28181' && c.source !== 'cascade') fresh.set(c.id, this.target(c));
    this.targets.clear();
    for (const [k, v] of fresh) this.targets.set(k, v);
  }

  apply(change: CameraChange): void {
    if (change.kind === 'remove' || change.camera.source === 'gb28181' || change.camera.source === 'cascade')
      this.targets.delete(change.kind === 'remove' ? change.id : change.camera.id);
    else this.targets.set(change.camera.id, this.target(change.camera));
  }

  /** Checks every camera now (tests, "check now" in the console). */
  async checkAll(): Promise<void> {
    await this.checker.checkAll();
  }

  /** Ids of the cameras this service checks. */
  checked(): string[] {
    return [...this.targets.keys()];
  }

  state(id: string): string | undefined {
    return this.checker.state(id)?.state;
  }

  async close(): Promise<void> {
    if (this.started) await this.checker.close();
    await this.reports;
  }

  /** Resolves once every report so far is stored and published (tests). */
  settled(): Promise<void> {
    return this.reports;
  }
}
