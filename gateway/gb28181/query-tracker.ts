// Queries waiting for a device's MANSCDP Response(s): matched by device, CmdType and SN; multi-page answers put together; bounded wait.
import { SipTimeoutError } from './errors';
import { CatalogCollector, readCatalog } from './manscdp-catalog';
import { readRecordInfo, type ManscdpDoc } from './manscdp';

interface Pending {
  resolve: (docs: ManscdpDoc[]) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  docs: ManscdpDoc[];
  catalog?: CatalogCollector;
}

export class QueryTracker {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly timeoutMs: number) {}

  /** Registers a wait for the Response(s) to query `sn`; settles with every page, or SipTimeoutError. */
  expect(deviceId: string, cmdType: string, sn: number): Promise<ManscdpDoc[]> {
    const key = `${deviceId}|${cmdType}|${sn}`;
    return new Promise<ManscdpDoc[]>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(key, new SipTimeoutError(`${cmdType} query to ${deviceId}`, this.timeoutMs)),
        this.timeoutMs,
      );
      const catalog = cmdType === 'Catalog' ? { catalog: new CatalogCollector() } : {};
      this.pending.set(key, { resolve, reject, timer, docs: [], ...catalog });
    });
  }

  /**
   * Offers a Response from `deviceId`; false when no query waits for it. A Catalog completes when its
   * distinct items reach SumNum, a RecordInfo when its items do; anything else with its first page.
   */
  offer(deviceId: string, doc: ManscdpDoc): boolean {
    const key = `${deviceId}|${doc.cmdType}|${doc.sn}`;
    const p = this.pending.get(key);
    if (!p) return false;
    p.docs.push(doc);
    if (p.catalog) {
      try {
        p.catalog.add(readCatalog(doc));
      } catch (e) {
        this.settle(key, e as Error);
        return true;
      }
      if (!p.catalog.complete) return true;
    } else if (doc.cmdType === 'RecordInfo') {
      const got = p.docs.reduce((a, d) => a + readRecordInfo(d).items.length, 0);
      if (got < readRecordInfo(doc).sumNum) return true;
    }
    this.settle(key);
    return true;
  }

  /** Fails the wait for query `sn` (the MESSAGE carrying it was refused or timed out). */
  fail(deviceId: string, cmdType: string, sn: number, err: Error): void {
    this.settle(`${deviceId}|${cmdType}|${sn}`, err);
  }

  private settle(key: string, err?: Error): void {
    const p = this.pending.get(key);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(key);
    if (err) p.reject(err);
    else p.resolve(p.docs);
  }

  /** Fails every wait (the server closes). */
  close(err: Error): void {
    for (const key of [...this.pending.keys()]) this.settle(key, err);
  }
}
