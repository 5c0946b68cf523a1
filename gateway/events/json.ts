// JSON parsing of untrusted event payloads: a "__proto__" key anywhere is refused, as the API's body parser does.

/** JSON.parse reviver: throws on a "__proto__" key (later copies would turn it into a prototype). */
export function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new SyntaxError('a JSON body may not have a "__proto__" key');
  return value;
}
