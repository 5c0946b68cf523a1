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
  /** Recognised from the topic (ONVIF, Axis, Hikvision names); other for everything else. */
  kind: 'motion' | 'tamper' | 'line-crossing' | 'intrusion' | 'other';
  /** The state the event reports (IsMotion/IsTamper/State/active/…), when it reports one. */
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

const KINDS: Array<[RegExp, OnvifEvent['kind'], string[]]> = [
  [/Tamper/i, 'tamper', ['IsTamper', 'State', 'Tamper', 'active', 'state']],
  [/LineDetector|LineCross|FenceGuard|LineDetection/i, 'line-crossing', ['Crossed', 'State', 'active', 'state']],
  [
    /FieldDetector|FieldDetection|Intrusion|ObjectAnalytics/i,
    'intrusion',
    ['IsInside', 'ObjectsInside', 'State', 'active', 'state'],
  ],
  [/Motion|Sensor\/PIR/i, 'motion', ['IsMotion', 'State', 'Motion', 'active', 'state']],
];

function classify(topic: string, data: Record<string, string>): Pick<OnvifEvent, 'kind' | 'active'> {
  for (const [re, kind, names] of KINDS) {
    if (!re.test(topic)) continue;
    const v = names.map((n) => data[n]).find((x) => x !== undefined);
    return v === undefined ? { kind } : { kind, active: v.toLowerCase() === 'true' || v === '1' };
  }
  // other topics with a boolean state (digital inputs, relays) keep it
  const v = ['State', 'state', 'LogicalState', 'active'].map((n) => data[n]).find((x) => x !== undefined);
  return v === undefined ? { kind: 'other' } : { kind: 'other', active: v.toLowerCase() === 'true' || v === '1' };
}

/** One wsnt:NotificationMessage → OnvifEvent; `fallback` is the time used when the message has none. */
function notification(nm: unknown, fallback: string | undefined): OnvifEvent {
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
}

/** Reads a RenewResponse: the new TerminationTime (ISO), when the device says. */
export function parseRenew(doc: XNode): string | undefined {
  const r = kid(soapBody(doc), 'RenewResponse');
  if (r === undefined) throw new OnvifResponseError('Renew', 'no RenewResponse');
  return text(r, 'TerminationTime');
}

/** Reads the events of a metadata stream document (tt:MetadataStream/tt:Event/wsnt:NotificationMessage), as Axis sends them. */
export function parseMetadataEvents(doc: XNode): OnvifEvent[] {
  const root = kid(doc, 'MetadataStream');
  if (root === undefined) throw new OnvifResponseError('MetadataStream', 'no MetadataStream element');
  return kids(root, 'Event').flatMap((ev) => kids(ev, 'NotificationMessage').map((nm) => notification(nm, undefined)));
}

/** Reads the NotificationMessages of a PullMessagesResponse (envelope or Body fragment). */
export function parseNotifications(doc: XNode): OnvifEvent[] {
  const r = kid(soapBody(doc), 'PullMessagesResponse');
  if (r === undefined) throw new OnvifResponseError('PullMessages', 'no PullMessagesResponse');
  const fallback = text(r, 'CurrentTime');
  return kids(r, 'NotificationMessage').map((nm) => notification(nm, fallback));
}
