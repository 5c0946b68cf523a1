// Safe XML reading for ONVIF/SOAP: DOCTYPE/ENTITY refused before parsing, namespace prefixes dropped.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { OnvifXmlError } from './errors';

/** A parsed element: child elements by local name, attributes as "@_name", text as "#text". */
export type XNode = { [key: string]: unknown };

const parser = new XMLParser({
  removeNSPrefix: true, // devices mix prefixes freely and some strip xmlns (Hikvision Media2 dumps)
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  processEntities: false, // no entity expansion at all; the five XML entities are decoded by text()
  htmlEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const DECL = /^\uFEFF?\s*<\?xml[^>]*\?>/; // tolerate a malformed declaration (curly quotes, seen in the wild)

/**
 * Parses a SOAP/XML document from an untrusted device. Throws OnvifXmlError on any DOCTYPE or
 * ENTITY declaration (XXE, billion laughs), on malformed or truncated XML, and on an empty body.
 */
export function parseXml(xml: string): XNode {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    const at = xml.search(/<!(DOCTYPE|ENTITY)/i);
    throw new OnvifXmlError('DOCTYPE/ENTITY declarations are refused', xml.slice(at, at + 60));
  }
  const body = xml.replace(DECL, '');
  if (!body.trim()) throw new OnvifXmlError('empty document', '');
  const ok = XMLValidator.validate(body);
  if (ok !== true) throw new OnvifXmlError(`${ok.err.code} at ${ok.err.line}:${ok.err.col}`, ok.err.msg);
  return parser.parse(body) as XNode;
}

const ENT: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and numeric character references (nothing else exists here). */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (_m, e: string) => {
    if (e[0] !== '#') return ENT[e] ?? '';
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
  });
}

const isNode = (v: unknown): v is XNode => typeof v === 'object' && v !== null && !Array.isArray(v);

/** All children called `name` (local name), as an array, whether the parser gave one or many. */
export function kids(node: unknown, name: string): unknown[] {
  if (!isNode(node)) return [];
  const v = node[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

/** The first child called `name`, following a path of local names. */
export function kid(node: unknown, ...path: string[]): unknown {
  let cur: unknown = node;
  for (const name of path) {
    cur = kids(cur, name)[0];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Text of an element (entities decoded, trimmed); undefined when absent. */
export function text(node: unknown, ...path: string[]): string | undefined {
  const v = path.length ? kid(node, ...path) : node;
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return decodeEntities(v).trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isNode(v)) {
    const t = v['#text'];
    return t === undefined ? '' : decodeEntities(String(t)).trim();
  }
  return undefined;
}

/** Attribute `name` (local name) of an element; undefined when absent. */
export function attr(node: unknown, name: string): string | undefined {
  if (!isNode(node)) return undefined;
  const v = node[`@_${name}`];
  return v === undefined ? undefined : decodeEntities(String(v));
}

/** Number from an element's text; undefined when absent or not a finite number. */
export function num(node: unknown, ...path: string[]): number | undefined {
  const t = text(node, ...path);
  if (t === undefined || t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

/** Depth-first search for the first element called `name`. */
export function findDeep(node: unknown, name: string, depth = 0): unknown {
  if (depth > 64) return undefined;
  if (Array.isArray(node)) {
    for (const n of node) {
      const r = findDeep(n, name, depth + 1);
      if (r !== undefined) return r;
    }
    return undefined;
  }
  if (!isNode(node)) return undefined;
  if (name in node) return kids(node, name)[0];
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('@_') || k === '#text') continue;
    const r = findDeep(v, name, depth + 1);
    if (r !== undefined) return r;
  }
  return undefined;
}

/** The SOAP Body of an envelope, or the document itself for a Body fragment. */
export function soapBody(doc: XNode): XNode {
  const b = kid(doc, 'Envelope', 'Body');
  if (isNode(b)) return b;
  if (b === '' || (b === undefined && kid(doc, 'Envelope') !== undefined)) return {};
  return doc;
}

export { isNode };
