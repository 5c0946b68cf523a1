// PullPoint: one Events subscription of an OnvifDevice (PullMessages, Renew, Unsubscribe).
import type { SoapResponse } from './transport';
import { esc } from './soap';
import { parseNotifications, parseRenew, type OnvifEvent, type PullPointSubscription } from './parse-events';

/** The part of OnvifDevice a PullPoint uses. */
export interface SoapRequester {
  request(
    url: string,
    action: string,
    body: string,
    opts?: { header?: string; extraTimeoutMs?: number; signal?: AbortSignal },
  ): Promise<SoapResponse>;
}

const EV = 'http://www.onvif.org/ver10/events/wsdl/PullPointSubscription';

/** A live subscription. `close()` unsubscribes (idempotent, errors ignored: the device may be gone). */
export class PullPoint {
  private closed = false;

  constructor(
    private readonly dev: SoapRequester,
    readonly subscription: PullPointSubscription,
    private readonly newId: () => string,
  ) {}

  private header(action: string): string {
    return (
      `<wsa:Action>${action}</wsa:Action><wsa:MessageID>urn:uuid:${this.newId()}</wsa:MessageID>` +
      `<wsa:To>${esc(this.subscription.address)}</wsa:To>${this.subscription.referenceParametersXml}`
    );
  }

  /**
   * PullMessages: waits on the device up to `waitS` seconds (default 5) for at most `limit`
   * (default 32) messages; the HTTP timeout is extended by waitS.
   */
  async pull(opts: { waitS?: number; limit?: number; signal?: AbortSignal } = {}): Promise<OnvifEvent[]> {
    const waitS = opts.waitS ?? 5;
    const action = `${EV}/PullMessagesRequest`;
    const { doc } = await this.dev.request(
      this.subscription.address,
      action,
      `<tev:PullMessages><tev:Timeout>PT${waitS}S</tev:Timeout><tev:MessageLimit>${opts.limit ?? 32}</tev:MessageLimit></tev:PullMessages>`,
      {
        header: this.header(action),
        extraTimeoutMs: waitS * 1000,
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    return parseNotifications(doc);
  }

  /**
   * Renew: asks the device to keep the subscription `terminationS` more seconds (default 60). Returns the
   * termination time the device reports (ISO), or undefined when it reports none.
   */
  async renew(terminationS = 60, opts: { signal?: AbortSignal } = {}): Promise<string | undefined> {
    const action = 'http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewRequest';
    const { doc } = await this.dev.request(
      this.subscription.address,
      action,
      `<wsnt:Renew><wsnt:TerminationTime>PT${Math.max(1, Math.round(terminationS))}S</wsnt:TerminationTime></wsnt:Renew>`,
      { header: this.header(action), ...(opts.signal ? { signal: opts.signal } : {}) },
    );
    return parseRenew(doc);
  }

  /** Unsubscribe once; later calls return immediately. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const action = 'http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest';
    await this.dev
      .request(this.subscription.address, action, '<wsnt:Unsubscribe/>', { header: this.header(action) })
      .catch(() => undefined);
  }
}
