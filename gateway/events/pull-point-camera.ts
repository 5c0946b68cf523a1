// One camera's ONVIF events: a PullPoint subscription pulled in a loop, renewed before it ends, re-created when it dies.
import { OnvifDevice, type OnvifEvent, type PullPoint } from '../onvif/index';

export interface PullPointCameraOptions {
  cameraId: string;
  xaddr: string;
  credentials: { username: string; password: string } | null;
  /** Lifetime asked for at creation and at each renewal, seconds (default 60). */
  terminationS: number;
  /** Wait of one PullMessages on the device, seconds (default 5). */
  pullWaitS: number;
  /** Per-call limit of the other calls, ms. */
  timeoutMs: number;
  /** Delays between attempts after a failure: initial, doubled up to max, ms. */
  backoffMs: [number, number];
  onEvents(cameraId: string, events: OnvifEvent[]): Promise<void>;
  log(level: 'info' | 'warn' | 'error', msg: string): void;
}

/**
 * Runs until close(). A subscription is renewed when less than half its lifetime is left (counted on our
 * clock from when it was created or renewed, so a device clock far off does not matter). Any failure
 * (the camera restarted and forgot the subscription, a fault, a timeout, hostile XML) drops the
 * subscription and creates a new one after a backoff.
 */
export class PullPointCamera {
  readonly stats = { subscriptions: 0, renewals: 0, pulls: 0, events: 0, failures: 0, lastError: '' };
  private readonly abort = new AbortController();
  private done?: Promise<void>;

  constructor(private readonly o: PullPointCameraOptions) {}

  start(): void {
    this.done ??= this.run();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.abort.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
    });
  }

  private async run(): Promise<void> {
    let delay = this.o.backoffMs[0];
    while (!this.abort.signal.aborted) {
      let pp: PullPoint | undefined;
      try {
        const dev = new OnvifDevice({
          xaddr: this.o.xaddr,
          timeoutMs: this.o.timeoutMs,
          ...(this.o.credentials ?? {}),
        });
        await dev.connect();
        pp = await dev.createPullPoint(this.o.terminationS);
        this.stats.subscriptions++;
        let endsAt = Date.now() + this.o.terminationS * 1000;
        while (!this.abort.signal.aborted) {
          if (endsAt - Date.now() < (this.o.terminationS * 1000) / 2) {
            await pp.renew(this.o.terminationS, { signal: this.abort.signal });
            endsAt = Date.now() + this.o.terminationS * 1000;
            this.stats.renewals++;
          }
          const events = await pp.pull({ waitS: this.o.pullWaitS, signal: this.abort.signal });
          this.stats.pulls++;
          delay = this.o.backoffMs[0];
          if (events.length) {
            this.stats.events += events.length;
            await this.o.onEvents(this.o.cameraId, events);
          }
        }
      } catch (err) {
        if (this.abort.signal.aborted) {
          await pp?.close();
          break;
        }
        this.stats.failures++;
        this.stats.lastError = err instanceof Error ? err.message : String(err);
        this.o.log(
          'warn',
          `events: camera ${this.o.cameraId} PullPoint: ${this.stats.lastError.slice(0, 300)}; re-subscribing in ${delay} ms`,
        );
        void pp?.close();
        await this.sleep(delay);
        delay = Math.min(this.o.backoffMs[1], delay * 2);
        continue;
      }
      await pp?.close();
    }
  }

  /** Stops the loop and unsubscribes (idempotent). */
  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
