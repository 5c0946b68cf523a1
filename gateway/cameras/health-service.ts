// Health monitoring wired to the registry: targets from the database, states persisted and pushed on change.
import { HealthChecker, type HealthChange, type HealthTarget } from './health-checker';
import type { CameraRecord } from '../db/cameras-repo';
import type { CameraChange } from './camera-service';

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

  constructor(
    private readonly load: () => Promise<CameraRecord[]>,
    private readonly credentials: (c: CameraRecord) => { username: string; password: string } | null,
    private readonly sink: HealthSink,
    opts: HealthServiceOptions,
    private readonly log: (msg: string) => void,
  ) {
    this.checker = new HealthChecker(
      {
        list: () => this.targets.values(),
        report: (changes) => {
          this.sink.publish(changes);
          this.sink.persist(changes.map((c) => ({ id: c.id, status: c.state, reason: c.reason, lastSeen: c.lastSeen }))).catch((err: unknown) => this.log(`health: persist failed: ${String(err)}`));
        },
      },
      { intervalMs: opts.intervalS * 1000, jitter: opts.jitter, concurrency: opts.concurrency, timeoutMs: opts.timeoutMs },
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
    for (const c of await this.load()) fresh.set(c.id, this.target(c));
    this.targets.clear();
    for (const [k, v] of fresh) this.targets.set(k, v);
  }

  apply(change: CameraChange): void {
    if (change.kind === 'remove') this.targets.delete(change.id);
    else this.targets.set(change.camera.id, this.target(change.camera));
  }

  /** Checks every camera now (tests, "check now" in the console). */
  async checkAll(): Promise<void> {
    await this.checker.checkAll();
  }

  state(id: string): string | undefined {
    return this.checker.state(id)?.state;
  }

  async close(): Promise<void> {
    if (this.started) await this.checker.close();
  }
}
