// The lower platform's published catalog: the cameras shared with the upper platform's account, sent whole on each
// link, then as changes (positions, status, new shares, withdrawals) as they happen and at a steady interval.
import type { CatalogItem } from './protocol';
import type { Link } from './link';

/** What the publisher needs of the registry and the policy (provided by the wiring). */
export interface PublishedCameras {
  /** The cameras the upper platform's account may view now, as catalog items. */
  visible(): Promise<CatalogItem[]>;
}

export class CatalogPublisher {
  /** What the upper platform was last told: id → the item as sent. */
  private sent = new Map<string, string>();
  private link: Link | null = null;
  private timer: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly cameras: PublishedCameras,
    private readonly opts: { intervalMs: number; log(level: 'info' | 'warn' | 'error', msg: string): void },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.changed(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** A new link: the whole catalog goes first. */
  linked(link: Link): void {
    this.link = link;
    this.sent.clear();
    void this.publish(true);
  }

  /** Something that may change the catalog happened (camera, share, status): published within 50 ms. */
  changed(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.publish(false);
    }, 50);
    this.soon.unref();
  }

  /** Ids published now. */
  get published(): string[] {
    return [...this.sent.keys()];
  }

  private publish(full: boolean): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run(full)
      .catch((err: unknown) => this.opts.log('error', `cascade: catalog: ${String(err)}`))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          void this.publish(false);
        }
      });
    return this.running;
  }

  private async run(full: boolean): Promise<void> {
    const link = this.link;
    if (!link?.open) return;
    const items = await this.cameras.visible();
    const now = new Map(items.map((i) => [i.id, JSON.stringify(i)]));
    if (full) {
      link.send({ t: 'catalog', full: true, items });
      this.sent = now;
      return;
    }
    const upsert = items.filter((i) => this.sent.get(i.id) !== now.get(i.id));
    const remove = [...this.sent.keys()].filter((id) => !now.has(id));
    if (!upsert.length && !remove.length) return;
    link.send({ t: 'catalog', full: false, upsert, remove });
    this.sent = now;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.link = null;
  }
}
