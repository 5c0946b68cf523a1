// Safe reading of MANSCDP XML bodies: charset from the XML declaration (GB2312/GBK/GB18030 or UTF-8), DOCTYPE/ENTITY refused.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ManscdpError } from './errors';

/** A parsed element: child elements by name, attributes as "@_name", text as "#text". */
export type XNode = { [key: string]: unknown };

/** Largest MANSCDP body accepted, bytes (a full Catalog page of a big NVR is ~20 kB). Default 256 kB. */
export const MAX_XML_BYTES = 256 * 1024;

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false,
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const DECL = /^\uFEFF?\s*<\?xml[^>]*\?>/;

/** The charset named by a body's XML declaration, lower-cased; undefined when none is declared. */
export function declaredCharset(body: Buffer): string | undefined {
  const head = body.toString('latin1', 0, Math.min(body.length, 200));
  const decl = /^\uFEFF?\s*<\?xml[^>]*\?>/.exec(head.replace(/^\xEF\xBB\xBF/, ''))?.[0];
  return decl ? /encoding\s*=\s*["']?([A-Za-z0-9_.:-]+)/i.exec(decl)?.[1]?.toLowerCase() : undefined;
}

const GB = new Set(['gb2312', 'gbk', 'gb18030', 'cp936', 'x-gbk', 'euc-cn']);

/**
 * Decodes a body to text by its declared charset: GB2312/GBK/GB18030 with the GB18030 decoder (a
 * superset of both), UTF-8 strictly. Undeclared: UTF-8 if it is valid UTF-8, else GB18030 (devices
 * often send GB2312 without saying so). Bytes invalid in the declared charset are refused.
 */
export function decodeBody(body: Buffer): string {
  const cs = declaredCharset(body);
  const gb = (): string => new TextDecoder('gb18030', { fatal: true }).decode(body);
  const utf8 = (): string => new TextDecoder('utf-8', { fatal: true }).decode(body);
  try {
    if (cs === undefined) {
      try {
        return utf8();
      } catch {
        return gb();
      }
    }
    if (GB.has(cs)) return gb();
    if (cs === 'utf-8' || cs === 'utf8') return utf8();
  } catch {
    throw new ManscdpError(`bytes invalid in ${cs ?? 'UTF-8 or GB18030'}`, body.toString('latin1', 0, 60));
  }
  throw new ManscdpError(`unsupported charset ${cs}`, body.toString('latin1', 0, 60));
}

/** Parses a MANSCDP document from an untrusted device. Throws ManscdpError on DOCTYPE/ENTITY, malformed or oversized XML. */
export function parseXml(xml: string): XNode {
  if (xml.length > MAX_XML_BYTES) throw new ManscdpError(`document over ${MAX_XML_BYTES} characters`, xml.slice(0, 60));
  const bad = xml.search(/<!(DOCTYPE|ENTITY)/i);
  if (bad >= 0) throw new ManscdpError('DOCTYPE/ENTITY declarations are refused', xml.slice(bad, bad + 60));
  const body = xml.replace(DECL, '');
  if (!body.trim()) throw new ManscdpError('empty document', '');
  const ok = XMLValidator.validate(body);
  if (ok !== true) throw new ManscdpError(`${ok.err.code} at ${ok.err.line}:${ok.err.col}`, ok.err.msg);
  return parser.parse(body) as XNode;
}

const ENT: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and numeric character references. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    if (e[0] !== '#') return ENT[e] ?? '';
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

/** Escapes text for an element's content. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);
}

export const isNode = (v: unknown): v is XNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** All children called `name`, as an array. */
export function kids(node: unknown, name: string): unknown[] {
  if (!isNode(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** Text of the child at `path` (entities decoded, trimmed); undefined when absent. */
export function text(node: unknown, ...path: string[]): string | undefined {
  let v: unknown = node;
  for (const name of path) v = kids(v, name)[0];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return decodeEntities(v).trim();
  if (isNode(v)) return v['#text'] === undefined ? '' : decodeEntities(String(v['#text'])).trim();
  return String(v);
}

/** Number from a child's text; undefined when absent, empty or not finite. */
export function num(node: unknown, ...path: string[]): number | undefined {
  const t = text(node, ...path);
  if (t === undefined || t === '' || t === 'null') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Attribute `name` of an element. */
export function attr(node: unknown, name: string): string | undefined {
  if (!isNode(node)) return undefined;
  const v = node[`@_${name}`];
  return v === undefined ? undefined : decodeEntities(String(v));
}
