// WS-Discovery (2005/04) messages: Probe out, ProbeMatches in; datagram screening shared by multicast and sweep.
import { OnvifError } from './errors';
import { esc } from './soap';
import { kid, kids, parseXml, soapBody, text } from './xml';

export const WSD_GROUP = '239.255.255.250';
export const WSD_PORT = 3702;
/** Datagrams larger than this are dropped unread (a ProbeMatches is ~1-3 kB). */
export const MAX_WSD_DATAGRAM = 16 * 1024;

/** One ProbeMatch, XAddrs already filtered to http/https. */
export interface ProbeMatch {
  /** EndpointReference Address, e.g. "urn:uuid:…"; the key for de-duplication. */
  endpoint: string;
  types: string[];
  scopes: string[];
  xaddrs: string[];
  metadataVersion?: number;
}

/** A device found by discovery. */
export interface DiscoveredDevice extends ProbeMatch {
  /** Address the answer came from ("ip:port" for UDP, "host:port" for an HTTP probe). */
  from: string;
  via: 'multicast' | 'unicast' | 'http';
  /** Scope-derived hints (onvif://www.onvif.org/name/…, /hardware/…), URL-decoded. */
  name?: string;
  hardware?: string;
}

/** Normalises a WS-Addressing message id for comparison ("urn:uuid:X" == "uuid:X", case-insensitive). */
export function normId(id: string): string {
  return id.trim().toLowerCase().replace(/^urn:/, '');
}

/** A Probe for `types` (default "dn:NetworkVideoTransmitter"); messageId like "uuid:…". */
export function buildProbe(messageId: string, types = 'dn:NetworkVideoTransmitter'): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"' +
    ' xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">' +
    `<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>${esc(messageId)}</a:MessageID>` +
    '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>' +
    `<s:Body><d:Probe>${types ? `<d:Types>${esc(types)}</d:Types>` : ''}</d:Probe></s:Body></s:Envelope>`
  );
}

/** Only http/https XAddrs survive (devices also list onvif://, link-local junk, or hostile schemes). */
export function httpXAddrs(list: string): string[] {
  const out: string[] = [];
  for (const x of list.split(/\s+/)) {
    if (!x) continue;
    try {
      const u = new URL(x);
      if ((u.protocol === 'http:' || u.protocol === 'https:') && !u.username && !u.password) out.push(u.href);
    } catch {
      /* not a URL: dropped */
    }
  }
  return out;
}

/** Parses a ProbeMatches message; throws OnvifXmlError on bad XML, OnvifError when it is not ProbeMatches. */
export function parseProbeMatches(xml: string): { relatesTo: string; messageId: string; matches: ProbeMatch[] } {
  const doc = parseXml(xml);
  const pm = kid(soapBody(doc), 'ProbeMatches');
  if (pm === undefined) throw new OnvifError('onvif: WS-Discovery datagram is not ProbeMatches');
  const header = kid(doc, 'Envelope', 'Header');
  const matches: ProbeMatch[] = [];
  for (const m of kids(pm, 'ProbeMatch')) {
    const endpoint = text(m, 'EndpointReference', 'Address');
    if (!endpoint) continue;
    const mv = Number(text(m, 'MetadataVersion'));
    matches.push({
      endpoint,
      types: (text(m, 'Types') ?? '').split(/\s+/).filter(Boolean),
      scopes: (text(m, 'Scopes') ?? '').split(/\s+/).filter(Boolean),
      xaddrs: httpXAddrs(text(m, 'XAddrs') ?? ''),
      ...(Number.isFinite(mv) && text(m, 'MetadataVersion') ? { metadataVersion: mv } : {}),
    });
  }
  return { relatesTo: text(header, 'RelatesTo') ?? '', messageId: text(header, 'MessageID') ?? '', matches };
}

/** Adds name/hardware hints taken from ONVIF scopes. */
export function withHints(m: ProbeMatch, from: string, via: DiscoveredDevice['via']): DiscoveredDevice {
  const scope = (kind: string): string | undefined => {
    const s = m.scopes.find((x) => x.startsWith(`onvif://www.onvif.org/${kind}/`));
    if (!s) return undefined;
    try {
      return decodeURIComponent(s.slice(`onvif://www.onvif.org/${kind}/`.length));
    } catch {
      return undefined;
    }
  };
  const name = scope('name');
  const hardware = scope('hardware');
  return { ...m, from, via, ...(name ? { name } : {}), ...(hardware ? { hardware } : {}) };
}

/** Counters of one discovery run. Garbage and oversized datagrams are counted, never thrown. */
export interface DatagramStats {
  /** Datagrams received. */
  received: number;
  /** Larger than MAX_WSD_DATAGRAM: dropped unread. */
  oversized: number;
  /** Not XML / not ProbeMatches / hostile XML. */
  garbage: number;
  /** ProbeMatches for somebody else's Probe (RelatesTo not ours). */
  unrelated: number;
}

export const newStats = (): DatagramStats => ({ received: 0, oversized: 0, garbage: 0, unrelated: 0 });

/**
 * Screens one datagram: returns the matches when it is a ProbeMatches relating to one of `ours`
 * (normalised ids → a tag), else counts why it was dropped and returns undefined.
 */
export function screenDatagram<T>(
  msg: Buffer,
  ours: Map<string, T>,
  stats: DatagramStats,
): { tag: T; matches: ProbeMatch[] } | undefined {
  stats.received++;
  if (msg.length > MAX_WSD_DATAGRAM) {
    stats.oversized++;
    return undefined;
  }
  let parsed: ReturnType<typeof parseProbeMatches>;
  try {
    parsed = parseProbeMatches(msg.toString('utf8'));
  } catch {
    stats.garbage++;
    return undefined;
  }
  const tag = ours.get(normId(parsed.relatesTo));
  if (tag === undefined) {
    stats.unrelated++;
    return undefined;
  }
  return { tag, matches: parsed.matches };
}
