// The Events service of a simulated ONVIF camera: PullPoint subscriptions with lifetimes, Renew, held PullMessages, injected events.
import { randomUUID } from 'node:crypto';
import { wrap, type Vendor } from './vendors';

const opOf = (body: string): string =>
  /<(?:[A-Za-z0-9_]+:)?Body[^>]*>\s*<(?:[A-Za-z0-9_]+:)?([A-Za-z0-9_]+)/.exec(body)?.[1] ?? '';
const tag = (body: string, name: string): string | undefined =>
  new RegExp(`<(?:[A-Za-z0-9_]+:)?${name}\\b[^>]*>([^<]*)<`).exec(body)?.[1];

interface Sub {
  id: string;
  created: number;
  /** When the subscription ends unless renewed (our clock), ms. */
  expires: number;
  /** The motion state last told to this subscription (undefined: none told yet). */
  motion?: boolean;
  /** Notifications injected by tests, waiting for the next PullMessages. */
  queue: string[];
}

/** Seconds of an xs:duration "PT<n>S" / "PT<n>M", or of an absolute time from now; default 60. */
function termSeconds(body: string, el: string, now: number): number {
  const v = new RegExp(`<(?:[A-Za-z0-9_]+:)?${el}\\b[^>]*>([^<]*)<`).exec(body)?.[1]?.trim() ?? '';
  const d = /^PT(\d+)([SM])$/.exec(v);
  if (d) return Number(d[1]) * (d[2] === 'M' ? 60 : 1);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(1, Math.round((t - now) / 1000)) : 60;
}

export interface SimPullPointsOptions {
  vendor: Vendor;
  /** Service URL of a path on this camera. */
  svc(path: string): string;
  /** The device clock, ms. */
  now(): number;
  /** Motion toggles every this many ms. */
  motionPeriodMs: number;
  /** The camera is stopping: held pulls answer now. */
  closed(): boolean;
}

export class SimPullPoints {
  private readonly subs = new Map<string, Sub>();
  /** Subscriptions created, renewals, unsubscribes. */
  readonly stats = { created: 0, renewed: 0, unsubscribed: 0 };
  /** When set, PullMessages answers with this document instead (hostile event XML). */
  hostile?: string;

  constructor(private readonly o: SimPullPointsOptions) {}

  /** Subscriptions alive now. */
  get size(): number {
    return this.subs.size;
  }

  /**
   * Queues a notification for every live subscription (next PullMessages), e.g.
   * emitEvent('tns1:RuleEngine/LineDetector/Crossed', { ObjectId: '7' }).
   */
  emit(
    topic: string,
    data: Record<string, string>,
    source: Record<string, string> = { VideoSourceConfigurationToken: 'VideoSource_1' },
  ): void {
    const items = (o: Record<string, string>) =>
      Object.entries(o)
        .map(([k, v]) => `<tt:SimpleItem Name="${k.replace(/[<&"]/g, '')}" Value="${v.replace(/[<&"]/g, '')}"/>`)
        .join('');
    const msg = (now: number) =>
      `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${topic}</wsnt:Topic>` +
      `<wsnt:Message><tt:Message UtcTime="${new Date(now).toISOString()}" PropertyOperation="Changed">` +
      `<tt:Source>${items(source)}</tt:Source><tt:Data>${items(data)}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`;
    for (const sub of this.subs.values()) sub.queue.push(msg(this.o.now()));
  }

  /** Every subscription ends, as if the device dropped them (PullMessages then faults). */
  clear(): void {
    this.subs.clear();
  }

