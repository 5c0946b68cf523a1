// The gateway's closers: each component registers its close where it is built, and they run in reverse.

/** Values a log line may carry besides its message (a JSON line holds them as keys; gateway/logging/log-sink.ts). */
export type LogFields = Record<string, string | number | boolean | null>;

/** Log sink for warnings and errors; `fields` (optional) are structured values such as the HTTP request id. */
export type Log = (level: 'info' | 'warn' | 'error', msg: string, fields?: LogFields) => void;

/** An ordered list of close functions; the newest runs first. */
export class Closers {
  private readonly list: Array<() => Promise<void>> = [];

  constructor(private readonly log: Log) {}

  /** Registers `fn` to run at close, before everything registered earlier. */
  add(fn: () => Promise<void>): void {
    this.list.push(fn);
  }

  /** Runs every registered closer once, newest first; a failing one is logged and the rest still run. */
  async closeAll(): Promise<void> {
    for (const c of this.list.splice(0).reverse())
      await c().catch((err: unknown) => this.log('error', `close: ${String(err)}`));
  }
}
