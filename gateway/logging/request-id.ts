// The request id of an HTTP request: the caller's X-Request-Id when well-formed, else a new one; echoed in the answer.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** A well-formed id: 1–128 characters of letters, digits and "-", "_", ".", ":" (a UUID, a trace id, …). */
const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;

const ids = new WeakMap<IncomingMessage, string>();

/**
 * Takes the request's X-Request-Id when it is one well-formed value (anything else — too long, control
 * characters, several headers — is replaced, never echoed), else a random UUID; sets it on the answer.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
  ids.set(req, id);
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/** The id assigned to `req` (undefined for a request the listener did not see, such as a WebSocket upgrade). */
export function requestIdOf(req: IncomingMessage | undefined): string | undefined {
  return req ? ids.get(req) : undefined;
}