  /** Answers an Events operation; undefined when it is not one (or names no live subscription). */
  answer(operation: string, body: string, url: string): string | undefined {
    switch (operation) {
      case 'CreatePullPointSubscription': {
        const id = randomUUID().slice(0, 8);
        const now = this.o.now();
        const lifeS = termSeconds(body, 'InitialTerminationTime', now);
        this.subs.set(id, { id, created: Date.now(), expires: Date.now() + lifeS * 1000, queue: [] });
        this.stats.created++;
        const refs =
          this.o.vendor.id === 'axis'
            ? `<wsa5:ReferenceParameters>` +
              `<dom0:SubscriptionId xmlns:dom0="http://www.axis.com/2009/event">${id}</dom0:SubscriptionId></wsa5:ReferenceParameters>`
            : '';
        const addr =
          this.o.vendor.id === 'axis'
            ? this.o.svc(this.o.vendor.paths.events)
            : this.o.svc(`${this.o.vendor.subscriptionPath}${id}`);
        return (
          `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa5:Address>${addr}</wsa5:Address>${refs}</tev:SubscriptionReference>` +
          `<wsnt:CurrentTime>${new Date(now).toISOString()}</wsnt:CurrentTime>` +
          `<wsnt:TerminationTime>${new Date(now + lifeS * 1000).toISOString()}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`
        );
      }
      case 'PullMessages':
      case 'Renew':
      case 'Unsubscribe': {
        const sub = this.subscription(body, url);
        if (!sub) return undefined;
        if (operation === 'Unsubscribe') {
          this.subs.delete(sub.id);
          this.stats.unsubscribed++;
          return '<wsnt:UnsubscribeResponse/>';
        }
        const now = this.o.now();
        if (operation === 'Renew') {
          const lifeS = termSeconds(body, 'TerminationTime', now);
          sub.expires = Date.now() + lifeS * 1000;
          this.stats.renewed++;
          return (
            `<wsnt:RenewResponse><wsnt:TerminationTime>${new Date(now + lifeS * 1000).toISOString()}</wsnt:TerminationTime>` +
            `<wsnt:CurrentTime>${new Date(now).toISOString()}</wsnt:CurrentTime></wsnt:RenewResponse>`
          );
        }
        return this.pullResponse(sub, now);
      }
      default:
        return undefined;
    }
  }

  /** A live subscription named by the request (Axis: SubscriptionId header; others: the address path). */
  private subscription(body: string, url: string): Sub | undefined {
    const id =
      this.o.vendor.id === 'axis'
        ? tag(body, 'SubscriptionId')
        : /(?:PullSubManager_|subscription_)([\w-]+)/.exec(url)?.[1];
    const sub = id ? this.subs.get(id) : undefined;
    if (sub && sub.expires < Date.now()) {
      this.subs.delete(sub.id);
      return undefined;
    }
    return sub;
  }

  /** Messages due for `sub` now: a motion state change (toggling every motionPeriodMs) and queued ones; null when none. */
  private due(sub: Sub, now: number): string | null {
    const period = this.o.motionPeriodMs;
    const active = Math.floor(now / period) % 2 === 1;
    const msgs = sub.queue.splice(0);
    if (sub.motion !== active) {
      const op = sub.motion === undefined ? 'Initialized' : 'Changed';
      sub.motion = active;
      msgs.unshift(
        `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">` +
          `tns1:RuleEngine/CellMotionDetector/Motion</wsnt:Topic>` +
          `<wsnt:Message><tt:Message UtcTime="${new Date(now).toISOString()}" PropertyOperation="${op}">` +
          `<tt:Source><tt:SimpleItem Name="VideoSourceConfigurationToken" Value="VideoSource_1"/>` +
          `<tt:SimpleItem Name="Rule" Value="MyMotionDetectorRule"/></tt:Source>` +
          `<tt:Data><tt:SimpleItem Name="IsMotion" Value="${active}"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`,
      );
    }
    return msgs.length ? msgs.join('') : null;
  }

  private pullResponse(sub: Sub, now: number): string {
    return (
      `<tev:PullMessagesResponse><tev:CurrentTime>${new Date(now).toISOString()}</tev:CurrentTime>` +
      `<tev:TerminationTime>${new Date(now + Math.max(0, sub.expires - Date.now())).toISOString()}</tev:TerminationTime>` +
      `${this.due(sub, now) ?? ''}</tev:PullMessagesResponse>`
    );
  }

  /**
   * PullMessages as devices do it: answered at once when something is due, else held until something is
   * or the request's Timeout (at most 10 s) passes. Returns false when the request is not a PullMessages.
   */
  hold(body: string, url: string, send: (xml: string) => void): boolean {
    if (opOf(body) !== 'PullMessages' || this.hostile !== undefined) return false;
    const sub = this.subscription(body, url);
    if (!sub) return false;
    const waitMs = Math.min(10_000, termSeconds(body, 'Timeout', 0) * 1000);
    const end = Date.now() + waitMs;
    const tick = (): void => {
      if (this.o.closed() || !this.subs.has(sub.id))
        return send(wrap(this.o.vendor, this.pullResponse(sub, this.o.now())));
      const now = this.o.now();
      const msgs = this.due(sub, now);
      if (msgs !== null || Date.now() >= end)
        return send(
          wrap(
            this.o.vendor,
            `<tev:PullMessagesResponse><tev:CurrentTime>${new Date(now).toISOString()}</tev:CurrentTime>` +
              `<tev:TerminationTime>${new Date(now + Math.max(0, sub.expires - Date.now())).toISOString()}</tev:TerminationTime>` +
              `${msgs ?? ''}</tev:PullMessagesResponse>`,
          ),
        );
      setTimeout(tick, 25);
    };
    tick();
    return true;
  }
}
