// The superior's Catalog subscription of a lower platform (GB/T 28181 §9.11, RFC 6665): SUBSCRIBE accepted (or
// refreshed, or ended with Expires 0), the whole catalog notified at once (ADD), then each change as it happens: ADD,
// DEL, ON/OFF for a status, UPDATE for anything else; NOTIFYs in the subscription's dialog.
import { buildCatalogPages, type BodyCharset } from './manscdp-build';
import type { CatalogItem } from './manscdp-catalog';
import { parseManscdp } from './manscdp';
import { formatUri, parseNameAddr } from './sip-headers';
import { header, type SipRequest, type SipResponse } from './sip-message';
import type { IncomingRequest } from './sip-endpoint';
import { MANSCDP, buildRequest, newTag } from './sip-request';

export interface SubscriptionHooks {
  localId: string;
  /** Our Contact (name-addr). */
  contact(): string;
  catalog(): Promise<CatalogItem[]>;
  /** Sends an in-dialog request to the superior; resolves with its final answer. */
  send(req: SipRequest): Promise<SipResponse>;
  charset?: BodyCharset;
  log(msg: string): void;
}

const MAX_EXPIRES_S = 86_400;
/** Changes are gathered this long before one NOTIFY tells them (a burst of edits is one message). */
const SETTLE_MS = 500;
const PER_PAGE = 8;

interface Dialog {
  callId: string;
  /** Our side (their To with our tag) and theirs (their From). */
  local: string;
  remote: string;
  target: string;
  event: string;
  cseq: number;
  expiresAt: number;
}

/** What of an item a change is told for (its Event left out). */
const stateOf = (i: CatalogItem): string => JSON.stringify({ ...i, event: undefined });

export class CatalogSubscription {
  private dialog: Dialog | null = null;
  /** The catalog as last told, by channel id. */
  private told = new Map<string, CatalogItem>();
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> = Promise.resolve();
  private sn = 1;

  constructor(private readonly h: SubscriptionHooks) {}

  /** A SUBSCRIBE: 489 for an event other than Catalog, 400 for a body that is no Catalog query. */
  accept(r: IncomingRequest): void {
    const { req } = r;
    const event = header(req, 'Event') ?? '';
    if (!/^catalog(\s*;|$)/i.test(event.trim())) return r.reply(489, 'Bad Event');
    try {
      const doc = parseManscdp(req.body);
      if (doc.root !== 'Query' || doc.cmdType !== 'Catalog') return r.reply(400, 'Bad Request');
    } catch {
      return r.reply(400, 'Bad Request');
    }
    let target = req.uri;
    try {
      const contact = header(req, 'Contact');
      if (contact) target = formatUri(parseNameAddr(contact).uri);
    } catch {
      return r.reply(400, 'Bad Request');
    }
    const asked = Number(header(req, 'Expires') ?? 3600);
    const expiresS = Number.isFinite(asked) ? Math.max(0, Math.min(MAX_EXPIRES_S, Math.floor(asked))) : 3600;
    const callId = header(req, 'Call-ID') ?? '';
    const to = header(req, 'To') ?? '';
    const same = this.dialog?.callId === callId ? this.dialog : null;
    const local = same?.local ?? (/;\s*tag=/i.test(to) ? to : `${to};tag=${newTag()}`);
    r.reply(200, 'OK', [
      { name: 'To', value: local },
      { name: 'Expires', value: String(expiresS) },
      { name: 'Contact', value: this.h.contact() },
    ]);
    // one superior, one subscription: Expires 0 ends it, whichever dialog asks
    if (expiresS === 0) return void (this.dialog = null);
    if (same) return void (same.expiresAt = Date.now() + expiresS * 1000);
    this.dialog = {
      callId,
      local,
      remote: header(req, 'From') ?? '',
      target,
      event,
      cseq: 1,
      expiresAt: Date.now() + expiresS * 1000,
    };
    // a new subscription is told the whole catalog
    this.told.clear();
    this.changed(0);
  }

  /** The catalog may have changed: the subscriber is told what did, shortly. */
  changed(afterMs = SETTLE_MS): void {
    if (!this.dialog || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sending = this.sending
        .then(() => this.tell())
        .catch((e: Error) => this.h.log(`catalog NOTIFY: ${e.message}`));
    }, afterMs);
    this.timer.unref?.();
  }

  /** Resolves once what was being told has been sent (tests). */
  settled(): Promise<void> {
    return this.sending;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.dialog = null;
  }

  private async tell(): Promise<void> {
    const d = this.dialog;
    if (!d) return;
    if (Date.now() >= d.expiresAt) return void (this.dialog = null);
    const now = new Map((await this.h.catalog()).map((i) => [i.deviceId, i]));
    const events: CatalogItem[] = [];
    for (const [id, item] of now) {
      const before = this.told.get(id);
      if (!before) events.push({ ...item, event: 'ADD' });
      else if (stateOf(before) === stateOf({ ...item, status: before.status }) && before.status !== item.status)
        events.push({ ...item, event: item.status === 'OFF' ? 'OFF' : 'ON' });
      else if (stateOf(before) !== stateOf(item)) events.push({ ...item, event: 'UPDATE' });
    }
    for (const [id, item] of this.told) if (!now.has(id)) events.push({ deviceId: id, name: item.name, event: 'DEL' });
    this.told = now;
    if (!events.length) return;
    const remainS = Math.max(0, Math.round((d.expiresAt - Date.now()) / 1000));
    for (const body of buildCatalogPages(this.sn++, this.h.localId, events, PER_PAGE, this.h.charset, 'Notify')) {
      const res = await this.h.send(
        buildRequest({
          method: 'NOTIFY',
          uri: d.target,
          from: d.local,
          to: d.remote,
          callId: d.callId,
          cseq: ++d.cseq,
          extra: [
            { name: 'Event', value: d.event },
            { name: 'Subscription-State', value: `active;expires=${remainS}` },
          ],
          body,
          contentType: MANSCDP,
        }),
      );
      // the superior no longer knows the subscription: it ends here (it subscribes again when it wants)
      if (res.status === 481) return void (this.dialog = null);
    }
  }
}
