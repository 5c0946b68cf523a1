// Structured SIP header values: name-addr (From/To/Contact), SIP URIs, Via, CSeq, and their ;params.
import { SipParseError } from './errors';

export type Params = Record<string, string>;

/** Parses ";a=1;b;c=\"x\"" into { a: '1', b: '', c: 'x' } (names lower-cased). */
export function parseParams(s: string): Params {
  const out: Params = {};
  for (const part of s.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    const name = (eq < 0 ? p : p.slice(0, eq)).trim().toLowerCase();
    let value = eq < 0 ? '' : p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    out[name] = value;
  }
  return out;
}

export function formatParams(p: Params): string {
  return Object.entries(p)
    .map(([k, v]) => (v === '' ? `;${k}` : `;${k}=${v}`))
    .join('');
}

export interface SipUri {
  scheme: 'sip' | 'sips';
  /** The user part: in GB/T 28181 the 20-digit device or platform id. */
  user: string;
  host: string;
  port?: number;
  params: Params;
}

/** Parses sip:user@host:port;params (the user part optional). */
export function parseUri(uri: string): SipUri {
  const m = /^(sips?):(?:([^@;]*)@)?(\[[0-9a-fA-F:.]+\]|[^:;?]+)(?::(\d{1,5}))?([^?]*)/i.exec(uri.trim());
  if (!m) throw new SipParseError('not a SIP URI', uri);
  const port = m[4] === undefined ? undefined : Number(m[4]);
  if (port !== undefined && port > 65535) throw new SipParseError('port out of range', uri);
  return {
    scheme: (m[1] ?? 'sip').toLowerCase() as 'sip' | 'sips',
    user: m[2] ?? '',
    host: m[3] ?? '',
    ...(port !== undefined ? { port } : {}),
    params: parseParams(m[5] ?? ''),
  };
}

export function formatUri(u: SipUri): string {
  return `${u.scheme}:${u.user ? `${u.user}@` : ''}${u.host}${u.port ? `:${u.port}` : ''}${formatParams(u.params)}`;
}

/** A From/To/Contact value: optional display name, the URI, and the header's own params (tag, expires). */
export interface NameAddr {
  display?: string;
  uri: SipUri;
  params: Params;
}

/** Parses `"name" <sip:…>;tag=x`, `<sip:…>;tag=x` and the bare `sip:…;tag=x` (params then belong to the header). */
export function parseNameAddr(v: string): NameAddr {
  const s = v.trim();
  const lt = s.indexOf('<');
  if (lt >= 0) {
    const gt = s.indexOf('>', lt);
    if (gt < 0) throw new SipParseError('unclosed <', v);
    const display = s
      .slice(0, lt)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return {
      ...(display ? { display } : {}),
      uri: parseUri(s.slice(lt + 1, gt)),
      params: parseParams(s.slice(gt + 1)),
    };
  }
  const semi = s.indexOf(';');
  const uri = parseUri(semi < 0 ? s : s.slice(0, semi));
  return { uri, params: semi < 0 ? {} : parseParams(s.slice(semi)) };
}

export function formatNameAddr(n: NameAddr): string {
  return `${n.display ? `"${n.display}" ` : ''}<${formatUri(n.uri)}>${formatParams(n.params)}`;
}

export interface Via {
  /** UDP or TCP (upper-cased). */
  transport: string;
  host: string;
  port?: number;
  params: Params;
}

/** Parses one Via value: `SIP/2.0/UDP host:port;branch=…;rport`. */
export function parseVia(v: string): Via {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9a-fA-F:.]+\]|[^\s:;]+)(?::(\d{1,5}))?\s*(.*)$/.exec(v.trim());
  if (!m) throw new SipParseError('not a Via', v);
  return {
    transport: (m[1] ?? '').toUpperCase(),
    host: m[2] ?? '',
    ...(m[3] ? { port: Number(m[3]) } : {}),
    params: parseParams(m[4] ?? ''),
  };
}

export function formatVia(v: Via): string {
  return `SIP/2.0/${v.transport} ${v.host}${v.port ? `:${v.port}` : ''}${formatParams(v.params)}`;
}

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(v: string): CSeq {
  const m = /^(\d{1,10})\s+([A-Za-z]+)$/.exec(v.trim());
  if (!m || Number(m[1]) > 2 ** 31 - 1) throw new SipParseError('not a CSeq', v);
  return { seq: Number(m[1]), method: (m[2] ?? '').toUpperCase() };
}
