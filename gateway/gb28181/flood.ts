// Per-address rate limit (token buckets) with a bounded table: REGISTER floods from one address are dropped, others pass.

export interface RateLimitOptions {
  /** Tokens added per second per address. */
  ratePerSecond: number;
  /** Bucket size: how many may come at once. */
  burst: number;
  /** Most addresses tracked; the least recently seen are forgotten past it. Default 10000. */
  maxAddresses?: number;
  now?: () => number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimitOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Takes one token for `address`; false when its bucket is empty (the message is to be dropped). */
  take(address: string): boolean {
    const now = this.now();
    const b = this.buckets.get(address) ?? { tokens: this.opts.burst, at: now };
    b.tokens = Math.min(this.opts.burst, b.tokens + ((now - b.at) / 1000) * this.opts.ratePerSecond);
    b.at = now;
    this.buckets.delete(address);
    this.buckets.set(address, b);
    if (this.buckets.size > (this.opts.maxAddresses ?? 10_000))
      this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  get tracked(): number {
    return this.buckets.size;
  }
}
