// One call of the gateway's REST API from a bench: JSON in and out, the bearer token when there is one.

export interface ApiAnswer {
  status: number;
  body: any;
  text: string;
}

/** The answer's status, its body parsed as JSON (null when it is not JSON) and its text. */
export async function apiCall(
  base: string,
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<ApiAnswer> {
  const r = await fetch(`${base}${url}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = null;
  }
  return { status: r.status, body: parsed, text };
}
