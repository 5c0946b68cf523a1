// Parsers for the Events service: PullPoint subscription and notification messages.
import { OnvifResponseError } from './errors';
import { attr, kid, kids, soapBody, text, type XNode } from './xml';

/** A PullPoint subscription the device created. */
export interface PullPointSubscription {
  /** Where PullMessages/Unsubscribe go (as reported; pin it with pinServiceUrl before use). */
  address: string;
  /** ISO time the subscription expires, when reported. */
  terminationTime?: string;
  /**
   * wsa ReferenceParameters to echo as SOAP headers (Axis needs its SubscriptionId back), as XML,
   * plus the namespace declarations they need; '' when there are none.
   */
  referenceParametersXml: string;
}

/** A notification. `topic` has prefixes removed ("RuleEngine/CellMotionDetector/Motion"). */
export interface OnvifEvent {
  topic: string;
  time: Date;
  /** Source SimpleItems (Name → Value), e.g. { Source: 'VideoSource_1' }. */
  source: Record<string, string>;
  /** Data SimpleItems (Name → Value), e.g. { IsMotion: 'true' }. ElementItems are left out. */
  data: Record<string, string>;
  /** "Initialized" | "Changed" | "Deleted" when given. */
  operation?: string;
  /** motion / tamper recognised from the topic; other for everything else. */
  kind: 'motion' | 'tamper' | 'other';
  /** For motion and tamper: the state the event reports (IsMotion/State/IsTamper). */
  active?: boolean;
}

const LOCAL = /(^|\/)[A-Za-z0-9_.-]+:/g;

/** Extracts ReferenceParameters children from the raw response, with the xmlns declarations they need. */
function referenceParameters(raw: string): string {
  const m = /<([A-Za-z0-9_.-]+:)?ReferenceParameters\b[^>]*>([\s\S]*?)<\/\1?ReferenceParameters\s*>/.exec(raw);
  const inner = m?.[2]?.trim() ?? '';
  if (!inner || inner.length > 4096) return '';
  const prefixes = new Set([...inner.matchAll(/<\/?([A-Za-z0-9_.-]+):/g)].map((x) => x[1]!));
  const decls: string[] = [];
  for (const p of prefixes) {
    if (new RegExp(`xmlns:${p}=`).test(inner)) continue;
    const d = new RegExp(`xmlns:${p}\\s*=\\s*"([^"]*)"`).exec(raw);
    if (d) decls.push(`xmlns:${p}="${d[1]}"`);
  }
  // Put the declarations on each top-level element so the headers stand alone.
  return decls.length
    ? inner.replace(
        /<([A-Za-z0-9_.-]+:[A-Za-z0-9_.-]+)(\s|>|\/>)/g,
        (_s, tag: string, end: string) => `<${tag} ${decls.join(' ')}${end}`,
      )
    : inner;
}

/** Reads CreatePullPointSubscriptionResponse; `raw` is the response text (for ReferenceParameters). */
export function parsePullPointSubscription(doc: XNode, raw: string): PullPointSubscription {
  const r = kid(soapBody(doc), 'CreatePullPointSubscriptionResponse');
  const address = text(r, 'SubscriptionReference', 'Address');
  if (!address) throw new OnvifResponseError('CreatePullPointSubscription', 'no SubscriptionReference Address');
  const terminationTime = text(r, 'TerminationTime');
  return { address, ...(terminationTime ? { terminationTime } : {}), referenceParametersXml: referenceParameters(raw) };
}

function items(node: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const it of kids(node, 'SimpleItem')) {
    const n = attr(it, 'Name');
    if (n) out[n] = attr(it, 'Value') ?? '';
  }
  return out;
}

function classify(topic: string, data: Record<string, string>): Pick<OnvifEvent, 'kind' | 'active'> {
  const bool = (v: string | undefined): boolean | undefined =>
    v === undefined ? undefined : v.toLowerCase() === 'true' || v === '1';
  if (/Tamper/i.test(topic)) {
    const active = bool(data.IsTamper ?? data.State ?? data.Tamper);
    return { kind: 'tamper', ...(active !== undefined ? { active } : {}) };
  }
  if (/Motion/i.test(topic)) {
    const active = bool(data.IsMotion ?? data.State ?? data.Motion);
    return { kind: 'motion', ...(active !== undefined ? { active } : {}) };
  }
  return { kind: 'other' };
}

/** Reads the NotificationMessages of a PullMessagesResponse (envelope or Body fragment). */
export function parseNotifications(doc: XNode): OnvifEvent[] {
  const r = kid(soapBody(doc), 'PullMessagesResponse');
  if (r === undefined) throw new OnvifResponseError('PullMessages', 'no PullMessagesResponse');
  const fallback = text(r, 'CurrentTime');
  return kids(r, 'NotificationMessage').map((nm) => {
    const topic = (text(nm, 'Topic') ?? '').replace(/\s+/g, '').replace(LOCAL, '$1');
    const msg = kid(nm, 'Message', 'Message');
    const t = Date.parse(attr(msg, 'UtcTime') ?? fallback ?? '');
    const source = items(kid(msg, 'Source'));
    const data = items(kid(msg, 'Data'));
    const operation = attr(msg, 'PropertyOperation');
    return {
      topic,
      time: new Date(Number.isFinite(t) ? t : Date.now()),
      source,
      data,
      ...(operation ? { operation } : {}),
      ...classify(topic, data),
    };
  });
}
